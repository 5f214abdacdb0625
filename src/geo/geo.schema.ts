import { Type } from 'typebox';
import { TEAM_ROLES } from './geo.contract.js';
import { PHONE_PATTERN } from '../core/phone.js';

/** JSON schemas of the geography routes; doc strings become the OpenAPI descriptions. */

export const AdminLevel = Type.Union(['city', 'district', 'township', 'community'].map((l) => Type.Literal(l)));

export const AdminUnitRef = Type.Object({
  id: Type.Integer(),
  code: Type.String({ description: 'GB/T 2260 code, extended to 9 (township) and 12 (community) digits' }),
  name: Type.String(),
  level: AdminLevel,
});

export const AdminUnitTreeQuery = Type.Object({
  maxLevel: Type.Optional(AdminLevel),
}, { additionalProperties: false });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 9007199254740991 }) });

export const GridListQuery = Type.Object({
  adminUnitId: Type.Optional(Type.Integer({ minimum: 1, description: 'only grids under this admin unit' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'code prefix or part of the name' })),
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
}, { additionalProperties: false });

export const LocateQuery = Type.Object({
  lon: Type.Number({ minimum: -180, maximum: 180, description: 'WGS84 longitude' }),
  lat: Type.Number({ minimum: -90, maximum: 90, description: 'WGS84 latitude' }),
}, { additionalProperties: false });

export const ImportQuery = Type.Object({
  kind: Type.Union([Type.Literal('admin-units'), Type.Literal('grids'), Type.Literal('grid-members')], { description: 'what the file holds' }),
  format: Type.Optional(Type.Union([Type.Literal('geojson'), Type.Literal('csv'), Type.Literal('xlsx')], { description: 'taken from the file name or content when omitted' })),
}, { additionalProperties: false });

export const BoundaryQuery = Type.Object({
  adminUnitId: Type.Optional(Type.Integer({ minimum: 1, description: 'the area whose outlines to draw (default: your jurisdiction)' })),
  level: Type.Optional(Type.Union(['city', 'district', 'township', 'community', 'grid'].map((l) => Type.Literal(l)), { description: 'units of this level, or grids; by default the level below the area' })),
}, { additionalProperties: false });

export const GridTeamBody = Type.Object({
  members: Type.Array(Type.Object({
    role: Type.Union(TEAM_ROLES.map((r) => Type.Literal(r))),
    userId: Type.Optional(Type.Integer({ minimum: 1, description: 'the staff account of the person: required for a worker who verifies the grid\'s cases' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'defaults to the account\'s name' })),
    organization: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    phone: Type.Optional(Type.Union([Type.String({ pattern: PHONE_PATTERN }), Type.Null()])),
  }, { additionalProperties: false }), { maxItems: 50, description: 'the whole team: it replaces the grid\'s present one' }),
}, { additionalProperties: false });
