import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError, FastifyInstance } from 'fastify';

/** An error document for the paths that answer errors in a shape of their own (Open311's), or undefined. */
export type RefusalRenderer = (path: string, status: number, message: string) => { type: string; body: string } | undefined;

/** Status, code and wording for a parser refusal; none of them repeats what the client sent. */
function refusalOf(code: string | undefined): { status: number; code: string; message: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code: 'request_timeout', message: 'the request did not arrive in time' };
  if (code === 'HPE_HEADER_OVERFLOW') return { status: 431, code: 'headers_too_large', message: 'the request headers are too large' };
  if (code === 'HPE_INVALID_METHOD') return { status: 400, code: 'invalid_method', message: 'the method is not one HTTP defines' };
  return { status: 400, code: 'bad_request', message: 'the request is not valid HTTP/1.1' };
}

/** The path on the refused request line, only to choose the answer's shape (a timed-out request has none). */
function pathOf(err: ConnectionError): string {
  // Node hands over the bytes it refused (`rawPacket`) when it had read some; Fastify's type says otherwise.
  const raw: unknown = err.rawPacket;
  return /^[^ \r\n]* (\/[^ \r\n]*)/.exec(Buffer.isBuffer(raw) ? raw.toString('latin1') : '')?.[1] ?? '';
}

/**
 * Answers what never becomes a request: a nonsense method, headers past Node's size limit, a
 * request that arrives too slowly (HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS: a slowloris
 * trickling bytes to hold a connection open). In the documented error shape (`renderFor` gives
 * Open311's on its paths), with the security headers, and then the connection is closed. Fastify's
 * default answers in a shape of its own, without those headers.
 */
export function clientErrorHandler(headers: Record<string, string>, renderFor: RefusalRenderer) {
  // Fastify calls it with `this` bound to the app.
  return function answerClientError(this: FastifyInstance, err: ConnectionError, socket: Socket): void {
    // A connection the client reset has nobody left to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const refusal = refusalOf(err.code);
    // Only the code: the error also carries the raw bytes received, which may hold anything.
    this.log.debug({ code: err.code, status: refusal.status }, 'client error');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const { type, body } = renderFor(pathOf(err), refusal.status, refusal.message)
      ?? { type: 'application/json; charset=utf-8', body: JSON.stringify({ error: { code: refusal.code, message: refusal.message } }) };
    const head = [
      `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}`,
      `content-type: ${type}`,
      `content-length: ${Buffer.byteLength(body)}`,
      'connection: close',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    // Closed once the answer is out, even if the client goes on trickling.
    socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
  };
}
