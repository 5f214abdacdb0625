import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Env } from '../core/env.js';
import { IdParams } from '../geo/geo.schema.js';
import { ActionBody, CaseListQuery, IntakeHeaders, NewCaseBody, RoutingRuleBody } from './cases.schema.js';
import * as cases from './cases.service.js';

/** The closed loop: intake, one case, its actions, and the scoped list. */
export async function caseRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.post('/api/v1/cases', {
    schema: {
      tags: ['cases'],
      summary: 'Take a case in through a staff channel',
      description: 'Answers 201 with id, ticketNo, status, grid and the proposed route. A repeated Idempotency-Key answers the first case again.',
      body: NewCaseBody,
      headers: IntakeHeaders,
    },
  }, async (request, reply) => {
    const key = (request.headers as Static<typeof IntakeHeaders>)['idempotency-key'];
    const result = await cases.createCase(env, request.ctx, request.body as Static<typeof NewCaseBody>, key);
    return reply.status(201).send(result.case);
  });

  app.get('/api/v1/cases', {
    schema: { tags: ['cases'], summary: 'Cases in your jurisdiction, newest first', querystring: CaseListQuery },
  }, async (request) => cases.listCases(env, request.ctx, request.query as Static<typeof CaseListQuery>));

  app.get('/api/v1/cases/:id', {
    schema: { tags: ['cases'], summary: 'One case with its timeline and the actions you may take', params: IdParams },
  }, async (request) => cases.getCase(env, request.ctx, (request.params as Static<typeof IdParams>).id));

  app.get('/api/v1/cases/:id/duplicates', {
    schema: { tags: ['cases'], summary: 'Open cases of the same category nearby, reported shortly before: candidates to merge', params: IdParams },
  }, async (request) => cases.duplicatesOf(env, request.ctx, (request.params as Static<typeof IdParams>).id));

  app.post('/api/v1/cases/:id/actions', {
    schema: { tags: ['cases'], summary: 'Take one action on a case, decided on a version', params: IdParams, body: ActionBody },
  }, async (request) => cases.act(env, request.ctx, (request.params as Static<typeof IdParams>).id, request.body as Static<typeof ActionBody>));

  app.put('/api/v1/routing-rules', {
    schema: { tags: ['cases'], summary: 'Set the department a category goes to at an admin unit and below', body: RoutingRuleBody },
  }, async (request) => cases.setRoutingRule(env, request.ctx, request.body as Static<typeof RoutingRuleBody>));

  app.get('/api/v1/case-categories', {
    schema: { tags: ['cases'], summary: 'The category taxonomy with limits and conditions' },
  }, async (request) => cases.listCategories(env, request.ctx));
}
