/** The worker thread of sheets.ts: reading and writing spreadsheets, nothing that touches the database. */
import ExcelJS from 'exceljs';
import { ImportRejectedError, ValidationError } from './errors.js';
import { serveTasks } from './off-thread.js';
import { parseSheet } from './sheets.read.js';
import { refuseUnstorable, type SheetFormat, type SheetReading, type XlsxSheet } from './sheets.js';

serveTasks({
  read: async ({ content, format }: { content: Uint8Array; format: SheetFormat }): Promise<SheetReading> => {
    try {
      const rows = await parseSheet(content, format);
      refuseUnstorable(rows);
      return { rows };
    } catch (err) {
      // Error classes do not cross threads: what the caller needs to throw them again does.
      if (err instanceof ValidationError) return { invalid: { field: err.field ?? 'file', message: err.message } };
      if (err instanceof ImportRejectedError) return { rejected: { message: err.message, problems: err.problems } };
      throw err;
    }
  },
  writeXlsx: async ({ name, columns, rows, boldRows = [] }: XlsxSheet): Promise<Uint8Array> => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet(name);
    sheet.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
    for (const row of rows) sheet.addRow(row);
    for (const n of [1, ...boldRows]) sheet.getRow(n).font = { bold: true };
    return new Uint8Array(await workbook.xlsx.writeBuffer());
  },
});
