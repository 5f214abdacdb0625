import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Env } from '../core/env.js';
import * as notify from './notify.service.js';

const InboxQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  beforeId: Type.Optional(Type.Integer({ minimum: 1, description: 'Only messages older than this one: the next page' })),
  audience: Type.Optional(Type.Union([Type.Literal('staff'), Type.Literal('reporters')], {
    description: 'staff: addressed to you or your department; reporters: what reporters in your jurisdiction were told. Both when absent.',
  })),
  caseId: Type.Optional(Type.Integer({ minimum: 1, description: "Only one case's messages" })),
}, { additionalProperties: false });

/** The outbox the web app shows: new assignments, deadline pressure, and what reporters were told. */
export async function notifyRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.get('/api/v1/notifications', {
    schema: { tags: ['notifications'], summary: 'Messages for you, your department and the reporters in your jurisdiction, newest first', querystring: InboxQuery },
  }, async (request) => notify.listNotifications(env, request.ctx, request.query as Static<typeof InboxQuery>));
}
