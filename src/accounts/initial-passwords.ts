/**
 * The file of first passwords an import hands out (`shiyu user import --out`, and the download on
 * the users screen). Importing only the CSV writer, so the browser build takes it as it is.
 */
import { CSV_BOM, csvLine } from '../core/csv.js';
import type { ImportedAccount } from './accounts.contract.js';

/** Chinese column names with the field in brackets, as the other downloads have them. */
const HEADER = ['用户名 (username)', '姓名 (displayName)', '角色 (role)', '初始密码 (initialPassword)'];

/** UTF-8 with a byte-order mark, so that Excel shows the names right. */
export function initialPasswordsCsv(accounts: readonly ImportedAccount[]): string {
  return CSV_BOM + csvLine(HEADER) + accounts.map((a) => csvLine([a.username, a.displayName, a.role, a.initialPassword])).join('');
}
