import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { createPGlite } from '../src/core/db.js';
import { BACKEND } from './db.js';

/**
 * Process-level test helpers: they spawn the real `shiyu` command (through tsx), each
 * installation on its own data dir and, on PostgreSQL, in a schema of its own.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'src/cli/main.ts');
export const SLOW = { timeout: 240_000 };

/** One installation under test: a data dir (key file, PGlite, photos) and, on PostgreSQL, a schema of its own. */
export interface Site {
  dataDir: string;
  databaseUrl?: string;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running `shiyu serve`. */
export interface Server {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves once the output satisfies the test; rejects when the process exits first or time runs out. */
  waitFor(test: (output: string) => boolean, timeoutMs?: number): Promise<void>;
  /** The exit code, once the process has ended. */
  exited: Promise<number | null>;
}

/** Running children, and whether a test (rather than a file's beforeAll) started each. */
const children = new Map<ChildProcess, { perTest: boolean }>();
let inTest = false;
// Files share modules within a worker (isolate: false), so each file cleans up only what it made.
let tempDirs: string[] = [];

async function killChildren(which: (perTest: boolean) => boolean): Promise<void> {
  await Promise.all([...children].map(([child, { perTest }]) => {
    if (!which(perTest) || child.exitCode !== null || child.signalCode !== null) return undefined;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    return gone;
  }));
}

/**
 * Registers the clean-up of a test file: call once at the top of each file that spawns
 * processes. A process a test started is killed after that test (a failed test must not
 * leave a server holding a data dir or a port); one a beforeAll started, after the file.
 */
export function useProcesses(): void {
  beforeEach(() => { inTest = true; });
  afterEach(async () => {
    inTest = false;
    await killChildren((perTest) => perTest);
  });
  afterAll(async () => {
    await killChildren(() => true);
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
    tempDirs = [];
    templates.clear();
    // Schemas are dropped after the whole run (test/global-setup.ts).
  });
}

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_BACKEND=postgres needs TEST_DATABASE_URL');
  return url;
}

/** A temporary directory, removed after the test file. */
export function tempDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shiyu-${label}-`));
  tempDirs.push(dir);
  return dir;
}

/** The URL of a schema of its own in the database at `base`; test/global-setup.ts drops it after the run. */
export async function freshSchema(base: string): Promise<string> {
  const schema = `srv_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  // node-postgres passes `options` from the URL to the server, so every pooled connection works in the schema.
  return `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/**
 * A brand-new installation: an empty data dir and, on PostgreSQL, an empty schema
 * (in the test database, or in the database at `databaseUrl`).
 */
export async function freshSite(options: { backend?: 'pglite' | 'postgres'; databaseUrl?: string } = {}): Promise<Site> {
  const dataDir = tempDir('site');
  if ((options.backend ?? BACKEND) === 'pglite') return { dataDir };
  return { dataDir, databaseUrl: await freshSchema(options.databaseUrl ?? testDatabaseUrl()) };
}

/** Runs `shiyu seed` with these arguments (the full demo city when none). */
export async function seed(site: Site, args: string[] = []): Promise<Site> {
  const seeded = await runCli(site, ['seed', ...args]);
  if (seeded.code !== 0) throw new Error(`shiyu seed failed (${seeded.code}): ${seeded.stdout}\n${seeded.stderr}`);
  return site;
}

/** Seeded data dirs of the current file, by seed arguments. */
const templates = new Map<string, Promise<Site>>();

/**
 * An installation with the Nantong demo city, seeded with `args`. Seeding takes 15–30 s on
 * PGlite, so it happens once per file and each caller gets a copy of the data dir, taken
 * while no process has it open. PostgreSQL seeds a schema per caller.
 */
export async function seededSite(args: string[] = []): Promise<Site> {
  if (BACKEND === 'postgres') return seed(await freshSite(), args);
  const key = args.join(' ');
  let template = templates.get(key);
  if (!template) {
    template = seed({ dataDir: tempDir('template') }, args);
    templates.set(key, template);
  }
  const dataDir = tempDir('copy');
  fs.cpSync((await template).dataDir, dataDir, { recursive: true });
  return { dataDir };
}

function childEnv(site: Site, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: os.tmpdir(),
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: site.dataDir,
    ...extra,
  };
  if (site.databaseUrl) env.DATABASE_URL = site.databaseUrl;
  return env;
}

function spawnCli(site: Site, args: string[], extra: Record<string, string>, input?: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: childEnv(site, extra),
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin!.end(input);
  children.set(child, { perTest: inTest });
  child.once('exit', () => children.delete(child));
  return child;
}

/** Runs one `shiyu` command to completion, with `input` as its standard input (none when absent). */
export function runCli(site: Site, args: string[], extra: Record<string, string> = {}, input?: string): Promise<CliResult> {
  const child = spawnCli(site, args, extra, input);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `shiyu serve` on a free port (PORT=0) and waits for the line naming its URL. */
export async function serve(site: Site, args: string[] = ['--no-demo'], extra: Record<string, string> = {}): Promise<Server> {
  const child = spawnCli(site, ['serve', ...args], extra);
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const onOutput = (chunk: Buffer) => { output += chunk.toString(); };
  child.stdout!.on('data', onOutput);
  child.stderr!.on('data', onOutput);

  const waitFor = (test: (text: string) => boolean, timeoutMs = 120_000) => new Promise<void>((resolve, reject) => {
    const check = () => {
      if (!test(output)) return false;
      done();
      resolve();
      return true;
    };
    const onExit = (code: number | null) => { done(); reject(new Error(`shiyu serve exited (${code}) before it was ready:\n${output}`)); };
    const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting on shiyu serve:\n${output}`)); }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', onExit);
    };
    if (check()) return;
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', onExit);
  });

  await waitFor((text) => /Shiyu is serving (http:\/\/\S+)/.test(text));
  const url = /Shiyu is serving (http:\/\/\S+)/.exec(output)![1];
  return { url, port: Number(new URL(url).port), child, output: () => output, waitFor, exited };
}

/** Sends SIGTERM and answers the exit code. */
export async function stop(server: Server): Promise<number | null> {
  server.child.kill('SIGTERM');
  return withDeadline(server.exited, 30_000, 'shiyu serve did not exit after SIGTERM');
}

export function withDeadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); }),
  ]);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function login(server: Server | string, username: string, password: string): Promise<Response> {
  return fetch(`${typeof server === 'string' ? server : server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

/** Signs in a demo account (password "demo") and answers its token and user id. */
export async function signIn(server: Server | string, username: string): Promise<{ token: string; userId: number }> {
  const res = await login(server, username, 'demo');
  if (res.status !== 200) throw new Error(`sign-in of ${username} answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { token: string; user: { id: number } };
  return { token: body.token, userId: body.user.id };
}

/** A direct connection to a site's database, beside (PostgreSQL) or instead of (PGlite) its server. */
export interface SiteDb {
  query<R extends object>(text: string, values?: unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/**
 * Opens a site's database directly: PostgreSQL in its schema, or the embedded data dir,
 * which only one process may hold: stop (or kill) its server first.
 */
export async function openSiteDb(site: Site): Promise<SiteDb> {
  if (site.databaseUrl) {
    const client = new pg.Client({ connectionString: site.databaseUrl });
    await client.connect();
    return {
      query: async <R extends object>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as R[],
      close: () => client.end(),
    };
  }
  const pglite = await createPGlite(path.join(site.dataDir, 'pglite'));
  return {
    query: async <R extends object>(text: string, values: unknown[] = []) => (await pglite.query<R>(text, values)).rows,
    close: () => pglite.close(),
  };
}

/** A port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL server of the test's own, to stop and start under a running Shiyu. */
export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  start(): void;
  /** `pg_ctl stop -m immediate` by default: every backend dies at once, as in a crash. */
  stop(mode?: 'immediate' | 'fast'): void;
  /**
   * SIGSTOP to the postmaster and every backend: the server is there, its port accepts
   * connections, and nothing answers, as when its VM is paused or its disk stalls.
   */
  freeze(): void;
  /** SIGCONT to all of them: the database answers again, each statement where it stopped. */
  thaw(): void;
  destroy(): void;
  /** What the server wrote to its log so far. */
  log(): string;
}

/** The newest Debian PostgreSQL server binaries (`apt-get install postgresql`), or null. */
export function postgresBinaries(): string | null {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs.readdirSync(base).filter((v) => /^\d+$/.test(v) && Number(v) >= 15).sort((a, b) => Number(b) - Number(a));
  const found = versions.map((v) => path.join(base, v, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'initdb')));
  return found ?? null;
}

/**
 * Creates and starts a throwaway PostgreSQL cluster in a temporary directory on a free port.
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const dir = tempDir('pg');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chownSync(dir, uidOf('postgres'), gidOf('postgres'));
  const data = path.join(dir, 'data');
  const port = await freePort();
  const run = (tool: string, args: string[]) => {
    const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args]] : [path.join(bin, tool), args];
    const result = spawnSync(command, argv, { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed (${result.status}): ${result.stdout}${result.stderr}${result.error ?? ''}`);
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const start = () => run('pg_ctl', [
    '-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`, 'start',
  ]);
  start();
  let running = true;
  let frozen = false;
  const postmaster = () => Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const backends = (pid: number) => spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout
    .split('\n').map(Number).filter((n) => n > 0);
  const thaw = () => {
    const pid = postmaster();
    for (const backend of backends(pid)) process.kill(backend, 'SIGCONT');
    process.kill(pid, 'SIGCONT');
    frozen = false;
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start: () => { start(); running = true; },
    stop: (mode = 'immediate') => { run('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']); running = false; },
    freeze: () => {
      // The postmaster first, so that it forks no backend that would escape.
      const pid = postmaster();
      process.kill(pid, 'SIGSTOP');
      for (const backend of backends(pid)) process.kill(backend, 'SIGSTOP');
      frozen = true;
    },
    thaw,
    destroy: () => {
      // A stopped postmaster would not act on pg_ctl's signal.
      if (frozen) thaw();
      if (running) run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    log: () => fs.readFileSync(path.join(dir, 'log'), 'utf8'),
  };
}

function uidOf(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}

function gidOf(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}

/** The bytes a directory tree takes on disk (`du`). */
export function diskUsage(dir: string): number {
  return Number(spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);
}

/** Mounts a tmpfs of `bytes` at a new temporary directory (root only); `unmount` lazily detaches it. */
export function tmpfs(label: string, bytes: number): { dir: string; unmount(): void } {
  const dir = tempDir(label);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) throw new Error(`mount tmpfs on ${dir} failed: ${mounted.stderr}`);
  return { dir, unmount: () => { spawnSync('umount', ['-l', dir]); } };
}

/** Writes a file until the disk refuses (ENOSPC): answers its path, to remove when space is wanted back. */
export function fillDisk(dir: string): string {
  const file = path.join(dir, 'filler');
  const fd = fs.openSync(file, 'w');
  try {
    for (const size of [1 << 20, 4096, 512]) {
      const chunk = Buffer.alloc(size, 1);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}
