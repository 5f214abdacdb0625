import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Env } from '../core/env.js';
import { BULK_ACTIONS, BULK_MAX_ITEMS, bulkAct } from './cases.bulk.js';
import { ActionBody } from './cases.schema.js';

/** One action on many cases at once, each checked, audited and answered on its own. */

const { note, templateId, departmentId, supportDepartmentIds, categoryCode, triage, urgency, satisfaction } = ActionBody.properties;

const BulkActionBody = Type.Object({
  action: Type.String({ minLength: 1, maxLength: 40, description: `one of ${BULK_ACTIONS.join(', ')}` }),
  items: Type.Array(Type.Object({
    id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }),
    version: Type.Integer({ minimum: 1, description: 'the version the decision was made on' }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: BULK_MAX_ITEMS, description: `1 to ${BULK_MAX_ITEMS} cases, each once` }),
  note, templateId, departmentId, supportDepartmentIds, categoryCode, triage, urgency, satisfaction,
}, { additionalProperties: false });

export async function caseBulkRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.post('/api/v1/cases/bulk-actions', {
    schema: {
      tags: ['cases'],
      summary: 'Take one action on many cases, each as its own action',
      description: 'Answers 200 with one result per case, in order: `{id, ok: true, status, version}` or `{id, ok: false, error: {code, message}}` '
        + '(a case outside your jurisdiction is `not_found`), and `summary` {total, succeeded, failed}. Each case is checked, audited and notified '
        + 'as `POST /api/v1/cases/{id}/actions` would, in its own transaction.',
      body: BulkActionBody,
    },
  }, async (request) => bulkAct(env, request.ctx, request.body as Static<typeof BulkActionBody>, (caseId, err) => {
    request.log.error({ err, caseId }, 'bulk action failed on one case');
  }));
}
