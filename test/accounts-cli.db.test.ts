import { describe, expect, it } from 'vitest';
import { BACKEND } from './db.js';
import { freshSite, login, openSiteDb, runCli, serve, SLOW, stop, useProcesses } from './process.js';

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
});
