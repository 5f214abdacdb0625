import { ValidationError } from '../core/errors.js';
import { detectFormat as detectFileFormat, readSheet, refuseUnstorable, SHEET_FORMATS, type SheetFormat, type SheetRow } from '../core/sheets.js';

/** One row of a CSV/XLSX sheet or one GeoJSON feature, before it is checked. */
export interface ImportRow {
  /** 1-based data row for sheets, 0-based feature index for GeoJSON: what the report names. */
  index: number;
  props: Record<string, unknown>;
  geometry?: unknown;
}

export type ImportFormat = 'geojson' | SheetFormat;

/** Stands in for a geometry a reader could not take (not a Feature, not GeoJSON text), saying why. */
export class UnreadableGeometry {
  constructor(readonly reason: string) {}
}

const FORMATS: Record<string, ImportFormat> = {
  ...SHEET_FORMATS,
  geojson: 'geojson', json: 'geojson', 'application/geo+json': 'geojson', 'application/json': 'geojson',
};

/** Decides the format from the file name, else from the declared media type, else from the first bytes. */
export function detectFormat(content: Buffer, filename?: string, mediaType?: string): ImportFormat {
  const found = detectFileFormat(content, filename, mediaType, FORMATS);
  if (found) return found;
  const head = content.subarray(0, 64).toString('utf8').trimStart();
  return head.startsWith('{') ? 'geojson' : 'csv';
}

/** Reads a file into rows; a file that cannot be read at all is refused naming the file. */
export async function readImportFile(content: Buffer, format: ImportFormat): Promise<ImportRow[]> {
  if (format !== 'geojson') return (await readSheet(content, format)).map(sheetRow);
  if (content.length === 0) throw new ValidationError('file', 'the file is empty');
  const rows = readGeoJson(content);
  refuseUnstorable(rows);
  return rows;
}

function readGeoJson(content: Buffer): ImportRow[] {
  let doc: unknown;
  try {
    // Editors on Windows often save UTF-8 with a byte-order mark, which JSON.parse refuses.
    doc = JSON.parse(content.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ValidationError('file', `the file is not valid JSON: ${(err as Error).message}`);
  }
  const obj = doc as { type?: unknown; features?: unknown };
  const features = obj?.type === 'FeatureCollection' ? obj.features : obj?.type === 'Feature' ? [doc] : undefined;
  if (!Array.isArray(features)) throw new ValidationError('file', 'a GeoJSON import must be a FeatureCollection or a Feature');
  if (features.length === 0) throw new ValidationError('file', 'the FeatureCollection has no features');
  return features.map((f: { type?: unknown; properties?: unknown; geometry?: unknown }, index) => ({
    index,
    props: f && typeof f.properties === 'object' && f.properties !== null ? (f.properties as Record<string, unknown>) : {},
    geometry: f?.type === 'Feature' ? f.geometry : new UnreadableGeometry('is not a GeoJSON Feature'),
  }));
}

/** A sheet's `geometry` column may hold GeoJSON geometry text. */
function sheetRow({ index, props: record }: SheetRow): ImportRow {
  const { geometry, ...props } = record;
  let parsed: unknown;
  if (typeof geometry === 'string' && geometry.trim()) {
    try {
      parsed = JSON.parse(geometry);
    } catch {
      parsed = new UnreadableGeometry('the geometry column is not GeoJSON');
    }
  }
  return { index, props, geometry: parsed };
}
