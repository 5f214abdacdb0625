import type { FastifyInstance } from 'fastify';
import type { Env } from '../core/env.js';
import * as org from './org.service.js';

export async function orgRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.get('/api/v1/departments', {
    schema: { tags: ['org'], summary: 'Departments in and above your jurisdiction' },
  }, async (request) => org.listDepartments(env, request.ctx));
}
