import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Actor } from '../../src/core/access.js';
import { testInstance } from '../app.js';
import { operationsOf } from '../openapi.js';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.js';
import { buildWorld, type Caller, type Where, type World } from './world.js';

/**
 * The access matrix: every operation in /api/openapi.json × every role in src/core/access.ts
 * (and nobody) × a record inside the caller's jurisdiction and one outside it, each answered
 * as the permission table says: 401 without a token, 403 without the permission, 404 outside
 * the jurisdiction, 2xx otherwise.
 */

const t = await testInstance();
const operations = await operationsOf(t.app);
let world: World;

beforeAll(async () => { world = await buildWorld(t); });
afterAll(async () => { await t.close(); });

/** The status the permission table and the jurisdiction decide; 'ok' is any 2xx. */
function expected(access: RouteAccess, caller: Caller, where: Where): number | 'ok' {
  const granted = () => access.granted?.(caller.role) ?? 'ok';
  if (access.needs === 'public') return granted();
  if (caller.role === 'anonymous') return 401;
  if (access.needs !== 'signed-in' && !can({ role: caller.role } as Actor, access.needs)) return 403;
  if (where === 'out' && access.scoped) {
    const outside = typeof access.outside === 'function' ? access.outside(caller.role) : access.outside;
    return outside === 'same' ? granted() : outside ?? 404;
  }
  return granted();
}

const CODES: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found' };

it('has an entry for every documented operation, and none for a route that is gone', () => {
  const documented = operations.map((op) => op.key);
  expect(documented.filter((key) => !ROUTE_ACCESS[key]), 'routes missing from test/access/route-access.ts').toEqual([]);
  expect(Object.keys(ROUTE_ACCESS).filter((key) => !documented.includes(key)), 'entries for routes that no longer exist').toEqual([]);
});

it('calls public exactly the routes the document marks security: []', () => {
  for (const op of operations) expect(ROUTE_ACCESS[op.key]?.needs === 'public', op.key).toBe(op.public);
});

describe.each(operations.map((op) => [op.key, op.open311] as const))('%s', (key, open311) => {
  it('answers each role inside and outside its jurisdiction as the permission table says', async () => {
    const access = ROUTE_ACCESS[key];
    if (!access) return;
    const mismatches: string[] = [];
    for (const caller of world.callers) {
      for (const where of access.scoped ? (['in', 'out'] as const) : (['in'] as const)) {
        const request = await access.request(world, caller, where);
        const token = request.token ?? caller.token;
        const abort = new AbortController();
        const res = await t.app.inject({
          method: (request.method ?? 'GET') as 'GET', url: request.url, payload: request.payload, remoteAddress: world.nextAddress(),
          headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          // The live stream never ends: its headers are the answer.
          payloadAsStream: true, signal: abort.signal,
        });
        const chunks: Buffer[] = [];
        if (String(res.headers['content-type']).startsWith('text/event-stream')) abort.abort();
        else for await (const chunk of res.stream()) chunks.push(chunk as Buffer);
        const body = Buffer.concat(chunks).toString('utf8');
        const want = expected(access, caller, where);
        const got = res.statusCode;
        const fits = (want === 'ok' ? got >= 200 && got < 300 && (!access.answers || access.answers(body, where)) : got === want);
        const code = !open311 && CODES[got] ? (JSON.parse(body) as { error?: { code?: string } }).error?.code : undefined;
        if (!fits || (code !== undefined && code !== CODES[got])) mismatches.push(`${caller.role} ${where}: expected ${want}, got ${got} ${body.slice(0, 160)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
