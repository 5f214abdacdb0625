import crypto from 'node:crypto';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAudit, verifyAudit } from '../../src/core/audit-chain.js';
import { testInstance } from '../app.js';
import { interiorPoint } from '../fixtures.js';
import { operationsOf, type Operation } from '../openapi.js';
import { errorShapeFault, parse, referenceHeaders, securityHeadersFault, type Answer, type SecurityHeaders } from './answers.js';
import { fuzzRequests, type FuzzRequest, type RecordPools } from './fuzz-request.js';
import { adminSessions, recordPools } from './world.js';

/**
 * Bad input, property-based: every operation in /api/openapi.json gets garbage (see
 * fuzz-request.ts for the kinds), from the administrator and from nobody, and must answer it
 * with a 4xx in the documented error shape, naming the field at fault, never with a 5xx, and
 * with the security headers on every answer (answers.ts). FUZZ_RUNS (default 20) requests per
 * operation; FUZZ_SEED replays a run.
 */

const RUNS = Number(process.env.FUZZ_RUNS) || 20;
const SEED = Number(process.env.FUZZ_SEED) || crypto.randomInt(1, 2 ** 31);
console.info(`fuzz: ${RUNS} runs per operation, seed ${SEED} (replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS})`);

/** The server's error log lines, to explain a 5xx. */
const errorLog: string[] = [];
const t = await testInstance({ log: { level: 'error', stream: { write: (line) => { errorLog.push(line); } } } });
const operations = await operationsOf(t.app);
/** A fresh administrator's session per request: the fuzzer may sign out, or change the password. */
const adminToken = await adminSessions(t.env.db);
/** The security headers every answer must carry, as a successful one has them. */
let security: SecurityHeaders;

afterAll(async () => { await t.close(); });

let addresses = 0;
/** Each request from its own address, so the per-address limits of the public doors answer garbage, not 429. */
function nextAddress(): string {
  addresses += 1;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

async function send(request: FuzzRequest): Promise<Answer> {
  const headers = { ...request.headers };
  if (request.caller === 'admin' && !headers.authorization) headers.authorization = `Bearer ${await adminToken()}`;
  // Streamed, so that the live stream, which never ends, can be let go once it has answered.
  const abort = new AbortController();
  const res = await t.app.inject({
    method: request.method, url: request.url, headers, payload: request.payload, remoteAddress: nextAddress(), payloadAsStream: true, signal: abort.signal,
  });
  if (String(res.headers['content-type']).startsWith('text/event-stream')) {
    abort.abort();
    return { statusCode: res.statusCode, headers: res.headers, body: '' };
  }
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of res.stream()) chunks.push(chunk as Buffer);
  } catch {
    // A download that fails after its headers can only be cut short: as bad as a 5xx.
    return { statusCode: 500, headers: res.headers, body: `(cut short after ${res.statusCode} and ${Buffer.concat(chunks).length} bytes)` };
  }
  return { statusCode: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
}

/** What the server logged about the last failure: the error, without the noise. */
function lastError(): string {
  const line = errorLog.at(-1);
  if (!line) return '(nothing logged)';
  const entry = parse(line) as { err?: { type?: string; message?: string; stack?: string } } | undefined;
  return entry?.err ? `${entry.err.type}: ${entry.err.message}\n${entry.err.stack?.split('\n').slice(1, 6).join('\n')}` : line.slice(0, 500);
}

/** What is wrong with an answer to a fuzzed request, or null. */
function fault(request: FuzzRequest, res: Answer): string | null {
  const status = res.statusCode;
  if (status >= 500) return `answered ${status}: ${res.body.slice(0, 300)}\nserver log: ${lastError()}`;
  // The router refuses an address it cannot decode before anyone looks at the token.
  const unroutable = (status === 400 || status === 414) && /invalid_url|url_too_long|percent-encoded|longer than any/.test(res.body);
  if (request.forgedToken && status !== 401 && !unroutable) return `answered ${status} to a forged token`;
  if (request.schemaInvalid && status < 400) return `accepted a request its schema refuses with ${status}`;
  const unguarded = securityHeadersFault(res, security);
  if (unguarded) return unguarded;
  const misshapen = errorShapeFault(request.url, res, request.method);
  if (misshapen || status < 400 || request.url.startsWith('/open311/')) return misshapen;
  const error = (parse(res.body) as { error: { code: string; field?: string; message: string } }).error;
  if (status === 400 && error.code === 'invalid_input') {
    if (!error.field) return `a validation failure names no field: ${res.body.slice(0, 200)}`;
    if (request.faultyField !== undefined && error.field !== request.faultyField) return `named ${String(error.field)}, not ${request.faultyField}: ${String(error.message).slice(0, 200)}`;
  }
  return null;
}

/** A case taken in before the garbage, with the reporter's name and phone, to find intact after it. */
let known: { id: number; ticketNo: string; view: Record<string, unknown>; cases: number; users: number };
/** Records that exist, for the fuzzer's path parameters (see poolKey). */
const pools: RecordPools = {};

beforeAll(async () => {
  security = referenceHeaders(await t.app.inject({ url: '/healthz' }));
  const admin = t.as(await adminToken());
  const units = await t.env.db.selectFrom('admin_units').select(['id', 'code']).where('code', 'in', ['320613', '320612']).execute();
  const made = await admin({
    method: 'POST', url: '/api/v1/cases',
    payload: { channel: 'hotline', requestType: 'complaint', description: "楼道堆物 <b>堵塞</b> ' OR 1=1 --", address: '崇川区某小区3栋', adminUnitId: units[0].id, reporter: { name: '王小明', phone: '13800138000' } },
  });
  expect(made.statusCode, made.body).toBe(201);
  const view = (await admin({ url: `/api/v1/cases/${made.json().id}` })).json();
  known = { id: view.id, ticketNo: view.ticketNo, view, ...(await counts()) };
  await seedRecords(units.map((u) => u.id));
  Object.assign(pools, await recordPools(t.env.db));
});

/** A few records of each kind the routes name, in both districts, so that garbage meets real rows. */
async function seedRecords(unitIds: number[]): Promise<void> {
  const admin = t.as(await adminToken());
  for (const adminUnitId of unitIds) {
    for (const channel of ['hotline', 'department'] as const) {
      const res = await admin({ method: 'POST', url: '/api/v1/cases', payload: { channel, requestType: 'report', description: `积水 ${channel}`, adminUnitId } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const template = await admin({ method: 'POST', url: '/api/v1/response-templates', payload: { title: '模板', body: '您反映的{category}问题已处理', actions: ['close'], adminUnitId } });
    expect(template.statusCode, template.body).toBe(201);
  }
  const boundary = 'seed';
  const photo = await t.app.inject({
    method: 'POST', url: `/api/v1/cases/${known.id}/photos`,
    headers: { authorization: `Bearer ${await adminToken()}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c33' } }).png().toBuffer(),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
  });
  expect(photo.statusCode, photo.body).toBe(201);
}

async function counts() {
  const row = await t.env.db.selectNoFrom((eb) => [
    eb.selectFrom('cases').select(eb.fn.countAll<string>().as('n')).as('cases'),
    eb.selectFrom('users').select(eb.fn.countAll<string>().as('n')).as('users'),
  ]).executeTakeFirstOrThrow();
  return { cases: Number(row.cases), users: Number(row.users) };
}

it('finds every documented operation to walk', () => {
  const keys = operations.map((op) => op.key);
  expect(keys).toContain('GET /healthz');
  expect(keys.some((k) => k.startsWith('POST /open311/v2/'))).toBe(true);
  expect(keys.filter((k) => k.includes('/api/v1/')).length).toBeGreaterThan(40);
});

describe.each(operations.map((op): [string, Operation] => [op.key, op]))('%s', (_key, op) => {
  it('answers garbage with a 4xx in the error shape, naming the field at fault, never a 5xx', { timeout: Math.max(60_000, RUNS * 1500) }, async () => {
    await fc.assert(fc.asyncProperty(fuzzRequests(op, pools), async (request) => {
      const res = await send(request);
      const problem = fault(request, res);
      if (problem) throw new Error(`${request.caller} ${request.method} ${request.url.slice(0, 200)} [${request.label}]: ${problem}`);
    }), { numRuns: RUNS, seed: SEED + operations.indexOf(op), endOnFailure: true });
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('stored text', () => {
  it('comes back as JSON data, never as a page, however much markup it holds', async () => {
    const markup = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    // The fuzzer may have deactivated any other account: the administrator it cannot.
    const admin = t.as(await adminToken());
    const district = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320612').executeTakeFirstOrThrow();
    const made = await admin({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'report', description: markup, address: markup, adminUnitId: district.id } });
    expect(made.statusCode, made.body).toBe(201);
    const { id, ticketNo } = made.json();
    for (const res of [await admin({ url: `/api/v1/cases/${id}` }), await admin({ url: `/api/v1/cases?q=${ticketNo}` })]) {
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      // Kept exactly as typed, as data: the browser renders it through React, which escapes it.
      expect(res.body).toContain(JSON.stringify(markup).slice(1, -1));
    }
    expect((await admin({ url: `/api/v1/cases/${id}` })).json()).toMatchObject({ id, ticketNo, description: markup, address: markup });

    // Open311 clients show what residents wrote on their own pages: JSON as data, XML escaped.
    const service = (await t.app.inject({ url: '/open311/v2/services.json' })).json()[0].service_code as string;
    const grid = (await admin({ url: `/api/v1/grids/${await someGridId()}` })).json();
    const { lon, lat } = interiorPoint(grid.geometry);
    const form = new URLSearchParams({ api_key: 'demo-open311-key', service_code: service, lat: String(lat), long: String(lon), description: markup, address_string: markup });
    const posted = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
    expect(posted.statusCode, posted.body).toBe(200);
    const request = posted.json()[0].service_request_id as string;
    const json = await t.app.inject({ url: `/open311/v2/requests/${request}.json` });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json()[0]).toMatchObject({ description: markup });
    const xml = await t.app.inject({ url: `/open311/v2/requests/${request}.xml` });
    expect(xml.headers['content-type']).toMatch(/^text\/xml/);
    expect(xml.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(xml.body).not.toContain('<script>');
  });
});

async function someGridId(): Promise<number> {
  return (await t.env.db.selectFrom('grids').select('id').orderBy('id').executeTakeFirstOrThrow()).id;
}

describe('data already accepted', () => {
  it('is neither lost nor altered by the garbage', async () => {
    const after = await counts();
    expect(after.cases).toBeGreaterThanOrEqual(known.cases);
    expect(after.users).toBeGreaterThanOrEqual(known.users);
    const view = (await t.as(await adminToken())({ url: `/api/v1/cases/${known.id}` })).json();
    for (const field of ['ticketNo', 'description', 'address', 'channel', 'requestType', 'reporter', 'createdAt'] as const) {
      expect(view[field], field).toEqual(known.view[field]);
    }
    // The timeline only grows: what happened to the case stays written.
    const before = known.view.timeline as unknown[];
    expect((view.timeline as unknown[]).slice(0, before.length)).toEqual(before);
    await sealAudit(t.env.db, t.env.auditKey);
    const chain = await verifyAudit(t.env.db, t.env.auditKey);
    expect(chain.problems).toEqual([]);
    expect(chain.ok).toBe(true);
  });
});
