import crypto from 'node:crypto';
import type { Position } from 'geojson';
import { requireAccess, requireInScope, scopePrefix, type RequestContext } from '../core/access.js';
import type { Config } from '../core/config.js';
import type { Env } from '../core/env.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { polygonsOf, type Area } from './geometry.js';
import { geoState, type GeoState } from './geo.state.js';
import * as repo from './geo.repo.js';
import type { BoundaryLevel, BoundaryProperties } from './geo.contract.js';
import { LEVELS } from './geo.service.js';

export type { BoundaryLevel, BoundaryProperties };

/**
 * What the maps draw: the outlines of admin units or grids of an area as one GeoJSON
 * FeatureCollection, coordinates rounded to about a metre, and the optional basemap.
 * The collection changes only when the geography does, so it carries an ETag.
 */

/** The levels a map may ask outlines of: the admin levels, then the grids. */
export const BOUNDARY_LEVELS: BoundaryLevel[] = [...LEVELS, 'grid'];

export interface BoundaryQuery {
  /** The area (default: the caller's jurisdiction). */
  adminUnitId?: number;
  /** Whose outlines: units of this level, or grids (default: the level below the area's). */
  level?: BoundaryLevel;
}


export interface BoundaryFeature {
  type: 'Feature';
  id: number;
  geometry: Area;
  properties: BoundaryProperties;
}

export interface BoundaryCollection {
  type: 'FeatureCollection';
  /** The area the outlines lie in (null: the whole instance) and their level. */
  adminUnitId: number | null;
  level: BoundaryLevel;
  features: BoundaryFeature[];
}

/** Five decimals of a degree: 1.1 m of latitude, under a metre of longitude in China. */
const PRECISION = 1e5;
/** Changes the tags when the way outlines are written changes. */
const FORMAT_VERSION = 1;

interface ResolvedArea {
  prefix: string;
  unitId: number | null;
  level: BoundaryLevel;
}

/** Checks the caller and the query, and settles the area and the level. */
async function resolve(env: Env, ctx: RequestContext, q: BoundaryQuery): Promise<ResolvedArea & { state: GeoState }> {
  requireAccess(ctx.actor, 'geo.read');
  const state = await geoState(env.db).fresh();
  let prefix = scopePrefix(ctx.actor);
  let unitId = ctx.actor.jurisdictionId;
  if (q.adminUnitId !== undefined) {
    const unit = state.units.get(q.adminUnitId);
    if (!unit) throw new NotFoundError('admin unit', undefined, 'adminUnitId');
    requireInScope(ctx.actor, unit.path, 'admin unit', 'adminUnitId');
    prefix = unit.path;
    unitId = unit.id;
  }
  const areaLevel = unitId === null ? null : state.units.get(unitId)?.level ?? null;
  const areaRank = areaLevel === null ? -1 : BOUNDARY_LEVELS.indexOf(areaLevel);
  // Like the figures: the level below the area's own; the whole instance is drawn by district.
  const level = q.level ?? (areaLevel === null ? 'district' : BOUNDARY_LEVELS[Math.min(areaRank + 1, BOUNDARY_LEVELS.length - 1)]);
  if (BOUNDARY_LEVELS.indexOf(level) < areaRank) throw new ValidationError('level', `level ${level} lies above the ${areaLevel} looked at`);
  return { prefix, unitId, level, state };
}

/** A tag that changes when the geography, the caller's view of it or the query does: cheap, answered from memory. */
export async function boundaryTag(env: Env, ctx: RequestContext, q: BoundaryQuery): Promise<string> {
  const { prefix, unitId, level, state } = await resolve(env, ctx, q);
  const hash = crypto.createHash('sha256').update(`${FORMAT_VERSION}|${state.revision}|${prefix}|${unitId}|${level}`).digest('base64url');
  return `"b-${hash.slice(0, 27)}"`;
}

/** The outlines at a level inside an area, as one FeatureCollection. */
export async function boundaryCollection(env: Env, ctx: RequestContext, q: BoundaryQuery): Promise<BoundaryCollection> {
  const { prefix, unitId, level, state } = await resolve(env, ctx, q);
  return collect(env, state, { prefix, unitId, level });
}

/**
 * The districts of the whole instance, for anyone: what a resident reporting without an account
 * needs to find their place on a map with no tiles. Admin boundaries are public; grids are not given.
 */
export async function publicOutline(env: Env): Promise<BoundaryCollection> {
  return collect(env, await geoState(env.db).fresh(), { prefix: '', unitId: null, level: 'district' });
}

/** The tag of `publicOutline`: it changes when the geography does. */
export async function publicOutlineTag(env: Env): Promise<string> {
  const state = await geoState(env.db).fresh();
  return `"p-${FORMAT_VERSION}-${crypto.createHash('sha256').update(String(state.revision)).digest('base64url').slice(0, 16)}"`;
}

async function collect(env: Env, state: GeoState, { prefix, unitId, level }: ResolvedArea): Promise<BoundaryCollection> {
  const features: BoundaryFeature[] = [];
  if (level === 'grid') {
    for await (const page of repo.gridBoundariesUnder(env.db, prefix)) {
      for (const g of page) {
        const geometry = roundArea(g.boundary as Area);
        if (geometry) features.push({ type: 'Feature', id: g.id, geometry, properties: { kind: 'grid', id: g.id, code: g.code, name: g.name, level: 'grid' } });
      }
    }
  } else {
    const units = [...state.units.values()].filter((u) => u.level === level && u.path.startsWith(prefix)).sort((a, b) => a.code.localeCompare(b.code));
    for (let i = 0; i < units.length; i += 500) {
      const chunk = units.slice(i, i + 500);
      const boundaries = await repo.adminUnitBoundaries(env.db, chunk.map((u) => u.id));
      for (const u of chunk) {
        const boundary = boundaries.get(u.id);
        const geometry = boundary ? roundArea(boundary) : null;
        if (geometry) features.push({ type: 'Feature', id: u.id, geometry, properties: { kind: 'adminUnit', id: u.id, code: u.code, name: u.name, level: u.level } });
      }
    }
  }
  return { type: 'FeatureCollection', adminUnitId: unitId, level, features };
}

/**
 * An area with every coordinate rounded to about a metre: repeated points dropped, rings
 * left with fewer than four points dropped, and polygons that lost their outer ring dropped.
 * Null when nothing is left (an area smaller than the rounding).
 */
export function roundArea(area: Area): Area | null {
  const polygons: Position[][][] = [];
  for (const polygon of polygonsOf(area)) {
    const rings = polygon.map(roundRing);
    if (!rings[0]) continue;
    polygons.push(rings.filter((r): r is Position[] => r !== null));
  }
  if (polygons.length === 0) return null;
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

function roundRing(ring: Position[]): Position[] | null {
  const out: Position[] = [];
  for (const p of ring) {
    const q = [Math.round(p[0] * PRECISION) / PRECISION, Math.round(p[1] * PRECISION) / PRECISION];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  // A closed ring needs three distinct corners and the first repeated at the end.
  return out.length >= 4 ? out : null;
}

/** The basemap under the maps, when one is configured. */
export interface Basemap {
  /** XYZ tile URL templates ({z}, {x}, {y}). */
  tiles: string[];
  /** The datum of the tiles; `gcj02` means our WGS84 geometry is shifted for display over them. */
  crs: 'wgs84' | 'gcj02';
  attribution: string | null;
}

/** The map settings every staff map reads: the basemap (null without one: our own outlines are the map). */
export function mapSettings(config: Config, ctx: RequestContext): { basemap: Basemap | null } {
  requireAccess(ctx.actor, 'geo.read');
  if (!config.basemapUrl) return { basemap: null };
  // 天地图 and most tile services spread load over numbered hosts (t0 … t7); one template is enough here.
  return { basemap: { tiles: [config.basemapUrl], crs: config.basemapCrs, attribution: config.basemapAttribution ?? null } };
}
