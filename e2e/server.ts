import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The demo the browser tests run on: Nantong with few grids and little history, so it seeds in seconds. */
export const E2E_SEED_ARGS = ['--city', 'nantong', '--grids-per-community', '1', '--history-cases', '300'];

export interface ShiyuServer {
  url: string;
  dataDir: string;
  /** Everything the server printed (stdout and stderr), for diagnosing a failure. */
  output(): string;
  stop(): Promise<void>;
}

/** The environment of a server process of our own: embedded database, quiet logs, nothing inherited that points elsewhere. */
function serverEnv(dataDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'development', SHIYU_DEMO: '1' };
  for (const name of ['DATABASE_URL', 'TEST_DATABASE_URL', 'SHIYU_SECRET_KEY', 'SMTP_URL', 'TEST_BACKEND', 'VITEST', 'VITEST_POOL_ID', 'VITEST_WORKER_ID']) delete env[name];
  return env;
}

/** Runs the `shiyu` command from source (tsx), as `npm run shiyu --` does. */
function shiyu(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function collect(child: ChildProcess, sink: string[]): void {
  child.stdout?.on('data', (chunk: Buffer) => sink.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => sink.push(chunk.toString()));
}

async function run(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  const out: string[] = [];
  const child = shiyu(args, env);
  collect(child, out);
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`shiyu ${args.join(' ')} took over ${timeoutMs} ms:\n${out.join('')}`)); }, timeoutMs);
    child.once('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  if (code !== 0) throw new Error(`shiyu ${args.join(' ')} failed (${code}):\n${out.join('')}`);
}

/**
 * Seeds a small demo into a fresh data directory, then starts `shiyu serve` on a free port and
 * waits until /healthz answers. The server serves web/dist as it stands: build it first
 * (global-setup.ts does). stop() ends the process (SIGTERM, then SIGKILL) and removes the directory.
 */
export async function startShiyu(options: { seedArgs?: string[]; timeoutMs?: number } = {}): Promise<ShiyuServer> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiyu-e2e-'));
  const env = serverEnv(dataDir);
  try {
    await run(['seed', ...(options.seedArgs ?? E2E_SEED_ARGS)], env, timeoutMs);
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const out: string[] = [];
  const child = shiyu(['serve'], env);
  collect(child, out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Should the test run itself be killed, take the server with it.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', reap);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`shiyu serve did not start within ${timeoutMs} ms:\n${out.join('')}`)), timeoutMs);
      const check = () => {
        // src/server.ts prints "Shiyu is serving http://host:port (database: …)".
        const match = /Shiyu is serving (http:\/\/\S+)/.exec(out.join(''));
        if (match) { clearTimeout(timer); resolve(match[1]); }
      };
      child.stdout?.on('data', check);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`shiyu serve exited (${code}):\n${out.join('')}`)); });
    });
    for (let i = 0; ; i++) {
      const health = await fetch(`${url}/healthz`).then((r) => r.status, () => 0);
      if (health === 200) break;
      if (i > 100) throw new Error(`/healthz never answered 200 (last ${health})`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { url, dataDir, output: () => out.join(''), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Newest modification time under a path (files only). */
function newest(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of fs.readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

/** Builds web/dist with Vite when it is missing or older than its sources. Answers whether it built. */
export async function ensureWebBuilt(): Promise<boolean> {
  const web = path.join(ROOT, 'web');
  const built = path.join(web, 'dist', 'index.html');
  const sources = Math.max(...['src', 'public', 'index.html', 'vite.config.ts'].map((p) => newest(path.join(web, p))), newest(path.join(ROOT, 'package-lock.json')));
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= sources) return false;
  const { build } = await import('vite');
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  return true;
}
