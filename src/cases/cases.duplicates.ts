import { MicroBatcher, perDatabase } from '../core/batcher.js';
import type { Db } from '../core/db.js';
import type { Config } from '../core/config.js';
import type { Env } from '../core/env.js';
import * as repo from './cases.repo.js';

/** An open case that may report the same thing, offered to the dispatcher for merging (并单). */
export interface PossibleDuplicate {
  id: number;
  ticketNo: string;
  status: string;
  distanceM: number;
  createdAt: Date;
}

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Every intake asks; the intakes of one moment ask together. */
const nearLookups = perDatabase((db: Db) => new MicroBatcher<repo.NearQuery, NearCase[]>(
  (queries) => repo.openCasesNear(db, queries), { maxSize: 200, maxInFlight: 2, retrySingly: () => false },
));

export type NearCase = Awaited<ReturnType<typeof repo.openCasesNear>>[number][number];

/**
 * Where to look for a case's duplicates: open cases of its category in a box around its
 * point, reported within the configured window before it. Null when there is nothing to
 * compare (no category, no point, or the check turned off).
 */
export function nearQuery(config: Config, c: Pick<repo.CaseRow, 'id' | 'category_code' | 'lon' | 'lat' | 'created_at'>): repo.NearQuery | null {
  const { duplicateRadiusM: radius, duplicateWindowHours: hours } = config;
  if (!c.category_code || c.lon === null || c.lat === null || radius === 0) return null;
  const dLat = radius / 111_320;
  const dLon = radius / (111_320 * Math.max(0.01, Math.cos((c.lat * Math.PI) / 180)));
  return {
    categoryCode: c.category_code, box: [c.lon - dLon, c.lat - dLat, c.lon + dLon, c.lat + dLat],
    since: new Date(c.created_at.getTime() - hours * 3600_000), exceptId: c.id,
  };
}

/**
 * The candidates the dispatcher is offered among the cases found near one: within the
 * radius, reported no later than it, and only those the caller may see (`scopePrefix`),
 * nearest first.
 */
export function offeredDuplicates(
  config: Config, c: Pick<repo.CaseRow, 'lon' | 'lat' | 'created_at'>, near: NearCase[], scopePrefix: string,
): PossibleDuplicate[] {
  return near
    .filter((n) => n.path.startsWith(scopePrefix) && n.created_at.getTime() <= c.created_at.getTime())
    .map((n) => ({ id: n.id, ticketNo: n.ticket_no, status: n.status, distanceM: Math.round(distanceM(c.lon!, c.lat!, n.lon!, n.lat!)), createdAt: n.created_at }))
    .filter((n) => n.distanceM <= config.duplicateRadiusM)
    .sort((a, b) => a.distanceM - b.distanceM);
}

/** The possible duplicates of a case already written (the dispatcher's merge screen). */
export async function possibleDuplicates(env: Env, c: Pick<repo.CaseRow, 'id' | 'category_code' | 'lon' | 'lat' | 'created_at'>, scopePrefix: string): Promise<PossibleDuplicate[]> {
  const query = nearQuery(env.config, c);
  return query ? offeredDuplicates(env.config, c, await nearLookups(env.db).submit(query), scopePrefix) : [];
}
