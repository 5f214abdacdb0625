import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { inScope, type Actor } from '../core/access.js';
import type { Env } from '../core/env.js';
import { bearerToken } from '../core/http/auth.js';
import { IdParams } from '../geo/geo.schema.js';
import { ActionBody, CaseListPage, CaseListQuery, IntakeHeaders, NewCaseBody, StreamQuery } from './cases.schema.js';
import { caseFeed } from './cases.live.js';
import * as cases from './cases.service.js';

/** The closed loop: intake, one case, its actions, and the scoped list. */
export async function caseRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.post('/api/v1/cases', {
    schema: {
      tags: ['cases'],
      summary: 'Take a case in through a staff channel',
      description: 'Answers 201 with id, ticketNo, status, grid and the proposed route. A repeated Idempotency-Key with the same request answers the first case again; the same key with another request answers 422.',
      body: NewCaseBody,
      headers: IntakeHeaders,
    },
  }, async (request, reply) => {
    const key = (request.headers as Static<typeof IntakeHeaders>)['idempotency-key'];
    const result = await cases.createCase(env, request.ctx, request.body as Static<typeof NewCaseBody>, key);
    return reply.status(201).send(result.case);
  });

  app.get('/api/v1/cases', {
    schema: {
      tags: ['cases'],
      summary: 'Cases in your jurisdiction, newest first',
      description: 'The total is exact up to 1,000 matching cases (and on the last page); past that `totalExact` is false and `total` is a lower bound. Pages start within the first 10,000 cases; GET /api/v1/cases/export.csv reads them all.',
      querystring: CaseListQuery,
      response: { 200: CaseListPage },
    },
  }, async (request) => cases.listCases(env, request.ctx, request.query as Static<typeof CaseListQuery>));

  app.get('/api/v1/cases/stream', {
    schema: {
      tags: ['cases'],
      summary: 'Server-sent events: every change to a case in your jurisdiction, as it happens',
      description: 'Each event is `case` with {eventId, caseId, ticketNo, action, status, at}. Send the token as a Bearer header (the web app reads the stream with fetch). ?token= is taken for EventSource clients, which cannot set headers, but a URL with a token ends up in proxies\' logs: prefer the header.',
      querystring: StreamQuery,
    },
  }, async (request, reply) => {
    const token = bearerToken(request) ?? (request.query as Static<typeof StreamQuery>).token;
    const actor = request.ctx.actor ?? await cases.actorFromToken(env, token);
    const feed = caseFeed(env.db);
    cases.requireStreamAccess(actor);
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // Node sends a HEAD's headers only when the answer ends: a stream that never ends would never answer.
    if (request.method === 'HEAD') return void raw.end();
    raw.write(': connected\n\n');
    // Who listens is asked again before each change and each keep-alive: a session ended or an
    // account deactivated (or moved) while the stream is open ends it, or stops what it may hear.
    let turn = Promise.resolve();
    const tell = (what: (listener: Actor) => string | null) => {
      turn = turn.then(async () => {
        if (raw.writableEnded) return;
        const listener = await cases.streamListener(env, token);
        if (!listener) return void raw.end();
        const text = what(listener);
        if (text !== null) raw.write(text);
      }).catch(() => void raw.end());
    };
    // Known to the shutdown before subscribing, which may wait on the database: a shutdown meanwhile ends it too.
    streams.add(raw);
    const stop = await feed.subscribe(actor!, (change) => tell((listener) => {
      if (!inScope(listener, change.path)) return null;
      const { path: _path, ...visible } = change;
      return `id: ${change.eventId}\nevent: case\ndata: ${JSON.stringify(visible)}\n\n`;
    }));
    // Ended (a shutdown) or gone (the client) while subscribing: its close events have passed already.
    if (raw.writableEnded || raw.destroyed) {
      stop();
      streams.delete(raw);
      return;
    }
    // Comments keep proxies from closing an idle stream.
    const heartbeat = setInterval(() => tell(() => ': keep-alive\n\n'), 25_000);
    let open = true;
    const closed = () => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      stop();
      streams.delete(raw);
    };
    request.raw.once('close', closed);
    raw.once('close', closed);
  });
  // Open streams never finish by themselves: end them so a shutdown does not wait on them.
  const streams = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const raw of streams) raw.end();
    caseFeed(env.db).close();
  });

  app.get('/api/v1/cases/:id', {
    schema: { tags: ['cases'], summary: 'One case with its timeline and the actions you may take', params: IdParams },
  }, async (request) => cases.getCase(env, request.ctx, (request.params as Static<typeof IdParams>).id));

  app.get('/api/v1/cases/:id/reporter', {
    schema: {
      tags: ['cases'], summary: 'The reporter\'s name, phone and email whole, to call them back; each reading is audited', params: IdParams,
      description: 'The case view masks them for everyone. 403 for roles without personal.reveal and when the reporter asked for confidentiality.',
    },
  }, async (request) => cases.revealReporter(env, request.ctx, (request.params as Static<typeof IdParams>).id));

  app.get('/api/v1/cases/:id/duplicates', {
    schema: { tags: ['cases'], summary: 'Open cases of the same category nearby, reported shortly before: candidates to merge', params: IdParams },
  }, async (request) => cases.duplicatesOf(env, request.ctx, (request.params as Static<typeof IdParams>).id));

  app.post('/api/v1/cases/:id/actions', {
    schema: { tags: ['cases'], summary: 'Take one action on a case, decided on a version', params: IdParams, body: ActionBody },
  }, async (request) => cases.act(env, request.ctx, (request.params as Static<typeof IdParams>).id, request.body as Static<typeof ActionBody>));
}
