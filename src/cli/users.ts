import fs from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { checkAccountImport, importAccounts } from '../accounts/accounts.import.js';
import * as accounts from '../accounts/accounts.service.js';
import { NewUserBody, PasswordResetBody } from '../accounts/accounts.schema.js';
import { initialPasswordsCsv } from '../accounts/initial-passwords.js';
import { ROLES, type Actor, type Role } from '../core/access.js';
import type { Env } from '../core/env.js';
import { detectFormat, readSheet } from '../core/sheets.js';
import * as geo from '../geo/geo.service.js';
import { readSecret } from './secret.js';

type WithEnv = <T>(fn: (instance: { env: Env }) => Promise<T>) => Promise<T>;

/** The first problem the API's own schema finds in what was given, named as the API names it. */
function check(schema: TSchema, value: unknown, flags: Record<string, string>): void {
  for (const error of Value.Errors(schema, value)) {
    const field = error.instancePath.replace(/^\//, '') || String((error.params as { requiredProperties?: string[] }).requiredProperties?.[0] ?? '');
    throw new InvalidArgumentError(`${flags[field] ?? field}: ${error.message}`);
  }
}

/**
 * Accounts from the command line: the first administrator of a production instance (which has
 * no demo accounts and so no one to sign in as), a new password for the last administrator
 * who lost hers, and a city's staff from a sheet. The command line acts as `cli`, an
 * instance-wide administrator, and is audited so.
 */
export function userCommands(program: Command, withInstance: WithEnv, actor: Actor): void {
  const user = program.command('user').description('staff accounts: the first administrator, a lost password, many accounts from a sheet');

  user.command('add')
    .description('create an account; the password is typed (not shown) or piped in as the first line of standard input')
    .argument('<username>', 'letters, digits and _ . @ -')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .option('--name <displayName>', 'the name people see (defaults to the username)')
    .option('--area <code>', 'the admin unit code of the jurisdiction (e.g. 320613); without it, the whole instance')
    .option('--department <id>', 'the department id (department handlers)', Number)
    .action(async (username: string, opts: { role: string; name?: string; area?: string; department?: number }) => {
      if (!(ROLES as readonly string[]).includes(opts.role)) throw new InvalidArgumentError(`--role must be one of ${ROLES.join(', ')}`);
      const password = await readSecret('Password (at least 8 characters): ');
      const input = {
        username, displayName: opts.name ?? username, password, role: opts.role as Role,
        jurisdictionId: null as number | null, ...(opts.department !== undefined ? { departmentId: opts.department } : {}),
      };
      // Checked as the API checks it, before the database is opened.
      check(NewUserBody, input, { displayName: '--name', role: '--role', departmentId: '--department' });
      await withInstance(async ({ env }) => {
        if (opts.area !== undefined) {
          const area = await geo.unitByCode(env, opts.area);
          if (!area) throw new InvalidArgumentError(`--area: no admin unit has the code ${opts.area}`);
          input.jurisdictionId = area.id;
        }
        const made = await accounts.createUser(env, { actor }, input);
        console.log(`Created ${made.username} (${made.role}) for ${made.jurisdiction?.name ?? 'the whole instance'}.`);
      });
    });

  user.command('import')
    .description('create accounts from a CSV or XLSX file, all or nothing, each with a random first password written out as CSV')
    .argument('<file>', 'a header row (username, displayName, role, area, department, phone, or 用户名, 姓名, 角色, 区域, 部门, 电话), then one account a row')
    .option('--out <file>', 'write the usernames and first passwords to this new file (mode 0600) instead of standard output')
    .option('--dry-run', 'check the file and list the accounts it would make, writing nothing')
    .action(async (file: string, opts: { out?: string; dryRun?: boolean }) => {
      const content = fs.readFileSync(file);
      // Opened before any account is made: a path that cannot be written must not lose the passwords,
      // and an earlier file of passwords is never written over.
      const out = opts.out && !opts.dryRun ? openPrivate(opts.out) : undefined;
      try {
        await withInstance(async ({ env }) => {
          const rows = await readSheet(content, detectFormat(content, file) ?? 'csv');
          if (opts.dryRun) {
            const check = await checkAccountImport(env, { actor }, rows);
            console.log(`The file would make ${check.accounts.length} accounts; nothing was written:`);
            for (const a of check.accounts) console.log(`  ${a.username.padEnd(20)} ${a.role.padEnd(20)} ${a.jurisdiction?.name ?? 'the whole instance'}`);
            return;
          }
          const made = await importAccounts(env, { actor }, rows);
          const passwords = initialPasswordsCsv(made.accounts);
          const created = `Created ${made.created} account${made.created === 1 ? '' : 's'}`;
          if (out === undefined) {
            process.stdout.write(passwords);
            console.error(`${created}; their first passwords are above, shown this once.`);
          } else {
            fs.writeSync(out, passwords);
            console.log(`${created}; their first passwords are in ${opts.out}, readable by you only: hand them out, then delete it.`);
          }
        });
      } catch (err) {
        if (out !== undefined) fs.rmSync(opts.out!);
        throw err;
      } finally {
        if (out !== undefined) fs.closeSync(out);
      }
    });

  user.command('password')
    .description("set a new password for an account and end its sessions; typed (not shown) or piped in")
    .argument('<username>')
    .action(async (username: string) => {
      const newPassword = await readSecret('New password (at least 8 characters): ');
      check(PasswordResetBody, { newPassword }, { newPassword: 'password' });
      await withInstance(async ({ env }) => {
        const id = await accounts.userIdByUsername(env, username);
        if (id === null) throw new InvalidArgumentError(`no account is named ${username}`);
        await accounts.resetPassword(env, { actor }, id, newPassword);
        console.log(`Set a new password for ${username}; their sessions have ended.`);
      });
    });
}

/** A new file only its owner may read; an existing one is refused, never written over. */
function openPrivate(path: string): number {
  try {
    return fs.openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InvalidArgumentError(code === 'EEXIST' ? `--out: ${path} exists already; name a new file` : `--out: ${path} cannot be written (${code})`);
  }
}
