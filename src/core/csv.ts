/** CSV for people who open it in a spreadsheet: the figures and the case exports. */

export type CsvValue = string | number | boolean | null | undefined;

/** Starts the file so that Excel reads UTF-8 (and so the Chinese) right. */
export const CSV_BOM = '\uFEFF';

/**
 * One cell, quoted when it must be. Text a spreadsheet would take for a formula (= + - @, or a tab
 * or carriage return before one) gets a leading apostrophe, so a hostile address cannot run in
 * the reader's Excel (CSV injection); numbers stay numbers.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line of cells, ended the way RFC 4180 and Excel expect. */
export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
