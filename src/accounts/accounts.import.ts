import crypto from 'node:crypto';
import { Value } from 'typebox/value';
import { requireAccess, ROLES, type Actor, type RequestContext, type Role } from '../core/access.js';
import { recordAudit } from '../core/audit.js';
import { hashPassword } from '../core/crypto.js';
import type { Env } from '../core/env.js';
import { AppError, ConflictError, rejectImport, ValidationError, type ImportProblem } from '../core/errors.js';
import { PHONE } from '../core/phone.js';
import { text, type SheetRow } from '../core/sheets.js';
import * as geo from '../geo/geo.service.js';
import { departmentsVisibleTo } from '../org/org.service.js';
import { ACCOUNT_IMPORT_MAX_ROWS, type AccountImportCheck, type AccountImportResult, type ProposedAccount } from './accounts.contract.js';
import * as repo from './accounts.repo.js';
import { DisplayName, Username } from './accounts.schema.js';
import { areaProblem, departmentProblem } from './accounts.service.js';

/**
 * Staff accounts in bulk, from a sheet: a city onboarding its grid workers. Every row is checked
 * as createUser checks one account, every problem is reported at once, and the accounts are made
 * all together or not at all, each with a random first password shown once in the answer.
 */

/** The columns a file may have, by the field each gives: English names, and those an office types. */
const COLUMNS = {
  username: ['username', '用户名'],
  displayName: ['displayname', 'display_name', '姓名'],
  role: ['role', '角色'],
  area: ['area', '区域', '辖区'],
  department: ['department', '部门'],
  phone: ['phone', '电话', '手机', '手机号'],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['username', 'displayName', 'role', 'area'];

/** Roles by their code, or by the name the web app shows for them (web/src/i18n/zh-CN.json, role.*). */
const ROLE_NAMES: Record<string, Role> = {
  ...Object.fromEntries(ROLES.map((r) => [r, r])),
  系统管理员: 'admin', 管理员: 'admin', 受理派遣员: 'dispatcher', 部门处置人员: 'department_handler', 网格员: 'grid_worker',
  调解员: 'mediator', 领导: 'leader', 审计员: 'auditor', 评估员: 'assessor', 市民: 'citizen',
};

/** The limits of the API's own schema (accounts.schema.ts), for the report. */
const USERNAME_MAX = (Username as { maxLength?: number }).maxLength;
const DISPLAY_NAME_MAX = (DisplayName as { maxLength?: number }).maxLength;
const DEPARTMENT_ID = /^[1-9][0-9]{0,14}$/;

/** Without 0/O/o and 1/l/I, so a password read off a slip of paper is typed right the first time. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz';

/** Three groups of five from 56 characters: about 87 bits, and readable aloud (`7kQmX-p3rHv-9tZa2`). */
export function initialPassword(): string {
  const chars = Array.from({ length: 15 }, () => ALPHABET[crypto.randomInt(ALPHABET.length)]);
  return [0, 5, 10].map((at) => chars.slice(at, at + 5).join('')).join('-');
}

/**
 * scrypt (hashPassword) runs on libuv's thread pool, off the event loop, and costs about 36 ms of a
 * core and 16 MB per password: on two cores, two at a time make 2,000 passwords in about 37 s. More
 * at once would not be faster there, and would take the rest of the pool (four threads) from
 * sign-ins and file reads meanwhile.
 */
const HASHING_AT_ONCE = 2;

interface Proposal extends Omit<ProposedAccount, 'jurisdiction'> {
  unit: (ProposedAccount['jurisdiction'] & { path: string }) | null;
  phone: string | undefined;
}

/** Checks a file's rows and answers the accounts it would make, writing nothing. */
export async function checkAccountImport(env: Env, ctx: RequestContext, rows: SheetRow[]): Promise<AccountImportCheck> {
  requireAccess(ctx.actor, 'users.write');
  const proposals = await check(env, ctx.actor, rows);
  return {
    dryRun: true, created: 0,
    accounts: proposals.map((p) => ({
      row: p.row, username: p.username, displayName: p.displayName, role: p.role, departmentId: p.departmentId,
      jurisdiction: p.unit && { id: p.unit.id, code: p.unit.code, name: p.unit.name, level: p.unit.level },
    })),
  };
}

/**
 * Makes the accounts of a file, all or none, and answers them with their first passwords. When
 * `signal` aborts (the client went away) before the accounts are written, none are: nobody would
 * ever see their passwords.
 */
export async function importAccounts(env: Env, ctx: RequestContext, rows: SheetRow[], signal?: AbortSignal): Promise<AccountImportResult> {
  requireAccess(ctx.actor, 'users.write');
  const proposals = await check(env, ctx.actor, rows);
  const passwords = proposals.map(() => initialPassword());
  const hashes = await hashAll(passwords, signal);
  const ids = await env.db.transaction().execute(async (trx) => {
    const made = await repo.insertUsers(trx, proposals.map((p, i) => ({
      username: p.username, displayName: p.displayName, passwordHash: hashes[i], role: p.role,
      jurisdictionId: p.unit?.id ?? null, departmentId: p.departmentId, phoneEnc: env.cipher.encryptOptional(p.phone),
    }))).catch((err: unknown) => {
      // Another administrator took a username between the check and the write.
      if ((err as { code?: unknown }).code === '23505') throw new ConflictError('a username of the file was taken while it was being checked; nothing was imported: send it again', 'file');
      throw err;
    });
    await recordAudit(trx, ctx, proposals.map((p, i) => ({
      action: 'user.create', targetType: 'user', targetId: made[i], scopePath: p.unit?.path ?? '',
      after: { username: p.username, displayName: p.displayName, role: p.role, jurisdictionId: p.unit?.id ?? null, departmentId: p.departmentId, source: 'import', row: p.row },
    })));
    throwIfGone(signal);
    return made;
  });
  return {
    created: ids.length,
    accounts: proposals.map((p, i) => ({ id: ids[i], username: p.username, displayName: p.displayName, role: p.role, initialPassword: passwords[i] })),
  };
}

function throwIfGone(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError(499, 'client_closed', 'the request was abandoned before the accounts were written; nothing was imported');
}

async function hashAll(passwords: string[], signal: AbortSignal | undefined): Promise<string[]> {
  const hashes: string[] = new Array(passwords.length);
  let next = 0;
  const hashing = async () => {
    while (next < passwords.length) {
      throwIfGone(signal);
      const i = next++;
      hashes[i] = await hashPassword(passwords[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(HASHING_AT_ONCE, passwords.length) }, hashing));
  return hashes;
}

/** The file's column for each field, and how a report names it: as the file does, with the field when that differs. */
function columnsOf(header: string[]): Map<Column, { key: string; label: string }> {
  const found = new Map<Column, { key: string; label: string }>();
  for (const key of header.filter((h) => h !== '')) {
    const field = (Object.keys(COLUMNS) as Column[]).find((f) => (COLUMNS[f] as readonly string[]).includes(key));
    if (!field) throw new ValidationError('file', `the column ${key} is not one this import takes: ${describeColumns()}`);
    const other = found.get(field);
    if (other) throw new ValidationError('file', `the columns ${other.key} and ${key} both give ${field}: keep one`);
    found.set(field, { key, label: key === field.toLowerCase() ? field : `${key} (${field})` });
  }
  const missing = REQUIRED.filter((f) => !found.has(f));
  if (missing.length) throw new ValidationError('file', `the header has no ${missing.join(', ')} column: ${describeColumns()}`);
  return found;
}

function describeColumns(): string {
  return `the columns are ${(Object.keys(COLUMNS) as Column[]).map((f) => `${f} (${COLUMNS[f].filter((k) => k !== f.toLowerCase()).join(' or ')})`).join(', ')}; department and phone may be left out`;
}

/** Every row checked as createUser checks one account; any problem refuses the whole file, naming each row and column. */
async function check(env: Env, actor: Actor, rows: SheetRow[]): Promise<Proposal[]> {
  if (rows.length === 0) throw new ValidationError('file', 'the file has no rows');
  if (rows.length > ACCOUNT_IMPORT_MAX_ROWS) {
    throw new ValidationError('file', `the file has ${rows.length} rows; one import takes at most ${ACCOUNT_IMPORT_MAX_ROWS}: split it, by district say`);
  }
  const columns = columnsOf(Object.keys(rows[0].props));
  const cell = (row: SheetRow, field: Column) => {
    const column = columns.get(field);
    return column && text(row.props, column.key);
  };
  const label = (field: Column) => columns.get(field)?.label ?? field;

  const usernames = [...new Set(rows.map((r) => cell(r, 'username')).filter((u): u is string => !!u))];
  const taken = new Set((await repo.findUsersByUsername(env.db, usernames)).map((u) => u.username));
  const codes = [...new Set(rows.map((r) => cell(r, 'area')).filter((c): c is string => !!c))];
  const units = new Map(await Promise.all(codes.map(async (c) => [c, await geo.unitByCode(env, c)] as const)));
  const departmentIds = [...new Set(rows.map((r) => cell(r, 'department')).filter((d): d is string => !!d && DEPARTMENT_ID.test(d)).map(Number))];
  const departments = await departmentsVisibleTo(env, actor, departmentIds);

  const firstRow = new Map<string, number>();
  const problems: ImportProblem[] = [];
  const proposals: Proposal[] = [];
  for (const row of rows) {
    const p: string[] = [];
    const username = cell(row, 'username');
    if (!username) p.push(`${label('username')} is missing`);
    else if (!Value.Check(Username, username)) p.push(`${label('username')} must be 1–${USERNAME_MAX} letters, digits or _ . @ -`);
    else if (taken.has(username)) p.push(`${label('username')} ${username} is taken`);
    else if (firstRow.has(username)) p.push(`${label('username')} ${username} is also on row ${firstRow.get(username)}`);
    if (username && !firstRow.has(username)) firstRow.set(username, row.index);

    const displayName = cell(row, 'displayName');
    if (!displayName) p.push(`${label('displayName')} is missing`);
    else if (!Value.Check(DisplayName, displayName)) p.push(`${label('displayName')} is longer than ${DISPLAY_NAME_MAX} characters`);

    const roleText = cell(row, 'role');
    const role = roleText && Object.hasOwn(ROLE_NAMES, roleText) ? ROLE_NAMES[roleText] : undefined;
    if (!role) p.push(`${label('role')} must be one of ${ROLES.join(', ')}, or its Chinese name`);
    // With the role refused, the other columns are still checked, as for a role that needs nothing of them.
    const asRole = role ?? 'admin';

    // An empty area is the whole instance (null), as `shiyu user add` without --area; an unknown code, undefined.
    const code = cell(row, 'area');
    const unit = code ? units.get(code) ?? undefined : null;
    const areaIssue = code || role ? areaProblem(actor, asRole, unit && unit.path, code ? `${label('area')} ${code}` : label('area')) : null;
    if (areaIssue) p.push(areaIssue);

    const departmentText = cell(row, 'department');
    const departmentId = departmentText && DEPARTMENT_ID.test(departmentText) ? Number(departmentText) : null;
    const departmentIssue = departmentText && departmentId === null
      ? `${label('department')} must be the department's id, a whole number`
      : departmentProblem(asRole, departmentId, departmentId !== null && departments.has(departmentId), label('department'));
    if (departmentIssue) p.push(departmentIssue);

    const phone = cell(row, 'phone');
    if (phone && !PHONE.test(phone)) p.push(`${label('phone')} must be 5–20 digits, with an optional leading + and spaces or dashes`);

    if (p.length) problems.push({ index: row.index, code: username?.slice(0, 64), problems: p });
    else proposals.push({ row: row.index, username: username!, displayName: displayName!, role: role!, unit: unit ?? null, departmentId, phone });
  }
  if (problems.length) rejectImport('rows', problems);
  return proposals;
}
