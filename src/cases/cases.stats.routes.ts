import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Env } from '../core/env.js';
import { LEVELS } from '../geo/geo.service.js';
import { caseFigures, figureCsv, figureFileName, figureXlsx, GROUPINGS } from './cases.stats.js';

/** The query of the figures and of their exports; doc strings become the OpenAPI descriptions. */
export const FigureQuerySchema = Type.Object({
  groupBy: Type.Union(GROUPINGS.map((g) => Type.Literal(g)), { description: 'what each row is: a department, admin unit, grid, category, channel, or staff member (actions per person)' }),
  from: Type.String({ format: 'date-time', description: 'start of the period, inclusive (RFC 3339, e.g. 2026-03-01T00:00:00+08:00)' }),
  to: Type.String({ format: 'date-time', description: 'end of the period, exclusive' }),
  adminUnitId: Type.Optional(Type.Integer({ minimum: 1, description: 'only cases under this admin unit of your jurisdiction' })),
  level: Type.Optional(Type.Union(LEVELS.map((l) => Type.Literal(l)), { description: 'groupBy=adminUnit only: the level of the units; by default the one below the area looked at' })),
}, { additionalProperties: false });

const DESCRIPTION = 'Definitions of every figure: README, "Figures". Each row carries `drill`, the query of GET /api/v1/cases listing the group\'s cases received in the period, `closedDrill` and `dueDrill`, listing those its `closed` and `due` figures count.';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Performance figures and their CSV and XLSX exports. */
export async function caseStatsRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  const figures = (request: FastifyRequest) => caseFigures(env, request.ctx, request.query as Static<typeof FigureQuerySchema>);

  app.get('/api/v1/stats/cases', {
    schema: { tags: ['stats'], summary: 'Performance figures of cases per group, with totals', description: DESCRIPTION, querystring: FigureQuerySchema },
  }, async (request) => figures(request));

  app.get('/api/v1/stats/cases.csv', {
    schema: { tags: ['stats'], summary: 'The figures as CSV (UTF-8 with a byte-order mark)', querystring: FigureQuerySchema },
  }, async (request, reply) => {
    const result = await figures(request);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${figureFileName(result, 'csv')}"`)
      .send(Readable.from(figureCsv(result)));
  });

  app.get('/api/v1/stats/cases.xlsx', {
    schema: { tags: ['stats'], summary: 'The figures as an XLSX workbook', querystring: FigureQuerySchema },
  }, async (request, reply) => {
    const result = await figures(request);
    return reply
      .type(XLSX)
      .header('content-disposition', `attachment; filename="${figureFileName(result, 'xlsx')}"`)
      .send(await figureXlsx(result));
  });
}
