import crypto from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import { accountRoutes } from './accounts/accounts.routes.js';
import { resolveActor } from './accounts/accounts.service.js';
import { auditRoutes } from './core/audit.routes.js';
import { pingDatabase } from './core/db.js';
import type { Env } from './core/env.js';
import { registerAuthentication } from './core/http/auth.js';
import { clientErrorHandler } from './core/http/client-errors.js';
import { answerRoutingError, refuseWhileClosing, registerErrorHandling } from './core/http/errors.js';
import { registerMetrics } from './core/http/metrics.js';
import { addSecurityHeaders, securityHeaders } from './core/http/security-headers.js';
import { registerValidation } from './core/http/validation.js';
import { geoRoutes } from './geo/geo.routes.js';
import { orgRoutes } from './org/org.routes.js';
import { caseRoutes } from './cases/cases.routes.js';
import { caseCategoryRoutes } from './cases/cases.categories.routes.js';
import { dispatchCatalogueRoutes } from './cases/cases.dispatch-catalogue.routes.js';
import { publicCaseRoutes } from './cases/cases.public.routes.js';
import { casePhotoRoutes } from './cases/cases.photos.routes.js';
import { caseTemplateRoutes } from './cases/cases.templates.routes.js';
import { caseBulkRoutes } from './cases/cases.bulk.routes.js';
import { answerOpen311RoutingError, open311Routes, renderOpen311Refusal } from './open311/open311.routes.js';
import { caseStatsRoutes } from './cases/cases.stats.routes.js';
import { caseExportRoutes } from './cases/cases.export.routes.js';
import { caseMapRoutes } from './cases/cases.map.routes.js';
import { notifyRoutes } from './notify/notify.routes.js';
import { defaultWebRoot, webCspDirectives, webRoutes } from './web.routes.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** `/api/v1/cases?q=…&page=…`: what was asked for, without what was typed. */
function withoutQueryValues(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  return `${url.slice(0, at)}?${url.slice(at + 1).split('&').map((pair) => `${pair.split('=')[0]}=…`).join('&')}`;
}

/** Where log lines go instead of stdout: tests read them to prove what is never logged. */
export interface LogStream {
  write(line: string): void;
}

const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

/** Builds the HTTP app around an open database; tests drive it with app.inject. */
export async function buildApp(env: Env, options: { webRoot?: string; logStream?: LogStream } = {}): Promise<FastifyInstance> {
  const headers = securityHeaders({ contentSecurityPolicy: { directives: webCspDirectives(env.config.basemapUrl) } });
  const app = Fastify({
    logger: {
      level: env.config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      // Personal data never reaches the logs: no bodies, and no credentials from headers.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]'],
      // Query strings carry tokens and keys (EventSource, Open311's api_key) and searches for names and phone
      // numbers (q): the logs keep only the parameters' names.
      serializers: {
        req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: withoutQueryValues(req.url), id: req.id }),
      },
    },
    // Reuse a caller's request id when it is sane, so a trace can cross services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    // A number of hops trusts that many proxies nearest the server, whatever their address.
    trustProxy: typeof env.config.trustProxy === 'number' ? trustHops(env.config.trustProxy) : env.config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Refused by refuseWhileClosing instead, in the usual shape.
    return503OnClosing: false,
    // A client that trickles its request (slowloris) is cut off: its headers must arrive within
    // HTTP_HEADERS_TIMEOUT_MS, the whole request within HTTP_REQUEST_TIMEOUT_MS (Fastify's default is
    // no limit). Node looks for such connections every connectionsCheckingInterval (30 s by default).
    requestTimeout: env.config.httpRequestTimeoutMs,
    http: { headersTimeout: env.config.httpHeadersTimeoutMs, connectionsCheckingInterval: Math.min(1_000, env.config.httpHeadersTimeoutMs) },
    clientErrorHandler: clientErrorHandler(headers, renderOpen311Refusal),
    frameworkErrors: (error, request, reply) => {
      reply.headers({ ...headers, 'x-request-id': request.id });
      (request.url.startsWith('/open311/') ? answerOpen311RoutingError : answerRoutingError)(error, request, reply);
    },
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  addSecurityHeaders(app, headers);
  registerErrorHandling(app);
  refuseWhileClosing(app);
  registerValidation(app);
  await app.register(multipart, { limits: { fileSize: env.config.importMaxBytes, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Shiyu API', version: '1', description: 'City-level social governance: geography, grids, cases and the closed loop.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  registerMetrics(app);
  registerAuthentication(app, (token) => resolveActor(env, token));

  app.get('/healthz', { schema: { tags: ['ops'], security: [], summary: 'Liveness and database reachability' } }, async (_request, reply) => {
    const database = await pingDatabase(env.db);
    return reply.status(database ? 200 : 503).send({ status: database ? 'ok' : 'degraded', database: database ? 'ok' : 'unreachable' });
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(accountRoutes, { env });
  await app.register(geoRoutes, { env });
  await app.register(orgRoutes, { env });
  await app.register(auditRoutes, { env });
  await app.register(caseRoutes, { env });
  await app.register(caseCategoryRoutes, { env });
  await app.register(dispatchCatalogueRoutes, { env });
  await app.register(publicCaseRoutes, { env });
  await app.register(casePhotoRoutes, { env });
  await app.register(caseTemplateRoutes, { env });
  await app.register(caseBulkRoutes, { env });
  await app.register(open311Routes, { env });
  await app.register(caseStatsRoutes, { env });
  await app.register(caseExportRoutes, { env });
  await app.register(caseMapRoutes, { env });
  await app.register(notifyRoutes, { env });
  // Last: the web app answers what no API route does.
  await app.register(webRoutes, { root: options.webRoot ?? defaultWebRoot() });
  return app;
}
