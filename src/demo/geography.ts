import { subdivide } from '../geo/tiling.js';
import { difference, union, type Area } from '../geo/geometry.js';
import type { SystemGrid, SystemUnit } from '../geo/geo-write.service.js';
import type { CityData } from './city-data.js';

/** How much of a city to build; the defaults give Nantong its ~10,000 grids. */
export interface GeographySize {
  gridsPerCommunity: number;
  /** Only these districts (codes); all when omitted. */
  districtCodes?: string[];
  maxTownshipsPerDistrict?: number;
  maxCommunitiesPerTownship?: number;
}

/**
 * Plans a city's geography: its real units with their real names and codes, the real
 * district boundaries, and townships, communities and grids made by subdividing each
 * parent (no public boundaries exist for them). Deterministic for a given rng.
 */
export function planGeography(city: CityData, size: GeographySize, rng: () => number, onProgress?: (done: number, total: number) => void) {
  const childrenOf = new Map<string, typeof city.units>();
  for (const u of city.units) {
    if (!u.parentCode) continue;
    childrenOf.set(u.parentCode, [...(childrenOf.get(u.parentCode) ?? []), u]);
  }
  const cityUnit = city.units.find((u) => u.level === 'city');
  if (!cityUnit) throw new Error(`${city.key}: no city row in admin-units.csv`);
  const districts = (childrenOf.get(cityUnit.code) ?? [])
    .filter((d) => city.districtBoundaries.has(d.code) && (!size.districtCodes || size.districtCodes.includes(d.code)));

  const units: SystemUnit[] = [];
  const grids: SystemGrid[] = [];
  const districtAreas = ownBoundaries(districts.map((d) => city.districtBoundaries.get(d.code)!));
  units.push({ code: cityUnit.code, name: cityUnit.name, level: 'city', parentCode: null, boundary: union(...districtAreas) });
  const communityTotal = districts.reduce((n, d) => n + limit(childrenOf.get(d.code), size.maxTownshipsPerDistrict)
    .reduce((m, t) => m + limit(childrenOf.get(t.code), size.maxCommunitiesPerTownship).length, 0), 0);
  let done = 0;

  const split = <T>(parent: Area, items: T[]) => (items.length ? subdivide(parent, items.length, rng) : []);
  for (const [i, district] of districts.entries()) {
    units.push({ code: district.code, name: district.name, level: 'district', parentCode: cityUnit.code, boundary: districtAreas[i] });
    const townships = limit(childrenOf.get(district.code), size.maxTownshipsPerDistrict);
    const townshipAreas = split(districtAreas[i], townships);
    for (const [j, township] of townships.entries()) {
      units.push({ code: township.code, name: township.name, level: 'township', parentCode: district.code, boundary: townshipAreas[j] });
      const communities = limit(childrenOf.get(township.code), size.maxCommunitiesPerTownship);
      const communityAreas = split(townshipAreas[j], communities);
      for (const [k, community] of communities.entries()) {
        units.push({ code: community.code, name: community.name, level: 'community', parentCode: township.code, boundary: communityAreas[k] });
        const gridAreas = subdivide(communityAreas[k], size.gridsPerCommunity, rng);
        gridAreas.forEach((area, n) => grids.push({
          // GB/T 30428 lineage: the 12-digit community code and a 2-digit grid number.
          code: `${community.code}${String(n + 1).padStart(2, '0')}`,
          name: `${community.name}第${n + 1}网格`,
          communityCode: community.code,
          geometry: area,
          households: 80 + Math.floor(rng() * 220),
        }));
        onProgress?.(++done, communityTotal);
      }
    }
  }
  return { units, grids };
}

/**
 * The published boundaries carry spikes and self-touching rings from coordinate snapping,
 * and neighbouring districts overlap along their borders by up to a few thousand m². A union
 * rebuilds each as valid polygons, and each district then gives up what an earlier one
 * already holds, so the districts (and every grid under them) never overlap.
 */
function ownBoundaries(published: Area[]): Area[] {
  let taken: Area | null = null;
  return published.map((boundary) => {
    const clean = union(boundary) ?? boundary;
    const own = taken ? difference(clean, taken) ?? clean : clean;
    taken = taken ? union(taken, clean) : clean;
    return own;
  });
}

function limit<T>(items: T[] | undefined, max: number | undefined): T[] {
  return max === undefined ? items ?? [] : (items ?? []).slice(0, max);
}
