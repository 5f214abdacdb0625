import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPGlite } from '../src/core/db.js';
import { BACKEND } from './db.js';
import { freshSite, login, runCli, seededSite, serve, SLOW, stop, tempDir, useProcesses, withDeadline, type Site } from './process.js';

// Process-level tests: they spawn the real `shiyu` command (through tsx) on the backend
// of this vitest project, each on its own data dir and, on PostgreSQL, its own schema.

useProcesses();

/** What a raw HTTP exchange produced, and whether the body arrived whole. */
interface RawResponse {
  status: number;
  body: string;
  complete: boolean;
}

/**
 * A keep-alive request whose body is sent in two halves over a plain socket, so the test
 * decides when the server has it all: it stays in flight for as long as the test likes.
 * The response resolves when the server closes the connection.
 */
function halfSentRequest(port: number, pathname: string, body: string) {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  const socket = net.connect(port, '127.0.0.1');
  socket.write(
    `POST ${pathname} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${bytes.length}\r\n\r\n`,
  );
  socket.write(bytes.subarray(0, half));
  const chunks: Buffer[] = [];
  const response = new Promise<RawResponse>((resolve) => {
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.once('error', () => {}); // a reset shows as an incomplete response
    socket.once('close', () => {
      const raw = Buffer.concat(chunks).toString();
      const split = raw.indexOf('\r\n\r\n');
      const head = split < 0 ? raw : raw.slice(0, split);
      const rest = split < 0 ? '' : raw.slice(split + 4);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const length = /\r\ncontent-length: (\d+)/i.exec(head)?.[1];
      resolve({ status, body: rest, complete: length !== undefined && Buffer.byteLength(rest) === Number(length) });
    });
  });
  return { sendRest: () => socket.write(bytes.subarray(half)), response };
}

/** 'connected', or the error code of a refused connection. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve('connected'); });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

const countOf = (text: string, needle: string) => text.split(needle).length - 1;

/** '<status> paths' or '<status> error' (what the JSON body holds), or 'failed: …'; never rejects. */
async function outcome(request: Promise<Response>): Promise<string> {
  try {
    const response = await request;
    const body = (await response.json()) as object;
    return `${response.status} ${'paths' in body ? 'paths' : 'error' in body ? 'error' : JSON.stringify(body)}`;
  } catch (err) {
    return `failed: ${err instanceof Error ? `${err.message} (${String(err.cause)})` : String(err)}`;
  }
}

/** Tries to connect until refused or `ms` pass, and answers the last outcome. */
async function refusedWithin(port: number, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const result = await tryConnect(port);
    // A probe taken into the backlog just as the listener closes is reset, not refused: probe again.
    if ((result !== 'connected' && result !== 'ECONNRESET') || Date.now() > deadline) return result;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Edits one sealed audit row behind the application's back, as someone with database access could. */
async function tamperWithAuditRow(site: Site): Promise<number> {
  const pick = 'select id from audit_log where chain_no is not null order by chain_no offset 10 limit 1';
  const edit = `update audit_log set actor_name = 'someone else' where id = $1`;
  if (site.databaseUrl) {
    const client = new pg.Client({ connectionString: site.databaseUrl });
    await client.connect();
    try {
      // Replica mode skips ordinary triggers, the append-only one included.
      await client.query('set session_replication_role = replica');
      const { rows } = await client.query<{ id: string }>(pick);
      const id = Number(rows[0].id);
      await client.query(edit, [id]);
      return id;
    } finally {
      await client.end();
    }
  }
  const pglite = await createPGlite(path.join(site.dataDir, 'pglite'));
  try {
    await pglite.exec('set session_replication_role = replica');
    const { rows } = await pglite.query<{ id: number }>(pick);
    const id = Number(rows[0].id);
    await pglite.query(edit, [id]);
    return id;
  } finally {
    await pglite.close();
  }
}

describe(`shiyu serve (${BACKEND})`, () => {
  it('starts on a fresh database and answers /healthz and the OpenAPI document', SLOW, async () => {
    const site = await freshSite();
    const server = await serve(site, ['--no-demo']);
    expect(server.output()).not.toContain('Demo accounts');

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });

    const openapi = await fetch(`${server.url}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    const document = (await openapi.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/healthz', '/api/v1/auth/login', '/api/v1/users']));

    expect(await stop(server)).toBe(0);
  });

  it('on SIGTERM answers every request it accepted, refuses new connections and exits 0', SLOW, async () => {
    const site = await freshSite();
    const server = await serve(site, ['--no-demo']);
    const incoming = countOf(server.output(), 'incoming request');

    // Held open: the server has the headers and half the body when the signal comes.
    const held = [1, 2, 3].map((i) => halfSentRequest(server.port, '/api/v1/auth/login', JSON.stringify({ username: `nobody${i}`, password: 'not the password' })));
    // Busy: scrypt makes each failed sign-in take tens of milliseconds. Six, so that with
    // the three above the login throttle (ten failures) stays out of the way.
    const signIns = [1, 2, 3, 4, 5, 6].map((i) => outcome(login(server, `stranger${i}`, 'not the password')));
    const documents = [1, 2, 3, 4].map(() => outcome(fetch(`${server.url}/api/openapi.json`)));
    await server.waitFor((text) => countOf(text, 'incoming request') >= incoming + 13, 30_000);

    server.child.kill('SIGTERM');
    await server.waitFor((text) => text.includes('SIGTERM: draining requests'), 10_000);
    // The listener closes a moment after that line (Fastify runs its preClose hooks first).
    expect(await refusedWithin(server.port, 5_000)).toBe('ECONNREFUSED');
    // The half-sent requests keep it alive; give a careless shutdown time to show itself.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.child.exitCode).toBeNull();

    const finished = Date.now();
    for (const request of held) request.sendRest();
    const answers = await withDeadline(Promise.all(held.map((r) => r.response)), 10_000, 'a held request went unanswered, or its connection stayed open');
    for (const response of answers) {
      expect(response).toMatchObject({ status: 401, complete: true });
      expect(JSON.parse(response.body)).toHaveProperty('error');
    }
    expect(await Promise.all(signIns)).toEqual(signIns.map(() => '401 error'));
    expect(await Promise.all(documents)).toEqual(documents.map(() => '200 paths'));
    expect(await withDeadline(server.exited, 10_000, 'shiyu serve did not exit after draining')).toBe(0);
    expect(Date.now() - finished).toBeLessThan(5_000);

    // The database was closed cleanly: the same installation opens again.
    const again = await serve(site, ['--no-demo']);
    expect((await fetch(`${again.url}/healthz`)).status).toBe(200);
    expect(await stop(again)).toBe(0);
  });

  it('loses no acknowledged write when killed with SIGKILL, and the audit chain stays intact', SLOW, async () => {
    const site = await seededSite();
    const first = await serve(site, []);
    const signIn = await login(first, 'admin', 'demo');
    expect(signIn.status).toBe(200);
    const { token, user } = (await signIn.json()) as { token: string; user: { jurisdiction: { id: number } | null } };

    const acknowledged: Array<{ id: number; username: string }> = [];
    const refused: string[] = [];
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const username = `crash_${w}_${i}`;
        try {
          const res = await fetch(`${first.url}/api/v1/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ username, displayName: `写入${w}-${i}`, password: 'crash-test-1', role: 'grid_worker', jurisdictionId: user.jurisdiction?.id ?? null }),
          });
          const body = (await res.json()) as { id: number };
          if (res.status === 201) acknowledged.push({ id: body.id, username });
          else refused.push(`${username}: ${res.status} ${JSON.stringify(body)}`);
        } catch {
          return; // the server is gone: this write was never acknowledged
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await withDeadline(new Promise<void>((resolve) => {
      const poll = setInterval(() => { if (acknowledged.length >= 40) { clearInterval(poll); resolve(); } }, 10);
    }), 60_000, 'the writes were too slow');
    first.child.kill('SIGKILL');
    killed = true;
    expect(await first.exited).toBeNull();
    await Promise.all(writers);
    expect(refused).toEqual([]);

    const second = await serve(site, []);
    const again = (await (await login(second, 'admin', 'demo')).json()) as { token: string };
    const missing: string[] = [];
    for (const { id, username } of acknowledged) {
      const res = await fetch(`${second.url}/api/v1/users/${id}`, { headers: { authorization: `Bearer ${again.token}` } });
      const found = res.status === 200 ? ((await res.json()) as { username: string }).username : null;
      if (found !== username) missing.push(`${username} (id ${id}): ${res.status}`);
    }
    expect(missing).toEqual([]);
    expect(await stop(second)).toBe(0);

    const verified = await runCli(site, ['audit', 'verify']);
    expect(verified.stdout).toContain('The audit chain is intact.');
    expect(verified.code).toBe(0);
  });

  it('creates no demo accounts with NODE_ENV=production', SLOW, async () => {
    const site = await freshSite();
    const server = await serve(site, [], { NODE_ENV: 'production' });
    expect(server.output()).not.toContain('Demo accounts');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await login(server, 'admin', 'demo')).status).toBe(401);
    expect(await stop(server)).toBe(0);
  });
});

describe(`shiyu commands (${BACKEND})`, () => {
  it('migrates a fresh installation, and migrating again changes nothing', SLOW, async () => {
    const site = await freshSite();
    const first = await runCli(site, ['migrate']);
    expect(first).toMatchObject({ code: 0, stdout: 'The database schema is up to date.\n' });
    const key = fs.readFileSync(path.join(site.dataDir, 'secret.key'), 'utf8');

    const second = await runCli(site, ['migrate']);
    expect(second).toMatchObject({ code: 0, stdout: 'The database schema is up to date.\n' });
    expect(fs.readFileSync(path.join(site.dataDir, 'secret.key'), 'utf8')).toBe(key);
  });

  it('exports admin units that import into a fresh installation and export again unchanged', SLOW, async () => {
    const source = await seededSite();
    const dir = tempDir('csv');
    const exported = await runCli(source, ['export', 'admin-units', '--out', path.join(dir, 'units.csv')]);
    expect(exported.code).toBe(0);
    const units = Number(/Exported (\d+) admin-units/.exec(exported.stderr)?.[1]);
    expect(units).toBeGreaterThan(1000);
    const csv = fs.readFileSync(path.join(dir, 'units.csv'), 'utf8');
    expect(csv.trimEnd().split('\n')).toHaveLength(units + 1);

    const target = await freshSite();
    const imported = await runCli(target, ['import', 'admin-units', path.join(dir, 'units.csv')]);
    expect(imported.stderr).toBe('');
    expect(imported).toMatchObject({ code: 0, stdout: `Imported ${units} rows: ${units} created, 0 updated, 0 removed.\n` });

    const reexported = await runCli(target, ['export', 'admin-units', '--out', path.join(dir, 'again.csv')]);
    expect(reexported.code).toBe(0);
    expect(reexported.stderr).toContain(`Exported ${units} admin-units`);
    expect(fs.readFileSync(path.join(dir, 'again.csv'), 'utf8')).toBe(csv);
  });

  it('verifies a seeded audit chain, and names the row edited behind its back', SLOW, async () => {
    const site = await seededSite();
    const intact = await runCli(site, ['audit', 'verify']);
    expect(intact.stdout).toContain('The audit chain is intact.');
    expect(intact.code).toBe(0);
    expect(Number(/Checked (\d+) sealed rows/.exec(intact.stdout)?.[1])).toBeGreaterThan(10);

    const id = await tamperWithAuditRow(site);
    const broken = await runCli(site, ['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain(`EDITED: row id ${id} `);
    expect(broken.stdout).toContain('The audit chain is broken: 1 problem(s).');
  });
});
