import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import type { Env } from '../core/env.js';
import { CategoryParams, CategoryPatchBody, NewCategoryBody } from './cases.schema.js';
import * as categories from './cases.categories.js';

/** The case taxonomy: read by everyone who files cases, kept by administrators. */
export async function caseCategoryRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.get('/api/v1/case-categories', {
    schema: { tags: ['cases'], summary: 'The category taxonomy with limits and conditions' },
  }, async (request) => categories.listCategories(env, request.ctx));

  app.post('/api/v1/case-categories', {
    schema: { tags: ['cases'], summary: 'Add a category (admin): a major class, or a subclass under one, three levels at most', body: NewCategoryBody },
  }, async (request, reply) => reply.status(201).send(await categories.createCategory(env, request.ctx, request.body as Static<typeof NewCategoryBody>)));

  app.patch('/api/v1/case-categories/:code', {
    schema: { tags: ['cases'], summary: 'Change a category (admin): names, triage, department kind, conditions, limits, or retire it', params: CategoryParams, body: CategoryPatchBody },
  }, async (request) => categories.updateCategory(env, request.ctx, (request.params as Static<typeof CategoryParams>).code, request.body as Static<typeof CategoryPatchBody>));
}
