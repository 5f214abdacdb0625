import type { Env } from '../core/env.js';
import type { Db } from '../core/db.js';
import { perDatabase } from '../core/batcher.js';
import { Snapshot } from '../core/snapshot.js';
import * as repo from './cases.repo.js';

export type CategoryRow = Awaited<ReturnType<typeof repo.listCategories>>[number];

/** The taxonomy and the dispatch catalogue (派单目录) as every intake and route reads them. */
export interface Catalogue {
  /** Every category, by code order. */
  categories: CategoryRow[];
  category(code: string): CategoryRow | undefined;
  /** A class has subclasses; cases are filed under subclasses only. */
  isClass(code: string): boolean;
  /** Whether the category and every class above it are active. */
  active(code: string): boolean;
  /** The rule for a category at the nearest of these admin units (root first), if any. */
  rule(categoryCode: string, chain: number[]): { adminUnitId: number; departmentId: number } | undefined;
}

async function loadCatalogue(db: Db): Promise<Catalogue> {
  const [categories, rules] = await Promise.all([repo.listCategories(db), repo.allRoutingRules(db)]);
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const classes = new Set(categories.map((c) => c.parent_code).filter((c) => c !== null));
  const ruleAt = new Map<string, Map<number, number>>();
  for (const r of rules) {
    if (!ruleAt.has(r.categoryCode)) ruleAt.set(r.categoryCode, new Map());
    ruleAt.get(r.categoryCode)!.set(r.adminUnitId, r.departmentId);
  }
  return {
    categories,
    category: (code) => byCode.get(code),
    isClass: (code) => classes.has(code),
    active(code) {
      for (let c = byCode.get(code); c; c = c.parent_code ? byCode.get(c.parent_code) : undefined) if (!c.active) return false;
      return byCode.has(code);
    },
    rule(categoryCode, chain) {
      const at = ruleAt.get(categoryCode);
      if (!at) return undefined;
      for (let i = chain.length - 1; i >= 0; i -= 1) {
        const departmentId = at.get(chain[i]);
        if (departmentId !== undefined) return { adminUnitId: chain[i], departmentId };
      }
      return undefined;
    },
  };
}

const snapshots = perDatabase((db: Db) => new Snapshot(() => repo.catalogueRevision(db), () => loadCatalogue(db)));

/**
 * The catalogue, held in memory: another process's change shows within two seconds,
 * this process's own at once (`catalogueChanged`).
 */
export function catalogue(env: Env): Promise<Catalogue> {
  return snapshots(env.db).get();
}

/** Called after this process changes categories or routing rules. */
export function catalogueChanged(env: Env): void {
  snapshots(env.db).invalidate();
}
