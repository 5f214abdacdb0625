import type { FastifyInstance } from 'fastify';
import type { Env } from '../core/env.js';
import { acceptRawUploads, readUpload, SHEET_UPLOAD_TYPES, uploadRoute } from '../core/http/uploads.js';
import { AdminUnitTreeQuery, BoundaryQuery, GridListQuery, GridTeamBody, IdParams, ImportQuery, LocateQuery } from './geo.schema.js';
import { boundaryCollection, boundaryTag, mapSettings, publicOutline, publicOutlineTag, type BoundaryQuery as BoundaryFilter } from './geo.boundaries.js';
import * as geo from './geo.service.js';
import * as geoWrite from './geo-write.service.js';
import { setGridTeam, type TeamMember } from './grid-team.js';
import { teamAccounts, teamAccountsByUsername } from '../accounts/accounts.service.js';
import { detectFormat, readImportFile, type ImportFormat } from './geo.import.js';
import type { Static } from 'typebox';

/** Geography: the admin tree, grids, point lookup and imports. */
export async function geoRoutes(app: FastifyInstance, { env }: { env: Env }): Promise<void> {
  // Import files come as multipart uploads or as the raw request body.
  acceptRawUploads(app, env.config.importMaxBytes, ['application/geo+json', ...SHEET_UPLOAD_TYPES]);

  app.get('/api/v1/admin-units', {
    schema: { tags: ['geo'], summary: 'The admin-unit tree under your jurisdiction', querystring: AdminUnitTreeQuery },
  }, async (request) => {
    const query = request.query as Static<typeof AdminUnitTreeQuery>;
    return { items: await geo.adminUnitTree(env, request.ctx, { maxLevel: query.maxLevel }) };
  });

  app.get('/api/v1/admin-units/:id', {
    schema: { tags: ['geo'], summary: 'One admin unit with its ancestors and children', params: IdParams },
  }, async (request) => geo.getAdminUnit(env, request.ctx, (request.params as Static<typeof IdParams>).id));

  app.get('/api/v1/grids', {
    schema: { tags: ['geo'], summary: 'Grids, paged, optionally under one admin unit', querystring: GridListQuery },
  }, async (request) => geo.listGrids(env, request.ctx, request.query as Static<typeof GridListQuery>));

  app.get('/api/v1/grids/locate', {
    schema: { tags: ['geo'], summary: 'The grid and admin units at a WGS84 point', querystring: LocateQuery },
  }, async (request) => {
    const { lon, lat } = request.query as Static<typeof LocateQuery>;
    return geo.locate(env, request.ctx, lon, lat);
  });

  app.get('/api/v1/grids/:id', {
    schema: { tags: ['geo'], summary: 'One grid as a GeoJSON Feature with its workers and liaisons', params: IdParams },
  }, async (request) => geo.getGrid(env, request.ctx, (request.params as Static<typeof IdParams>).id));

  app.put('/api/v1/grids/:id/members', {
    schema: { tags: ['geo'], summary: 'Set a grid\'s whole team: workers (by their accounts), leader and liaisons', params: IdParams, body: GridTeamBody },
  }, async (request) => {
    const { members } = request.body as Static<typeof GridTeamBody>;
    const userIds = [...new Set(members.flatMap((m) => (m.userId === undefined ? [] : [m.userId])))];
    // The accounts module says who the accounts are (within the caller's reach); the grid's own rules are geography's.
    const accounts = await teamAccounts(env, request.ctx, userIds);
    return setGridTeam(env, request.ctx, (request.params as Static<typeof IdParams>).id, members as TeamMember[], accounts);
  });

  app.get('/api/v1/geo/boundaries.geojson', {
    schema: {
      tags: ['geo'],
      summary: 'The outlines of admin units or grids inside an area, as one GeoJSON FeatureCollection',
      description: 'Coordinates WGS84, rounded to 5 decimals (about a metre). Answers an ETag and 304 to a matching If-None-Match: the outlines change only when the geography does.',
      querystring: BoundaryQuery,
    },
  }, async (request, reply) => {
    const query = request.query as BoundaryFilter;
    const tag = await boundaryTag(env, request.ctx, query);
    // Private: the outlines depend on the caller's jurisdiction. Revalidated each time, which costs the server a hash.
    reply.header('etag', tag).header('cache-control', 'private, no-cache').header('vary', 'authorization');
    if (ifNoneMatch(request.headers['if-none-match'], tag)) return reply.status(304).send();
    return reply.type('application/geo+json; charset=utf-8').send(await boundaryCollection(env, request.ctx, query));
  });

  app.get('/api/v1/public/outline.geojson', {
    schema: {
      tags: ['public'], security: [],
      summary: 'The districts of the city as GeoJSON, for the map a resident picks a point on',
      description: 'No account needed. Coordinates WGS84, rounded to 5 decimals. Answers an ETag and 304 to a matching If-None-Match.',
    },
  }, async (request, reply) => {
    const tag = await publicOutlineTag(env);
    reply.header('etag', tag).header('cache-control', 'public, no-cache');
    if (ifNoneMatch(request.headers['if-none-match'], tag)) return reply.status(304).send();
    return reply.type('application/geo+json; charset=utf-8').send(await publicOutline(env));
  });

  app.get('/api/v1/geo/map-settings', {
    schema: { tags: ['geo'], summary: 'What the maps are drawn over: the optional basemap (BASEMAP_URL) and its datum' },
  }, async (request) => mapSettings(env.config, request.ctx));

  app.post('/api/v1/geo/imports', {
    ...uploadRoute(env.config.importMaxBytes, 'geo.import'),
    schema: {
      tags: ['geo'],
      summary: 'Import admin units, grids or grid members from GeoJSON, CSV or XLSX; all or nothing',
      description: 'Send the file as multipart (field "file") or as the raw body. A rejected import answers 422 with a report naming each offending row or feature.',
      querystring: ImportQuery,
    },
  }, async (request, reply) => {
    const query = request.query as Static<typeof ImportQuery>;
    const file = await readUpload(request, env.config.importMaxBytes, { json: true });
    const format: ImportFormat = query.format ?? detectFormat(file.content, file.filename, file.mediaType);
    const rows = await readImportFile(file.content, format);
    const accounts = query.kind === 'grid-members' ? await teamAccountsByUsername(env, request.ctx, geoWrite.memberUsernames(rows)) : undefined;
    const result = await geoWrite.importGeography(env, request.ctx, query.kind, rows, { accounts });
    return reply.status(201).send(result);
  });
}

/** Whether an If-None-Match header names this tag (or is `*`). */
function ifNoneMatch(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === tag || t === '*');
}
