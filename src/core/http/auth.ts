import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, RequestContext } from '../access.js';
import { UnauthorizedError } from '../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller and where they called from; actor is null when no token was sent. */
    ctx: RequestContext;
  }
}

/** Turns a bearer token into the user behind it, or null when it is unknown or expired. */
export type ActorResolver = (token: string) => Promise<Actor | null>;

/**
 * Resolves `Authorization: Bearer` once per request. A request without a token goes on
 * as anonymous (each service decides whether that is enough); a bad token is refused here.
 */
export function registerAuthentication(app: FastifyInstance, resolve: ActorResolver): void {
  app.decorateRequest('ctx', null as unknown as RequestContext);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.ctx = { actor: null, ip: request.ip, requestId: request.id };
    if (!request.headers.authorization) return;
    const token = bearerToken(request);
    if (!token) throw new UnauthorizedError('the Authorization header must be "Bearer <token>"');
    const actor = await resolve(token);
    if (!actor) throw new UnauthorizedError('your session has expired or is not valid; sign in again');
    request.ctx.actor = actor;
  });
}

/** The token of an `Authorization: Bearer` header, if it has one of the right shape; routes read it here too. */
export function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer\s+([A-Za-z0-9_-]{20,200})$/.exec(request.headers.authorization ?? '')?.[1];
}
