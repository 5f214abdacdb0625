import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Env } from '../core/env.js';
import { RoutePreviewQuery, RoutingRuleBody, RoutingRuleParams, RoutingRuleQuery } from './cases.schema.js';
import * as dispatchCatalogue from './cases.dispatch-catalogue.js';

/** The dispatch catalogue (派单目录), kept by administrators. */
export async function dispatchCatalogueRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.get('/api/v1/routing-rules', {
    schema: { tags: ['cases'], summary: 'The rules set at admin units of your jurisdiction (admin), of one category or all', querystring: RoutingRuleQuery },
  }, async (request) => dispatchCatalogue.listRoutingRules(env, request.ctx, request.query as Static<typeof RoutingRuleQuery>));

  app.get('/api/v1/routing-rules/route', {
    schema: {
      tags: ['cases'], querystring: RoutePreviewQuery,
      summary: 'Where a case of a category taken in at an admin unit would go now, and why (admin): a rule here or above, the department kind of the category, the community committee, or nobody',
    },
  }, async (request) => dispatchCatalogue.previewRoute(env, request.ctx, request.query as Static<typeof RoutePreviewQuery>));

  app.put('/api/v1/routing-rules', {
    schema: { tags: ['cases'], summary: 'Set the department a category goes to at an admin unit and below (admin)', body: RoutingRuleBody },
  }, async (request) => dispatchCatalogue.setRoutingRule(env, request.ctx, request.body as Static<typeof RoutingRuleBody>));

  app.delete('/api/v1/routing-rules/:categoryCode/:adminUnitId', {
    schema: { tags: ['cases'], summary: 'Remove the rule of a category at an admin unit (admin): the unit above, or the category\'s department kind, decides again', params: RoutingRuleParams },
  }, async (request, reply) => {
    await dispatchCatalogue.deleteRoutingRule(env, request.ctx, request.params as Static<typeof RoutingRuleParams>);
    return reply.status(204).send();
  });
}
