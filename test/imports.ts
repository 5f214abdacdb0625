import crypto from 'node:crypto';
import ExcelJS from 'exceljs';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { ImportProblem } from '../src/core/errors.js';

/**
 * Imports as tests drive them: the files (sheets, with objects written as JSON text as a geometry
 * column holds them; multipart uploads), and the checks of a refusal, which must change nothing.
 */

function csvCell(value: unknown): string {
  const s = value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV file; `eol: '\r\n'` as Excel writes it. */
export function csv(header: string[], rows: unknown[][], eol = '\n'): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join(eol) + eol;
}

/** An XLSX workbook with one sheet. */
export async function xlsx(header: string[], rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Sheet1');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : v)));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A multipart/form-data body with one file part, built by hand. */
export function multipart(filename: string, content: string | Buffer, type: string, field = 'file') {
  const boundary = `----shiyu${crypto.randomBytes(8).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    payload: Buffer.concat([Buffer.from(head), Buffer.from(content), Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Sends a file that must be refused as a whole: 422, the report, and `snapshot` the same after. */
export async function expectRejected(send: () => Promise<LightMyRequestResponse>, snapshot: () => Promise<unknown>): Promise<ImportProblem[]> {
  const before = await snapshot();
  const res = await send();
  expect(res.statusCode, res.body).toBe(422);
  const { error } = res.json();
  expect(error).toMatchObject({ code: 'import_rejected', field: 'file', message: expect.stringContaining('nothing was imported') });
  expect(await snapshot()).toEqual(before);
  return error.details.problems;
}

/** Sends a file that cannot be taken at all: 400 naming the file, and `snapshot` the same after. */
export async function expectUnreadable(send: () => Promise<LightMyRequestResponse>, message: RegExp, snapshot: () => Promise<unknown>): Promise<void> {
  const before = await snapshot();
  const res = await send();
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json().error).toMatchObject({ code: 'invalid_input', field: 'file', message: expect.stringMatching(message) });
  expect(await snapshot()).toEqual(before);
}

/** The report names the row or feature `index` (with `code`, when given) and a problem matching `pattern`. */
export function expectProblem(problems: ImportProblem[], index: number, code: string | undefined, pattern: RegExp): void {
  const entry = problems.find((p) => p.index === index);
  expect(entry, JSON.stringify(problems)).toBeDefined();
  if (code !== undefined) expect(entry!.code).toBe(code);
  expect(entry!.problems).toEqual(expect.arrayContaining([expect.stringMatching(pattern)]));
}
