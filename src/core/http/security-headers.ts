import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for these options (Content-Security-Policy, X-Content-Type-Options, …),
 * worked out once: they depend on nothing in the request. @fastify/helmet sets them in a request
 * hook, which the answers given before a request has a route never reach: the router's refusals (a
 * path that is not UTF-8) and the HTTP parser's (client-errors.ts). Those take these instead.
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
