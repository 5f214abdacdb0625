import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from './app.js';

let t: TestInstance;
beforeAll(async () => { t = await testInstance(); });
afterAll(async () => { await t.close(); });

describe('api basics', () => {
  it('answers /healthz with the database state', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('describes every API route in /api/openapi.json', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    const described = new Set(Object.entries(doc.paths as Record<string, object>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));
    // printRoutes draws a tree; a node's full path is its parents' segments joined.
    const registered: string[] = [];
    const parents: string[] = [];
    for (const line of t.app.printRoutes({ commonPrefix: false, includeHooks: false, method: undefined }).split('\n')) {
      const m = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
      if (!m) continue;
      const depth = m[1].length / 4;
      const full = (depth === 0 ? '' : parents[depth - 1]) + m[2];
      parents[depth] = full;
      if (m[3] && full.startsWith('/api/v1/')) {
        for (const method of m[3].split(', ')) if (method !== 'HEAD') registered.push(`${method} ${full.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
    expect(registered.length).toBeGreaterThan(10);
    for (const route of registered) expect(described, route).toContain(route);
  });

  it('answers errors in one shape, with security headers and a request id', async () => {
    const res = await t.app.inject({ url: '/api/v1/nowhere', headers: { 'x-request-id': 'trace-123' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /api/v1/nowhere' } });
    expect(res.headers['x-request-id']).toBe('trace-123');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    const own = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id with spaces' } });
    expect(own.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses an oversized JSON body with 413 naming the body', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'a', password: 'x'.repeat(2 * 1024 * 1024) } });
    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'payload_too_large', field: 'body' });
  });

  it('exports Prometheus metrics', async () => {
    await t.app.inject({ url: '/healthz' });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/shiyu_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(res.body).toContain('process_resident_memory_bytes');
  });
});

describe('errors name what is at fault', () => {
  it('a content type the route does not take', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=admin&password=demo' });
    expect(res.statusCode).toBe(415);
    expect(res.json().error).toMatchObject({ code: 'unsupported_media_type', field: 'content-type' });
  });

  it('a number in a path or query not written as a plain decimal, or a status that is not one', async () => {
    const admin = t.as(await t.login('admin'));
    const one = (await admin({ url: '/api/v1/auth/me' })).json().id as number;
    expect((await admin({ url: `/api/v1/users/${one}` })).statusCode).toBe(200);
    for (const spelt of [`0x${one.toString(16)}`, ` ${one}`, `+${one}`, `${one}.0`, `${one}e0`]) {
      const res = await admin({ url: `/api/v1/users/${encodeURIComponent(spelt)}` });
      expect(res.statusCode, spelt).toBe(400);
      expect(res.json().error.field, spelt).toBe('id');
    }
    for (const [query, field] of [['page=1.0', 'page'], ['pageSize=1e1', 'pageSize'], ['gridId=0x1', 'gridId'], ['status=receivd', 'status'], ['status=received&status=closd', 'status']]) {
      const res = await admin({ url: `/api/v1/cases?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.field, query).toContain(field);
    }
    expect((await admin({ url: '/api/v1/cases?status=received&status=closed&page=1' })).statusCode).toBe(200);
  });

  it('a filter pointing at an admin unit there is not', async () => {
    const res = await t.as(await t.login('admin'))({ url: '/api/v1/cases?adminUnitId=99999999' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.field).toBe('adminUnitId');
  });
});

describe('times a Date cannot hold', () => {
  // RFC 3339 allows them; a leap second is an invalid Date, and arithmetic on a period near years
  // 1 or 9999 (a second added, 90 days back, China's midnight) leaves what PostgreSQL holds.
  const unholdable = ['2026-12-31T23:59:60Z', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00+08:00', '0001-03-01T00:00:00Z', '9999-12-31T23:59:59Z', '1899-12-31T23:59:59Z', '3000-01-01T00:00:00Z'];

  it('are refused as bad input naming the parameter, wherever a period is asked for', async () => {
    const admin = t.as(await t.login('admin'));
    for (const value of unholdable) {
      const v = encodeURIComponent(value);
      for (const [url, field] of [
        [`/api/v1/cases?from=${v}`, 'from'],
        [`/api/v1/cases?closedTo=${v}`, 'closedTo'],
        [`/api/v1/cases/export.csv?to=${v}`, 'to'],
        [`/api/v1/audit?from=${v}`, 'from'],
        [`/api/v1/stats/cases?groupBy=department&from=${v}&to=2027-01-01T00:00:00Z`, 'from'],
        [`/open311/v2/requests.json?start_date=${v}`, 'start_date'],
        [`/open311/v2/requests.json?end_date=${v}`, 'end_date'],
        [`/open311/v2/servicerequestupdates.json?end_date=${v}`, 'end_date'],
        [`/open311/v2/servicerequestupdates.json?start_date=${v}`, 'start_date'],
        [`/api/v1/cases/points.geojson?status=all&from=${v}&to=2027-01-01T00:00:00Z`, 'from'],
      ]) {
        const res = await admin({ url });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        expect(res.body, url).toContain(field);
      }
    }
  });

  it('as days, before 1900 or from 3000 are refused too', async () => {
    const admin = t.as(await t.login('admin'));
    for (const [from, to] of [['0000-01-01', '0000-02-01'], ['0001-01-01', '0001-01-02'], ['1899-12-31', '1900-01-02']]) {
      const res = await admin({ url: `/api/v1/stats/cases/daily?from=${from}&to=${to}` });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe('from');
    }
    expect((await admin({ url: '/api/v1/stats/cases/daily?from=2999-12-01&to=3000-01-01' })).json().error.field).toBe('to');
  });

  it('leave the earliest, the latest and a real last second of a day alone, with the arithmetic done on them', async () => {
    const admin = t.as(await t.login('admin'));
    for (const value of ['1900-01-01T00:00:00Z', '2026-12-31T23:59:59.999+08:00', '2999-12-31T23:59:59Z']) {
      const v = encodeURIComponent(value);
      for (const url of [`/api/v1/cases?from=${v}`, `/open311/v2/requests.json?end_date=${v}`, `/open311/v2/servicerequestupdates.json?end_date=${v}`]) {
        const res = await admin({ url });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      }
    }
    expect((await admin({ url: '/api/v1/stats/cases/daily?from=1900-01-01&to=1900-01-02' })).statusCode).toBe(200);
  });
});
