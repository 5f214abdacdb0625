import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ImportRejectedError, ValidationError, type ImportProblem } from '../core/errors.js';
import { unstorableText } from '../core/text.js';

/** One row of a CSV/XLSX sheet or one GeoJSON feature, before it is checked. */
export interface ImportRow {
  /** 1-based data row for sheets, 0-based feature index for GeoJSON: what the report names. */
  index: number;
  props: Record<string, unknown>;
  geometry?: unknown;
}

export type ImportFormat = 'geojson' | 'csv' | 'xlsx';

/** Stands in for a geometry a reader could not take (not a Feature, not GeoJSON text), saying why. */
export class UnreadableGeometry {
  constructor(readonly reason: string) {}
}

const MEDIA_TYPES: Record<string, ImportFormat> = {
  'application/geo+json': 'geojson',
  'application/json': 'geojson',
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/** Decides the format from the file name, else from the declared media type, else from the first bytes. */
export function detectFormat(content: Buffer, filename?: string, mediaType?: string): ImportFormat {
  const ext = filename?.toLowerCase().split('.').pop();
  if (ext === 'geojson' || ext === 'json') return 'geojson';
  if (ext === 'xlsx') return 'xlsx';
  if (ext === 'csv') return 'csv';
  const declared = mediaType?.split(';')[0].trim().toLowerCase();
  if (declared && Object.hasOwn(MEDIA_TYPES, declared)) return MEDIA_TYPES[declared];
  if (content[0] === 0x50 && content[1] === 0x4b) return 'xlsx'; // 'PK': a zip, as XLSX is
  const head = content.subarray(0, 64).toString('utf8').trimStart();
  return head.startsWith('{') ? 'geojson' : 'csv';
}

/** Reads a file into rows; a file that cannot be read at all is refused naming the file. */
export async function readImportFile(content: Buffer, format: ImportFormat): Promise<ImportRow[]> {
  if (content.length === 0) throw new ValidationError('file', 'the file is empty');
  const rows = format === 'geojson' ? readGeoJson(content) : format === 'csv' ? readCsv(content) : await readXlsx(content);
  refuseUnstorable(rows);
  return rows;
}

/** Text the database cannot hold (src/core/text.ts): rows with it are refused here, each named, not failed on as a 500. */
function refuseUnstorable(rows: ImportRow[]): void {
  const problems: ImportProblem[] = [];
  for (const row of rows) {
    const found = Object.entries(row.props).flatMap(([name, value]) => {
      const reason = unstorableText(name) ?? (typeof value === 'string' ? unstorableText(value) : null);
      return reason ? [`${name.replace(/\u0000/g, '')} ${reason}`] : [];
    });
    if (found.length) problems.push({ index: row.index, problems: found });
  }
  if (problems.length) throw new ImportRejectedError(`${problems.length} rows hold text that cannot be stored; nothing was imported`, problems);
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
function sheetRow(index: number, record: Record<string, unknown>): ImportRow {
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

function readCsv(content: Buffer): ImportRow[] {
  let records: Record<string, string>[];
  try {
    records = parseCsv(content, { columns: (h: string[]) => h.map(normaliseHeader), bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (err) {
    // The parser quotes the offending field, which in a broken file can be megabytes long.
    throw new ValidationError('file', `the CSV file could not be read: ${shorten((err as Error).message, 300)}`);
  }
  if (records.length === 0) throw new ValidationError('file', 'the CSV file has a header but no rows');
  return records.map((r, i) => sheetRow(i + 1, r));
}

async function readXlsx(content: Buffer): Promise<ImportRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (err) {
    throw new ValidationError('file', `the XLSX file could not be read: ${(err as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount < 2) throw new ValidationError('file', 'the first sheet has no data rows');
  const header = (sheet.getRow(1).values as unknown[]).map((v) => normaliseHeader(String(v ?? '')));
  const rows: ImportRow[] = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const values = row.values as unknown[];
    const record: Record<string, unknown> = {};
    header.forEach((name, col) => {
      if (!name) return;
      const cell = values[col];
      record[name] = cell && typeof cell === 'object' && 'text' in cell ? (cell as { text: unknown }).text : cell ?? '';
    });
    rows.push(sheetRow(rowNumber - 1, record));
  });
  return rows;
}

function shorten(message: string, max: number): string {
  return message.length <= max ? message : `${message.slice(0, max)}…`;
}

function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** A string property, trimmed; empty and missing both become undefined. */
export function text(props: Record<string, unknown>, key: string): string | undefined {
  const value = props[key];
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}
