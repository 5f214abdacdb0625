import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for these options (Content-Security-Policy, X-Content-Type-Options, …),
 * worked out once: they depend on nothing in the request. The app sets them in a request hook,
 * and on the answers given before a request has a route, which never reach that hook: the
 * router's refusals (a path that is not UTF-8) and the HTTP parser's (client-errors.ts).
 */
export function securityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const collector = {
    setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = String(value); },
    removeHeader: (name: string) => { delete headers[name.toLowerCase()]; },
  };
  helmet(options)({} as IncomingMessage, collector as unknown as ServerResponse, () => {});
  return headers;
}

/**
 * Sets those headers on every answer a route gives, and answers them for the rest. Not
 * @fastify/helmet: it builds helmet's middleware again for every request, a twentieth of the
 * server's work per case taken in, for headers that are the same every time.
 */
export function addSecurityHeaders(app: FastifyInstance, headers: Record<string, string>): void {
  const entries = Object.entries(headers);
  app.addHook('onRequest', (_request, reply, done) => {
    // On the raw response, as helmet does: the streamed answers (the live feed, exports) write their own head.
    for (const [name, value] of entries) reply.raw.setHeader(name, value);
    done();
  });
}
