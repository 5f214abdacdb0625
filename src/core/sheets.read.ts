import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { ImportRejectedError, ValidationError, type ImportProblem } from './errors.js';
import type { SheetFormat, SheetRow } from './sheets.js';
import { unpackedSize } from './zip-size.js';

/**
 * Reading a sheet's bytes into rows, on the sheets' worker thread (sheets.worker.ts): a city's
 * XLSX takes a core for seconds. Throws ValidationError naming the file, or ImportRejectedError
 * naming the rows.
 */
export async function parseSheet(content: Uint8Array, format: SheetFormat): Promise<SheetRow[]> {
  const bytes = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  return format === 'csv' ? readCsv(bytes) : readXlsx(bytes);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function readCsv(content: Buffer): SheetRow[] {
  // Excel in China saves "CSV" in GBK unless told "CSV UTF-8": read as UTF-8 it would be imported garbled.
  let decoded: string;
  try {
    decoded = UTF8.decode(content);
  } catch {
    throw new ValidationError('file', 'the CSV file is not UTF-8 text: save it as "CSV UTF-8" (or as XLSX) and send it again');
  }
  let records: Record<string, string>[];
  try {
    records = parseCsv(decoded, { columns: (h: string[]) => uniqueHeader(h.map(normaliseHeader)), bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (err) {
    if (err instanceof ValidationError) throw err;
    // The parser quotes the offending field, which in a broken file can be megabytes long.
    throw new ValidationError('file', `the CSV file could not be read: ${shorten((err as Error).message, 300)}`);
  }
  if (records.length === 0) throw new ValidationError('file', 'the CSV file has a header but no rows');
  return records.map((props, i) => ({ index: i + 1, props }));
}

/** A header naming a column twice would let one column's cells silently stand for the other's. */
function uniqueHeader(names: string[]): string[] {
  const seen = new Set<string>();
  for (const name of names) {
    if (name && seen.has(name)) throw new ValidationError('file', `the header names the column ${shorten(name, 100)} twice`);
    seen.add(name);
  }
  return names;
}

/**
 * The most an XLSX may unpack to. The reader holds a workbook in memory at some thirty times its
 * unpacked size, and a sheet of staff or grids is a few megabytes: this leaves room for a city's
 * grids with their outlines (about 15 MB) and refuses a zip bomb before it is opened.
 */
export const XLSX_MAX_UNPACKED = 64 * 1024 * 1024;

async function readXlsx(content: Buffer): Promise<SheetRow[]> {
  const unpacked = unpackedSize(content);
  if (unpacked !== null && unpacked > XLSX_MAX_UNPACKED) {
    throw new ValidationError('file', `the XLSX file unpacks to more than ${XLSX_MAX_UNPACKED / 1024 / 1024} MB: split it, or send the rows as CSV`);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (err) {
    throw new ValidationError('file', `the XLSX file could not be read: ${(err as Error).message}`);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount < 2) throw new ValidationError('file', 'the first sheet has no data rows');
  const header = uniqueHeader((sheet.getRow(1).values as unknown[]).map((v) => normaliseHeader(String(cellValue(v) ?? ''))));
  const rows: SheetRow[] = [];
  const problems: ImportProblem[] = [];
  sheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const values = row.values as unknown[];
    const props: Record<string, unknown> = {};
    const unread: string[] = [];
    header.forEach((name, col) => {
      if (!name) return;
      const value = cellValue(values[col]);
      if (value === undefined) unread.push(`${name} is a formula without a saved result, or an error (#N/A…): save the file in Excel and send it again`);
      props[name] = value ?? '';
    });
    if (unread.length) problems.push({ index: rowNumber - 1, problems: unread });
    rows.push({ index: rowNumber - 1, props });
  });
  if (problems.length) throw new ImportRejectedError(`${problems.length} rows have cells that could not be read; nothing was imported`, problems);
  return rows;
}

/**
 * What a cell holds, as ExcelJS gives it: plain values as they are, a formula as its saved result,
 * rich text and links as their text; undefined when there is nothing to read (a formula never
 * calculated, an error such as #N/A), which is not the same as an empty cell ('').
 */
export function cellValue(cell: unknown): unknown {
  if (cell === null || cell === undefined) return '';
  if (typeof cell !== 'object' || cell instanceof Date) return cell;
  if ('richText' in cell && Array.isArray(cell.richText)) return cell.richText.map((part: { text?: unknown }) => String(part.text ?? '')).join('');
  if ('text' in cell) return cellValue(cell.text);
  if ('formula' in cell || 'sharedFormula' in cell) return 'result' in cell && cell.result !== undefined ? cellValue(cell.result) : undefined;
  return undefined;
}

function shorten(message: string, max: number): string {
  return message.length <= max ? message : `${message.slice(0, max)}…`;
}

function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

