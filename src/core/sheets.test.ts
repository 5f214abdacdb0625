import zlib from 'node:zlib';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { ImportRejectedError, ValidationError } from './errors.js';
import { readSheet } from './sheets.js';
import { unpackedSize } from './zip-size.js';

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('用户');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  return err as ValidationError;
}

describe('reading sheets', () => {
  it('reads CSV in UTF-8, with or without the byte-order mark', async () => {
    for (const bom of ['', '\uFEFF']) {
      const rows = await readSheet(Buffer.from(`${bom}Username,Display Name\nzhang,张三\n`), 'csv');
      expect(rows).toEqual([{ index: 1, props: { username: 'zhang', display_name: '张三' } }]);
    }
  });

  it('refuses CSV that is not UTF-8 (Excel\'s GBK "CSV"), rather than importing it garbled', async () => {
    // "username,姓名\nzhang,张三" as GBK.
    const gbk = Buffer.concat([Buffer.from('username,'), Buffer.from([0xd0, 0xd5, 0xc3, 0xfb]), Buffer.from('\nzhang,'), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from('\n')]);
    const err = await refusal(readSheet(gbk, 'csv'));
    expect(err.field).toBe('file');
    expect(err.message).toContain('UTF-8');
  });

  it('refuses a header naming a column twice, in CSV and in XLSX', async () => {
    expect((await refusal(readSheet(Buffer.from('username,Username\na,b\n'), 'csv'))).message).toContain('username twice');
    expect((await refusal(readSheet(await xlsx([['username', 'display name', 'Display-Name'], ['a', 'b', 'c']]), 'xlsx'))).message).toContain('display_name twice');
  });

  it('reads XLSX cells as what they show: formulas by their saved result, rich text and links by their text', async () => {
    const file = await xlsx([
      ['username', 'display_name', 'phone', 'note'],
      ['zhang', { richText: [{ text: '张' }, { font: { bold: true }, text: '三' }] }, { formula: '"138"&"00000000"', result: '13800000000' }, { text: '说明', hyperlink: 'https://example.com' }],
    ]);
    expect(await readSheet(file, 'xlsx')).toEqual([{ index: 1, props: { username: 'zhang', display_name: '张三', phone: '13800000000', note: '说明' } }]);
  });

  it('refuses a formula never calculated, or an error, naming the row and the column', async () => {
    const file = await xlsx([
      ['username', 'phone'],
      ['zhang', '13800000000'],
      ['li', { formula: 'B2' }],
      ['wang', { error: '#N/A' }],
    ]);
    const err = await readSheet(file, 'xlsx').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ImportRejectedError);
    const problems = (err as ImportRejectedError).problems;
    expect(problems.map((p) => p.index)).toEqual([2, 3]);
    expect(problems[0].problems[0]).toMatch(/^phone is a formula without a saved result/);
  });
});

/** A zip of one deflated entry, written by hand: what a zip bomb is made of. */
function zipOf(name: string, content: Buffer): Buffer {
  const data = zlib.deflateRawSync(content);
  const file = Buffer.from(name);
  const crc = zlib.crc32(content);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14); local.writeUInt32LE(data.length, 18); local.writeUInt32LE(content.length, 22); local.writeUInt16LE(file.length, 26);
  const entry = Buffer.alloc(46);
  entry.writeUInt32LE(0x02014b50, 0); entry.writeUInt16LE(20, 4); entry.writeUInt16LE(20, 6); entry.writeUInt16LE(8, 10);
  entry.writeUInt32LE(crc, 16); entry.writeUInt32LE(data.length, 20); entry.writeUInt32LE(content.length, 24); entry.writeUInt16LE(file.length, 28);
  const directory = Buffer.concat([entry, file]);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directory.length, 12); end.writeUInt32LE(local.length + file.length + data.length, 16);
  return Buffer.concat([local, file, data, directory, end]);
}

describe('zip bombs', () => {
  it('reads what a zip unpacks to from its directory, and nothing from what is not a zip', async () => {
    expect(unpackedSize(zipOf('a.txt', Buffer.alloc(5000, 97)))).toBe(5000);
    const book = await xlsx([['username'], ['zhang']]);
    expect(unpackedSize(book)).toBeGreaterThan(book.length);
    expect(unpackedSize(Buffer.from('username\nzhang\n'))).toBeNull();
  });

  it('refuses an XLSX that unpacks to more than 64 MB before opening it', async () => {
    const bomb = zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(100 * 1024 * 1024, 97));
    expect(bomb.length).toBeLessThan(200_000);
    const err = await refusal(readSheet(bomb, 'xlsx'));
    expect(err.field).toBe('file');
    expect(err.message).toContain('unpacks to more than 64 MB');
  });
});
