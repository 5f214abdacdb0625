import { ImportRejectedError, ValidationError, type ImportProblem } from './errors.js';
import { offThread, workerFile } from './off-thread.js';
import { unstorableText } from './text.js';

/**
 * Spreadsheets people send to be imported: CSV (UTF-8, with or without the byte-order mark Excel
 * writes) and XLSX, read into rows named by their header. Any module's import reads its sheets here.
 */

export type SheetFormat = 'csv' | 'xlsx';

/** One data row of a sheet, before a module checks it. */
export interface SheetRow {
  /** 1-based, counted after the header row: what a report names. */
  index: number;
  /** The row's cells by column name (trimmed, lower case, spaces and dashes as `_`). */
  props: Record<string, unknown>;
}

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** File extensions and media types of sheets; a module may pass its own formats beside them to detectFormat. */
export const SHEET_FORMATS: Readonly<Record<string, SheetFormat>> = {
  csv: 'csv', xlsx: 'xlsx', 'text/csv': 'csv', [XLSX_MEDIA_TYPE]: 'xlsx',
};

/**
 * Decides the format from the first bytes when they start a zip (as XLSX is), else from the file
 * name's extension, else from the declared media type (both looked up in `known`). Null when
 * nothing tells.
 */
export function detectFormat<F extends string>(content: Buffer, filename?: string, mediaType?: string, known: Readonly<Record<string, F | SheetFormat>> = SHEET_FORMATS): F | SheetFormat | null {
  // An XLSX is a zip, whatever its name or declared type says: read as text it would be garbage.
  if (content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04) return 'xlsx';
  const ext = filename?.toLowerCase().split('.').pop();
  if (ext && Object.hasOwn(known, ext)) return known[ext];
  const declared = mediaType?.split(';')[0].trim().toLowerCase();
  if (declared && Object.hasOwn(known, declared)) return known[declared];
  return null;
}

/**
 * Reads a sheet into rows; a file that cannot be read at all is refused naming the file, rows with
 * cells that cannot be read or stored are refused naming the rows. The reading runs on a worker
 * thread: a big XLSX would otherwise hold every other request for seconds.
 */
export async function readSheet(content: Buffer, format: SheetFormat): Promise<SheetRow[]> {
  if (content.length === 0) throw new ValidationError('file', 'the file is empty');
  const read = await sheetsThread().run<SheetReading>('read', { content, format });
  if ('invalid' in read) throw new ValidationError(read.invalid.field, read.invalid.message);
  if ('rejected' in read) throw new ImportRejectedError(read.rejected.message, read.rejected.problems);
  return read.rows;
}

/** What the worker's reading of a sheet comes back as: the rows, or why the file or some rows were refused. */
export type SheetReading =
  | { rows: SheetRow[] }
  | { invalid: { field: string; message: string } }
  | { rejected: { message: string; problems: ImportProblem[] } };

const sheetsThread = () => offThread(workerFile('sheets.worker', import.meta.url));

/** One sheet of a workbook to write. */
export interface XlsxSheet {
  name: string;
  columns: { header: string; width: number; numFmt?: string }[];
  rows: unknown[][];
  /** Rows shown in bold, counted from 1 as Excel does; the header row always is. */
  boldRows?: number[];
}

/** An XLSX workbook of one sheet, written on the worker thread: a city's worth of rows takes a core for seconds. */
export async function writeXlsx(sheet: XlsxSheet): Promise<Buffer> {
  const bytes = await sheetsThread().run<Uint8Array>('writeXlsx', sheet);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Text the database cannot hold (src/core/text.ts): rows with it are refused here, each named, not failed on as a 500. */
export function refuseUnstorable(rows: readonly SheetRow[]): void {
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

/** A cell as text, trimmed; empty and missing both become undefined. */
export function text(props: Record<string, unknown>, key: string): string | undefined {
  const value = props[key];
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}
