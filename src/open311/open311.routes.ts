import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Static } from 'typebox';
import { addIntakePhoto, inspectPhoto, publicPhotoIds } from '../cases/cases.photos.js';
import type { Env } from '../core/env.js';
import { AppError, NotFoundError } from '../core/errors.js';
import { discardUnread, routingErrorOf } from '../core/http/errors.js';
import { parseUrlEncoded, readSubmission } from './open311.form.js';
import { FormatParams, RequestParams, RequestsQuery, ServiceParams, TokenParams, UpdatesQuery } from './open311.schema.js';
import * as open311 from './open311.service.js';
import { renderXml, type XmlValue } from './open311.xml.js';

/**
 * Open311 GeoReport v2 at /open311/v2, in its own encapsulated context: its own form parser,
 * and its own error and not-found handlers, so every error (schema failures included) is in
 * the spec's format, `[{code, description}]` or `<errors><error>…`, never Shiyu's own.
 */
export async function open311Routes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  await app.register(async (v2) => georeportV2(v2, env), { prefix: '/open311/v2' });
}

type Format = 'json' | 'xml';
const FORMATS = new Set(['json', 'xml']);
const TAGS = ['open311'];
const NO_AUTH = [] as Record<string, string[]>[];

/** The format asked for: the route's extension, or for an unknown route the URL's. */
function formatOf(request: FastifyRequest): Format {
  const given = (request.params as { format?: string } | undefined)?.format;
  if (given && FORMATS.has(given)) return given as Format;
  return /\.xml$/i.test(request.url.split('?')[0]) ? 'xml' : 'json';
}

function send(request: FastifyRequest, reply: FastifyReply, root: string, body: XmlValue, status = 200) {
  reply.status(status);
  if (formatOf(request) === 'xml') return reply.type('text/xml; charset=utf-8').send(renderXml(root, body));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** Shiyu's intake names a few things differently from Open311. */
const OPEN311_NAMES: Record<string, string> = { location: 'lat/long', categoryCode: 'service_code', adminUnitId: 'address_string' };

interface AjvIssue { instancePath?: string; message?: string; params?: { missingProperty?: string } }

function errorOf(error: FastifyError | AppError | Error): { status: number; description: string } {
  if (error instanceof AppError) {
    const renamed = error.field ? OPEN311_NAMES[error.field] : undefined;
    return { status: error.status, description: renamed ? `${renamed}: ${error.message}` : error.message };
  }
  const fe = error as FastifyError;
  if (fe.validation?.length) {
    const issue = fe.validation[0] as AjvIssue;
    const parts = (issue.instancePath ?? '').split('/').filter(Boolean);
    if (issue.params?.missingProperty) parts.push(issue.params.missingProperty);
    return { status: 400, description: `${parts.join('.') || fe.validationContext || 'request'} ${issue.message ?? 'is invalid'}` };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) return { status: fe.statusCode, description: fe.message };
  return { status: 500, description: 'something went wrong on our side; it has been logged' };
}

/** The router's refusals (an undecodable path, an over-long parameter) on Open311 paths, in Open311's format. */
export function answerOpen311RoutingError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const { status, message } = routingErrorOf(error);
  if (status >= 500) request.log.error({ err: error }, 'open311 request failed');
  return send(request, reply, 'errors', [{ code: status, description: message }], status);
}

/**
 * What the HTTP parser refused on an Open311 path (a nonsense method, headers too large), in
 * Open311's format: XML when the path asks for it, else JSON. Undefined on other paths.
 */
export function renderOpen311Refusal(path: string, status: number, description: string): { type: string; body: string } | undefined {
  if (!path.startsWith('/open311/')) return undefined;
  const errors = [{ code: status, description }];
  return /\.xml$/i.test(path.split('?')[0])
    ? { type: 'text/xml; charset=utf-8', body: renderXml('errors', errors) }
    : { type: 'application/json; charset=utf-8', body: JSON.stringify(errors) };
}

/** Where links given out point: PUBLIC_URL, else where this request says it was sent. */
function origin(env: Env, request: FastifyRequest): string {
  return env.config.publicUrl ?? `${request.protocol}://${request.host}`;
}

/** Points media_url at the first photo the reporter sent, served by the public photo route. */
async function withMedia<T extends { service_request_id: string }>(env: Env, request: FastifyRequest, requests: T[]) {
  const ids = await publicPhotoIds(env, requests.map((r) => r.service_request_id));
  const base = `${origin(env, request)}/api/v1/public/cases`;
  return requests.map((r) => {
    const id = ids.get(r.service_request_id);
    return id === undefined ? r : { ...r, media_url: `${base}/${encodeURIComponent(r.service_request_id)}/photos/${id}` };
  });
}

async function georeportV2(v2: FastifyInstance, env: Env): Promise<void> {
  v2.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseUrlEncoded(body as string));
  });

  v2.setErrorHandler((error: FastifyError | AppError | Error, request, reply) => {
    discardUnread(request);
    const { status, description } = errorOf(error);
    if (status >= 500) request.log.error({ err: error }, 'open311 request failed');
    return send(request, reply, 'errors', [{ code: status, description }], status);
  });

  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    send(request, reply, 'errors', [{ code: 404, description: `no resource ${request.method} ${request.url.split('?')[0]}` }], 404);
  v2.setNotFoundHandler(notFound);
  // The web app's catch-all would otherwise take unknown paths here; clients of this API expect its error format.
  v2.all('/*', { schema: { hide: true } }, async (request, reply) => notFound(request, reply));

  // An unknown extension is a resource that does not exist.
  v2.addHook('preValidation', async (request) => {
    const format = (request.params as { format?: string } | undefined)?.format;
    if (format !== undefined && !FORMATS.has(format)) throw new NotFoundError('format', `no format .${format}: use .json or .xml`);
  });

  v2.get('/discovery.:format', {
    schema: { tags: TAGS, security: NO_AUTH, summary: 'Open311 service discovery', params: FormatParams },
  }, async (request, reply) => {
    const url = `${origin(env, request)}/open311/v2`;
    return send(request, reply, 'discovery', open311.discovery(url, env.config.env === 'production'));
  });

  v2.get('/services.:format', {
    schema: { tags: TAGS, security: NO_AUTH, summary: 'GeoReport v2 service list: one service per leaf category', params: FormatParams },
  }, async (request, reply) => send(request, reply, 'services', await open311.listServices(env)));

  v2.get('/services/:service_code.:format', {
    schema: { tags: TAGS, security: NO_AUTH, summary: 'GeoReport v2 service definition: the attributes a service takes', params: ServiceParams },
  }, async (request, reply) => {
    const { service_code: code } = request.params as Static<typeof ServiceParams>;
    return send(request, reply, 'service_definition', await open311.serviceDefinition(env, code));
  });

  v2.post('/requests.:format', {
    schema: {
      tags: TAGS, security: NO_AUTH, params: FormatParams,
      summary: 'GeoReport v2 POST service request',
      description: 'application/x-www-form-urlencoded, or multipart/form-data with a photo in `media` (JPEG, PNG or WebP by its content, at most 10 MB, decodable; '
        + 'stored with the case and answered as media_url). '
        + 'Fields: api_key (required), service_code (required), lat and long or address_string, attribute[code], description, first_name, last_name, email, phone, '
        + 'address_id, device_id, account_id, jurisdiction_id. Answers [{service_request_id, service_notice, account_id}].',
    },
  }, async (request, reply) => {
    const submission = await readSubmission(request);
    // The photo is decoded (the costly check) only for a known client, and before the case exists, so a bad photo makes no case.
    const client = await open311.requestClient(env, submission.fields);
    const photo = submission.media ? await inspectPhoto(submission.media.buffer, 'media') : undefined;
    const created = await open311.submitRequest(env, { fields: submission.fields }, client, request.ip);
    if (photo) await addIntakePhoto(env, created.service_request_id, photo, { actor: null, via: `open311:${client.name}`, ip: request.ip });
    return send(request, reply, 'service_requests', [created]);
  });

  v2.get('/requests.:format', {
    schema: { tags: TAGS, security: NO_AUTH, summary: 'GeoReport v2 service requests, newest first, paged', params: FormatParams, querystring: RequestsQuery },
  }, async (request, reply) => {
    return send(request, reply, 'service_requests', await withMedia(env, request, await open311.listRequests(env, request.query as Static<typeof RequestsQuery>)));
  });

  v2.get('/requests/:service_request_id.:format', {
    schema: { tags: TAGS, security: NO_AUTH, summary: 'GeoReport v2 one service request by its id (the ticket number)', params: RequestParams },
  }, async (request, reply) => {
    const { service_request_id: id } = request.params as Static<typeof RequestParams>;
    return send(request, reply, 'service_requests', await withMedia(env, request, await open311.getRequest(env, id)));
  });

  v2.get('/tokens/:token.:format', {
    schema: { tags: TAGS, security: NO_AUTH, summary: 'GeoReport v2 token lookup: no tokens are issued, requests get their id at once', params: TokenParams },
  }, async (request) => {
    const { token } = request.params as Static<typeof TokenParams>;
    throw new NotFoundError('token', `token ${token} was not found: this endpoint answers the service_request_id at once and issues no tokens`);
  });

  v2.get('/servicerequestupdates.:format', {
    schema: { tags: TAGS, security: NO_AUTH, summary: 'mySociety extension: the official answers given in a time range', params: FormatParams, querystring: UpdatesQuery },
  }, async (request, reply) => {
    return send(request, reply, 'service_requests_updates', await open311.listUpdates(env, request.query as Static<typeof UpdatesQuery>));
  });
}
