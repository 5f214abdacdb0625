import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Env } from '../core/env.js';
import { casePoints, dailyCaseCounts, POINT_LIMIT } from './cases.map.js';

/** The query of the case points; doc strings become the OpenAPI descriptions. */
export const PointQuerySchema = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all')], { description: 'open (default): cases not yet ended; all: those and the cases that ended in the period' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'status=all: start of the period, inclusive (default: 30 days ago)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'status=all: end of the period, exclusive (default: now)' })),
}, { additionalProperties: false });

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD, a day in China Standard Time' });

export const DailyQuerySchema = Type.Object({
  from: Day,
  to: { ...Day, description: 'the day after the last one (exclusive)' },
}, { additionalProperties: false });

/** The command centre's map points and trend series. */
export async function caseMapRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  app.get('/api/v1/cases/points.geojson', {
    schema: {
      tags: ['cases'],
      summary: 'Located cases in your jurisdiction as GeoJSON points, for the map',
      description: `Each feature: {id, status, overdue, categoryCode}, WGS84 rounded to 5 decimals; nothing personal. At most ${POINT_LIMIT} points, overdue then newest first; \`truncated\` says when more matched.`,
      querystring: PointQuerySchema,
    },
  }, async (request, reply) => {
    const points = await casePoints(env, request.ctx, request.query as Static<typeof PointQuerySchema>);
    return reply.type('application/geo+json; charset=utf-8').header('cache-control', 'private, no-store').send(points);
  });

  app.get('/api/v1/stats/cases/daily', {
    schema: {
      tags: ['stats'],
      summary: 'Cases received and closed per day in your jurisdiction (China Standard Time), for trend charts',
      description: 'Counted as the figures count `received` and `closed` (README, "Figures"); every day of the period is listed, at most 366.',
      querystring: DailyQuerySchema,
    },
  }, async (request) => dailyCaseCounts(env, request.ctx, request.query as Static<typeof DailyQuerySchema>));
}
