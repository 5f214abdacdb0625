import type { Db } from '../core/db.js';
import { GridIndex, type IndexedGrid } from './grid-index.js';
import type { Area } from './geometry.js';
import { allGridBoundaries, geoRevision, listAdminUnits, type AdminUnitRecord } from './geo.repo.js';

/** What locate answers with for a grid, without another database round trip. */
export interface GridSummary {
  id: number;
  code: string;
  name: string;
  communityId: number;
}

/**
 * The geography held in memory: the admin tree (a few thousand units) and the grid
 * index. Rebuilt when this process changes the geography, and when another process
 * did (checked at most every few seconds through a cheap revision query).
 */
export class GeoState {
  units = new Map<number, AdminUnitRecord>();
  unitsByCode = new Map<string, AdminUnitRecord>();
  children = new Map<number | null, AdminUnitRecord[]>();
  index = GridIndex.build([]);
  grids = new Map<number, GridSummary>();
  revision = '';
  private checkedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(private readonly db: Db, private readonly recheckMs: number) {}

  /** Ensures the state is current; concurrent callers share one reload. */
  async fresh(): Promise<this> {
    if (this.loading) await this.loading;
    if (Date.now() - this.checkedAt < this.recheckMs && this.revision) return this;
    this.loading ??= this.reloadIfChanged().finally(() => (this.loading = null));
    await this.loading;
    return this;
  }

  /** Forces a reload on next use; called after this process writes geography. */
  invalidate(): void {
    this.checkedAt = 0;
    this.revision = '';
  }

  private async reloadIfChanged(): Promise<void> {
    const revision = await geoRevision(this.db);
    this.checkedAt = Date.now();
    if (revision === this.revision) return;
    await this.load();
    this.revision = revision;
  }

  private async load(): Promise<void> {
    const units = await listAdminUnits(this.db);
    const byId = new Map<number, AdminUnitRecord>();
    const byCode = new Map<string, AdminUnitRecord>();
    const children = new Map<number | null, AdminUnitRecord[]>();
    for (const u of units) {
      byId.set(u.id, u);
      byCode.set(u.code, u);
      const siblings = children.get(u.parentId) ?? [];
      siblings.push(u);
      children.set(u.parentId, siblings);
    }
    const grids = new Map<number, GridSummary>();
    const indexed: IndexedGrid[] = [];
    for await (const page of allGridBoundaries(this.db)) {
      for (const g of page) {
        grids.set(g.id, { id: g.id, code: g.code, name: g.name, communityId: g.communityId });
        indexed.push({ id: String(g.id), geometry: g.boundary as Area });
      }
    }
    this.index = GridIndex.build(indexed);
    this.units = byId;
    this.unitsByCode = byCode;
    this.children = children;
    this.grids = grids;
  }

  /** The unit and its ancestors, root first. */
  chain(unitId: number): AdminUnitRecord[] {
    const out: AdminUnitRecord[] = [];
    for (let u = this.units.get(unitId); u; u = u.parentId === null ? undefined : this.units.get(u.parentId)) out.unshift(u);
    return out;
  }

  /** Ids of the units whose path starts with `prefix` ('' for all). */
  unitIdsUnder(prefix: string): number[] {
    const out: number[] = [];
    for (const u of this.units.values()) if (u.path.startsWith(prefix)) out.push(u.id);
    return out;
  }
}

const states = new WeakMap<Db, GeoState>();

/** The geography of one database handle (each app, and each test file, has its own). */
export function geoState(db: Db, recheckMs = 5000): GeoState {
  let state = states.get(db);
  if (!state) {
    state = new GeoState(db, recheckMs);
    states.set(db, state);
  }
  return state;
}
