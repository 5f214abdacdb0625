import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { requireAccess, scopePrefix, type RequestContext } from './access.js';
import type { Env } from './env.js';
import { ValidationError } from './errors.js';
import { escapeLike } from './sql.js';

const AuditQuery = Type.Object({
  targetType: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  action: Type.Optional(Type.String({
    minLength: 1, maxLength: 80, pattern: '^[a-z_]+(\\.[a-z_]+)*(\\.\\*)?$',
    description: 'one action (`case.dispatch`), or a family of them (`case.*`)',
  })),
  actorId: Type.Optional(Type.Integer({ minimum: 1 })),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'the username of whoever acted' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'at or after (RFC 3339)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'before (RFC 3339)' })),
  beforeId: Type.Optional(Type.Integer({ minimum: 1, description: 'keyset paging: rows older than this id' })),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
}, { additionalProperties: false });

/** The audit trail within the caller's jurisdiction, newest first. */
export async function listAudit(env: Env, ctx: RequestContext, filter: Static<typeof AuditQuery>) {
  requireAccess(ctx.actor, 'audit.read');
  if (filter.from && filter.to && Date.parse(filter.to) <= Date.parse(filter.from)) throw new ValidationError('to', 'to must be after from');
  const prefix = scopePrefix(ctx.actor);
  let q = env.db.selectFrom('audit_log').selectAll();
  // Rows without a place (system events) belong to the instance-wide auditors only.
  if (prefix !== '') q = q.where('scope_path', 'like', `${prefix}%`);
  if (filter.targetType) q = q.where('target_type', '=', filter.targetType);
  if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
  if (filter.action?.endsWith('.*')) q = q.where('action', 'like', `${escapeLike(filter.action.slice(0, -1))}%`);
  else if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
  if (filter.actor) q = q.where('actor_name', '=', filter.actor);
  if (filter.from) q = q.where('at', '>=', new Date(filter.from));
  if (filter.to) q = q.where('at', '<', new Date(filter.to));
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(filter.limit).execute();
  return {
    items: rows.map((r) => ({
      id: r.id, at: r.at, actor: { id: r.actor_id, username: r.actor_name, role: r.actor_role }, action: r.action,
      target: { type: r.target_type, id: r.target_id }, before: r.before, after: r.after, ip: r.ip, requestId: r.request_id,
      sealed: r.chain_no !== null,
    })),
  };
}

export async function auditRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.get('/api/v1/audit', {
    schema: { tags: ['audit'], summary: 'The audit trail in your jurisdiction, newest first', querystring: AuditQuery },
  }, async (request) => listAudit(env, request.ctx, request.query as Static<typeof AuditQuery>));
}
