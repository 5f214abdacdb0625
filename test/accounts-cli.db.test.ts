import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND } from './db.js';
import { freshSite, login, openSiteDb, runCli, serve, SLOW, stop, tempDir, useProcesses } from './process.js';

// A production instance has no demo accounts: its operator makes the first administrator with
// `shiyu user add`, and gives a locked-out administrator a new password with `shiyu user password`.

useProcesses();

describe(`shiyu user (${BACKEND})`, () => {
  it('makes the first administrator of an empty production instance, refuses bad input, and resets her password', SLOW, async () => {
    const site = await freshSite();
    const production = { NODE_ENV: 'production' };
    const added = await runCli(site, ['user', 'add', 'chief', '--role', 'admin', '--name', '总管理员'], production, 'chief-pass-1\n');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('Created chief (admin) for the whole instance');
    expect(added.stdout + added.stderr).not.toContain('chief-pass-1');

    const expectRefused = async ([args, input, message]: [string[], string, RegExp]) => {
      const result = await runCli(site, args, production, input);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
    };
    // Refused before the database is opened, so they may run at once.
    await Promise.all(([
      [['user', 'add', 'shorty', '--role', 'admin'], 'short\n', /password: .*8/],
      [['user', 'add', 'king', '--role', 'king'], 'long-enough-1\n', /--role must be one of admin, dispatcher/],
      [['user', 'add', 'bad name', '--role', 'admin'], 'long-enough-1\n', /username/],
      [['user', 'add', 'silent', '--role', 'admin'], '', /no password given/],
      [['user', 'password', 'chief'], 'short\n', /password: .*8/],
    ] as const).map(([args, input, message]) => expectRefused([[...args], input, message])));
    // Refused by what the database holds (the service's own refusals, a taken username or a handler
    // without a department, are the API's tests): one at a time, as the embedded database takes one process.
    for (const refusal of [
      [['user', 'add', 'far', '--role', 'admin', '--area', '999999'], 'long-enough-1\n', /--area: no admin unit has the code 999999/],
      [['user', 'password', 'nobody'], 'long-enough-1\n', /no account is named nobody/],
    ] as [string[], string, RegExp][]) await expectRefused(refusal);

    const reset = await runCli(site, ['user', 'password', 'chief'], production, 'chief-pass-2\n');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('Set a new password for chief');
    const server = await serve(site, ['--no-demo'], production);
    try {
      expect((await login(server, 'chief', 'chief-pass-1')).status).toBe(401);
      const signedIn = await login(server, 'chief', 'chief-pass-2');
      expect(signedIn.status).toBe(200);
      expect(((await signedIn.json()) as { user: unknown }).user).toMatchObject({ username: 'chief', displayName: '总管理员', role: 'admin', jurisdiction: null });
    } finally {
      await stop(server);
    }

    const db = await openSiteDb(site);
    try {
      expect(await db.query('select username from users')).toEqual([{ username: 'chief' }]);
      const audit = await db.query<{ action: string; actor_name: string }>("select action, actor_name from audit_log where action like 'user.%' order by id");
      expect(audit).toEqual([{ action: 'user.create', actor_name: 'cli' }, { action: 'user.password_reset', actor_name: 'cli' }]);
    } finally {
      await db.close();
    }
  });

  it('imports accounts from a sheet, writing their first passwords to a private file or standard output, and reports a bad file', SLOW, async () => {
    const site = await freshSite();
    const production = { NODE_ENV: 'production' };
    const dir = tempDir('import');
    const sheet = (name: string, body: string) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, body);
      return file;
    };
    // The instance has no geography: an empty area gives the whole instance, as `user add` without --area does.
    const bad = sheet('bad.csv', '用户名,姓名,角色,区域\nzhang,张三,网格员,\nli,,king,320613\nzhang,张三,网格员,\n');
    const refused = await runCli(site, ['user', 'import', bad, '--out', path.join(dir, 'never.csv')], production);
    expect(refused.code, refused.stdout).toBe(1);
    expect(refused.stderr).toContain('2 rows rejected; nothing was imported');
    expect(refused.stderr).toMatch(/#2 \(li\): 姓名 \(displayName\) is missing; 角色 \(role\) must be one of .*; 区域 \(area\) 320613 is not an admin unit in your jurisdiction/);
    expect(refused.stderr).toMatch(/#3 \(zhang\): 用户名 \(username\) zhang is also on row 1/);
    expect(fs.existsSync(path.join(dir, 'never.csv'))).toBe(false);

    const good = sheet('good.csv', 'username,displayName,role,area,phone\nchief,总管理员,admin,,\nzhang,张三,grid_worker,,13812345678\n');
    const checked = await runCli(site, ['user', 'import', good, '--dry-run'], production);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/would make 2 accounts; nothing was written:\n\s+chief\s+admin\s+the whole instance\n\s+zhang\s+grid_worker/);

    const out = path.join(dir, 'passwords.csv');
    const made = await runCli(site, ['user', 'import', good, '--out', out], production);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toContain(`Created 2 accounts; their first passwords are in ${out}`);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const lines = fs.readFileSync(out, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('用户名 (username),姓名 (displayName),角色 (role),初始密码 (initialPassword)');
    const passwords = new Map(lines.slice(1).map((line) => [line.split(',')[0], line.split(',')[3]]));
    expect([...passwords.keys()]).toEqual(['chief', 'zhang']);
    expect(made.stdout + made.stderr).not.toContain(passwords.get('chief'));
    const again = await runCli(site, ['user', 'import', good, '--out', out], production);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`--out: ${out} exists already`);

    const more = sheet('more.csv', 'username,displayName,role,area\nwang,王五,auditor,\n');
    const printed = await runCli(site, ['user', 'import', more], production);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stderr).toContain('Created 1 account; their first passwords are above');
    const [, row] = printed.stdout.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(row).toMatch(/^wang,王五,auditor,[2-9A-Za-z]{5}-[2-9A-Za-z]{5}-[2-9A-Za-z]{5}$/);
    passwords.set('wang', row.split(',')[3]);

    const server = await serve(site, ['--no-demo'], production);
    try {
      for (const [username, password] of passwords) expect((await login(server, username, password)).status, username).toBe(200);
    } finally {
      await stop(server);
    }
    const db = await openSiteDb(site);
    try {
      const audit = await db.query<{ actor_name: string; after: { username: string; source: string } }>("select actor_name, after from audit_log where action = 'user.create' order by id");
      expect(audit.map((a) => [a.actor_name, a.after.username, a.after.source])).toEqual([['cli', 'chief', 'import'], ['cli', 'zhang', 'import'], ['cli', 'wang', 'import']]);
      expect(JSON.stringify(await db.query('select * from audit_log'))).not.toContain(passwords.get('zhang'));
    } finally {
      await db.close();
    }
  });
});
