import { describe, expect, it } from 'vitest';
import { areaM2, outsideM2, overlapM2, validateArea } from '../geo/geometry.js';
import { mulberry32 } from '../geo/tiling.js';
import { CITIES, loadCity } from './city-data.js';
import { planGeography } from './geography.js';

describe('demo geography', () => {
  it.each(CITIES)('plans %s with real codes and grids that tile their community', (key) => {
    const city = loadCity(key);
    const plan = planGeography(city, { gridsPerCommunity: 3, maxTownshipsPerDistrict: 1, maxCommunitiesPerTownship: 2 }, mulberry32(3));
    const districts = plan.units.filter((u) => u.level === 'district');
    expect(districts.length).toBe(city.districtBoundaries.size);
    // The published boundaries overlap a little along borders; the planned ones must not.
    for (const [i, a] of districts.entries()) {
      expect(validateArea(a.boundary)).toEqual([]);
      for (const b of districts.slice(i + 1)) expect(overlapM2(a.boundary!, b.boundary!)).toBeLessThan(1);
    }
    const known = new Set(city.units.map((u) => u.code));
    for (const u of plan.units) expect(known.has(u.code)).toBe(true);
    const byCommunity = new Map(plan.units.filter((u) => u.level === 'community').map((u) => [u.code, u.boundary!]));
    for (const [code, community] of byCommunity) {
      const grids = plan.grids.filter((g) => g.communityCode === code);
      expect(grids).toHaveLength(3);
      for (const g of grids) {
        expect(validateArea(g.geometry)).toEqual([]);
        expect(outsideM2(g.geometry, community)).toBeLessThan(1);
      }
      const sum = grids.reduce((s, g) => s + areaM2(g.geometry), 0);
      expect(Math.abs(sum - areaM2(community)) / areaM2(community)).toBeLessThan(1e-6);
    }
  });
});
