import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseCsv } from 'csv-parse/sync';
import type { Area } from '../geo/geometry.js';
import type { AdminLevel } from '../geo/geo.repo.js';

/** The five seed places (shared/DOMAIN.md), by the key `shiyu seed --city` takes. */
export const CITIES = ['nantong', 'nanping', 'zigong', 'fangchenggang', 'lanzhou'] as const;
export type CityKey = (typeof CITIES)[number];

export interface CityUnit {
  code: string;
  name: string;
  level: AdminLevel;
  parentCode: string | null;
}

export interface CityData {
  key: CityKey;
  units: CityUnit[];
  /** Real county-level boundaries, by district code. */
  districtBoundaries: Map<string, Area>;
}

/** demo-data/ at the package root, found from this file whether it runs from src/ or dist/src/. */
function dataRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'demo-data'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('demo-data/ not found beside package.json');
    dir = up;
  }
  return path.join(dir, 'demo-data', 'cities');
}

/** Reads a city's real codes, names and district boundaries (sources in demo-data/cities/README.md). */
export function loadCity(key: CityKey): CityData {
  const dir = path.join(dataRoot(), key);
  const rows = parseCsv(fs.readFileSync(path.join(dir, 'admin-units.csv')), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const units = rows.map((r) => ({ code: r.code, name: r.name, level: r.level as AdminLevel, parentCode: r.parent_code || null }));
  const geojson = JSON.parse(fs.readFileSync(path.join(dir, 'districts.geojson'), 'utf8')) as { features: { properties: { code: string }; geometry: Area }[] };
  const districtBoundaries = new Map(geojson.features.map((f) => [f.properties.code, f.geometry]));
  return { key, units, districtBoundaries };
}
