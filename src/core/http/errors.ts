import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, isDiskFull, StorageFullError } from '../errors.js';
import { DatabaseTimeoutError } from '../postgres-pool.js';

interface AjvIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string; additionalProperty?: string };
}

/** 'boundary/coordinates/0' → 'boundary.coordinates.0', the name a caller sees in `field`. */
function fieldOf(issue: AjvIssue, context: string | undefined): string {
  const parts = (issue.instancePath ?? '').split('/').filter(Boolean);
  const extra = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  if (extra) parts.push(extra);
  return parts.length ? parts.join('.') : (context ?? 'body');
}

function body(code: string, message: string, field?: string, details?: unknown) {
  return { error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } };
}

/**
 * The one place errors become HTTP answers: domain errors keep their status,
 * schema failures name the field, and nothing unexpected leaks its message.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    discardUnread(request);
    if (error instanceof AppError) {
      return reply.status(error.status).send(body(error.code, error.message, error.field, error.details));
    }
    const fe = error as FastifyError & { validationContext?: string };
    if (fe.validation && fe.validation.length) {
      const issue = fe.validation[0] as AjvIssue;
      const field = fieldOf(issue, fe.validationContext);
      const message = issue.params?.additionalProperty
        ? `${field} is not a known field`
        : `${field} ${issue.message ?? 'is invalid'}`;
      return reply.status(400).send(body('invalid_input', message, field));
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || error instanceof SyntaxError
        ? 'invalid_json'
        : status === 413 ? 'payload_too_large'
        : status === 415 ? 'unsupported_media_type'
        : status === 429 ? 'too_many_requests'
        : 'bad_request';
      const field = status === 413 || code === 'invalid_json' ? 'body' : status === 415 ? 'content-type' : undefined;
      return reply.status(status).send(body(code, error.message, field));
    }
    request.log.error({ err: error }, 'request failed');
    if (isDiskFull(error)) {
      const full = new StorageFullError((error as NodeJS.ErrnoException).code === '53100' ? 'the database' : 'the data directory (DATA_DIR)');
      return reply.status(full.status).send(body(full.code, full.message));
    }
    if (isUnavailable(error)) {
      return reply.status(503).header('retry-after', '5').send(body('unavailable', 'the database is not answering; try again shortly'));
    }
    return reply.status(500).send(body('internal', 'something went wrong on our side; it has been logged'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}

/** More than any route takes (photos: 10 MB, imports: 64 MB): a client sending on past it is cut off. */
const DISCARD_LIMIT = 80 * 1024 * 1024;

/**
 * Reads and drops what is left of a body the answer came before: a form refused at its first
 * field, say. A multipart parser that gave up leaves the body unread, and Node, seeing it was
 * being read, does not drop the rest itself: the client, still sending, waits for a reader that
 * never comes (some clients read no answer until their body is sent), and the connection stays
 * open until the server's timeouts end it, holding up a graceful shutdown meanwhile.
 */
function discardRest(raw: IncomingMessage): void {
  let left = DISCARD_LIMIT;
  raw.unpipe();
  raw.on('data', (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) raw.socket.destroy();
  });
  raw.resume();
}

/** discardRest for a request still being read: every error handler calls it, Open311's too. */
export function discardUnread(request: FastifyRequest): void {
  if (!request.raw.complete) discardRest(request.raw);
}

/**
 * While the server drains on shutdown, requests still arriving on open connections are turned
 * away in the usual shape and with the usual headers, and told to come back: Fastify's own
 * refusal (its return503OnClosing, switched off in app.ts) has neither.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.status(503).header('retry-after', '5').header('connection', 'close')
      .send(body('unavailable', 'the server is restarting; try again shortly'));
  });
}

/**
 * Connection-level failures mean "try again", not "we are broken"; so does a database too slow to
 * answer within DB_STATEMENT_TIMEOUT_MS (cancelled by PostgreSQL, 57014, or given up on here).
 */
function isUnavailable(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  return error instanceof DatabaseTimeoutError
    || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P03', '57014', '08006', '08001'].includes(code)
    || /Connection terminated|timeout exceeded when trying to connect|is not queryable/i.test(error.message);
}

/**
 * The router's own refusals, raised before any route or error handler is chosen: a path that is
 * not percent-encoded UTF-8, or a parameter longer than the router takes. Answered in the one
 * shape; the path is not echoed back.
 */
export function answerRoutingError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const { status, code, message } = routingErrorOf(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  reply.status(status).send(body(code, message));
}

/** Status, code and wording of a router refusal, for this shape and for Open311's. */
export function routingErrorOf(error: FastifyError): { status: number; code: string; message: string } {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return { status: 414, code: 'url_too_long', message: 'a part of the address is longer than any record id or code' };
  if (error.code === 'FST_ERR_BAD_URL') return { status: 400, code: 'invalid_url', message: 'the address is not valid percent-encoded UTF-8' };
  return { status: 500, code: 'internal', message: 'something went wrong on our side; it has been logged' };
}
