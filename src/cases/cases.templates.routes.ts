import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Env } from '../core/env.js';
import { IdParams } from '../geo/geo.schema.js';
import * as templates from './cases.templates.js';
import { ACTIONS } from './cases.workflow.js';

/** Response templates (回复模板): listed, written and withdrawn by jurisdiction, and previewed on a case. */

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Id = Type.Integer({ minimum: 1, maximum: 9007199254740991 });
const categoryCode = (description: string) => Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9]+$', description });
const PLACEHOLDER_LIST = templates.PLACEHOLDERS.map((p) => `{${p}}`).join(', ');

const TemplateFields = {
  title: Type.String({ minLength: 1, maxLength: 100 }),
  body: Type.String({ minLength: 1, maxLength: 4000, description: `the wording; placeholders ${PLACEHOLDER_LIST} are filled from the case, any other is refused` }),
  actions: Type.Array(literals(ACTIONS), { minItems: 1, maxItems: ACTIONS.length, uniqueItems: true, description: 'the workflow actions the wording fits (report_back, callback, close, reject, refer_out, return…)' }),
  categoryCode: Type.Optional(categoryCode('only for cases whose category code starts with this one')),
};

const TemplateBody = Type.Object(TemplateFields, { additionalProperties: false });
const NewTemplateBody = Type.Object({
  ...TemplateFields,
  adminUnitId: Type.Optional(Type.Integer({ minimum: 1, description: 'the owner unit, shared with everything under it; by default your own (the whole instance for an admin of all)' })),
}, { additionalProperties: false });
const TemplateListQuery = Type.Object({
  action: Type.Optional(literals(ACTIONS)),
  categoryCode: Type.Optional(categoryCode('only templates fitting a case of this category')),
}, { additionalProperties: false });
const PreviewParams = Type.Object({ id: Id, templateId: Id });

export async function caseTemplateRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.get('/api/v1/response-templates', {
    schema: {
      tags: ['cases'],
      summary: 'Response templates serving your jurisdiction, nearest owner first',
      description: 'Those owned above your unit are shared down to you; those inside your jurisdiction are yours. `action` and `categoryCode` keep those that fit.',
      querystring: TemplateListQuery,
    },
  }, async (request) => templates.listTemplates(env, request.ctx, request.query as Static<typeof TemplateListQuery>));

  app.post('/api/v1/response-templates', {
    schema: { tags: ['cases'], summary: 'Write a response template (admin, dispatcher)', body: NewTemplateBody },
  }, async (request, reply) => reply.status(201).send(await templates.createTemplate(env, request.ctx, request.body as Static<typeof NewTemplateBody>)));

  app.put('/api/v1/response-templates/:id', {
    schema: { tags: ['cases'], summary: "Replace a template's title, body, actions and category; its owner stays", params: IdParams, body: TemplateBody },
  }, async (request) => templates.updateTemplate(env, request.ctx, (request.params as Static<typeof IdParams>).id, request.body as Static<typeof TemplateBody>));

  app.delete('/api/v1/response-templates/:id', {
    schema: { tags: ['cases'], summary: 'Withdraw a response template', params: IdParams },
  }, async (request, reply) => {
    await templates.deleteTemplate(env, request.ctx, (request.params as Static<typeof IdParams>).id);
    return reply.status(204).send();
  });

  app.get('/api/v1/cases/:id/response-templates/:templateId/preview', {
    schema: { tags: ['cases'], summary: 'A response template filled in for one case', params: PreviewParams },
  }, async (request) => {
    const { id, templateId } = request.params as Static<typeof PreviewParams>;
    return templates.previewTemplate(env, request.ctx, id, templateId);
  });
}
