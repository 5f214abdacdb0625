import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type LogStream } from '../src/app.js';
import { auditKey } from '../src/core/audit-chain.js';
import { loadConfig, type Config } from '../src/core/config.js';
import { Cipher } from '../src/core/crypto.js';
import type { Env } from '../src/core/env.js';
import { seedDemo } from '../src/demo/demo.seed.js';
import { ensureCaseCatalogue } from '../src/cases/cases.setup.js';
import { testDatabase } from './db.js';

/** A small slice of the demo city: two districts, two townships each, two communities each, two grids each. */
export const SMALL_CITY = { cities: ['nantong' as const], seed: 7, gridsPerCommunity: 2, districtCodes: ['320613', '320612'], maxTownshipsPerDistrict: 2, maxCommunitiesPerTownship: 2 };

export interface TestInstance {
  env: Env;
  app: FastifyInstance;
  /** Signs in a demo account (password "demo") and answers its bearer token. */
  login(username: string): Promise<string>;
  /** app.inject with a bearer token. */
  as(token: string): (opts: { method?: string; url: string; payload?: unknown; headers?: Record<string, string> }) => Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/**
 * A fresh database, optionally seeded with the small city, and an app over it; `log` captures its
 * log lines, `config` overrides settings (the HTTP timeouts, say).
 */
export async function testInstance(options: { seed?: boolean; log?: { level: string; stream: LogStream }; config?: Partial<Config> } = {}): Promise<TestInstance> {
  const database = await testDatabase();
  const config = {
    ...loadConfig({ NODE_ENV: 'test', DATA_DIR: path.join(os.tmpdir(), `shiyu-test-${crypto.randomBytes(4).toString('hex')}`) }),
    ...(options.log ? { logLevel: options.log.level } : {}),
    ...options.config,
  };
  const key = crypto.randomBytes(32);
  const env: Env = { db: database.db, config, cipher: new Cipher(key), auditKey: auditKey(key) };
  await ensureCaseCatalogue(env);
  if (options.seed !== false) await seedDemo(env, SMALL_CITY);
  const app = await buildApp(env, { logStream: options.log?.stream });
  const tokens = new Map<string, string>();
  return {
    env,
    app,
    async login(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'demo' } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const token = res.json().token as string;
      tokens.set(username, token);
      return token;
    },
    as(token) {
      return (opts) => app.inject({
        method: (opts.method ?? 'GET') as 'GET',
        url: opts.url,
        payload: opts.payload as string | object | undefined,
        headers: { authorization: `Bearer ${token}`, ...opts.headers },
      });
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}
