import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND } from './db.js';
import { openSiteDb, seededSite, serve, signIn, SLOW, sleep, stop, useProcesses, withDeadline, type Server, type Site } from './process.js';

// The production profile: several `shiyu serve` processes on one PostgreSQL database behind
// a load balancer. Here two processes share one schema, and a round-robin proxy in the test
// spreads requests over them. PGlite is one process by design (its data dir is locked).

useProcesses();

/** Picks the upstream for this request unless the test pins one (to make two requests meet on different processes). */
const PIN = 'x-test-upstream';

interface Proxy {
  url: string;
  /** How many requests each upstream was given. */
  served: number[];
  close(): Promise<void>;
}

/**
 * A load balancer in a few lines: alternates upstreams request by request, streams request and
 * response bodies both ways as they come (so server-sent events pass through live), and tells
 * in `x-upstream` which process answered.
 */
async function roundRobinProxy(upstreams: Server[]): Promise<Proxy> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const served = upstreams.map(() => 0);
  let next = 0;
  const proxy = http.createServer((req, res) => {
    const pinned = req.headers[PIN];
    const index = typeof pinned === 'string' ? Number(pinned) : next++ % upstreams.length;
    served[index] += 1;
    const upstream = upstreams[index];
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: `127.0.0.1:${upstream.port}` };
    delete headers[PIN];
    const forward = http.request({ host: '127.0.0.1', port: upstream.port, method: req.method, path: req.url, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-upstream': String(index) });
      res.flushHeaders();
      answer.pipe(res);
    });
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    // A client going away ends the upstream request too, as a real balancer does (SSE listeners
    // stop); a finished exchange is left alone, its socket back in the agent's pool.
    res.on('close', () => { if (!res.writableFinished) forward.destroy(); });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () => new Promise<void>((resolve) => {
      proxy.closeAllConnections();
      proxy.close(() => resolve());
      agent.destroy();
    }),
  };
}

interface Answer<T> { status: number; upstream: number; body: T }

async function call<T = Record<string, unknown>>(url: string, token: string, method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch(`${url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, upstream: Number(res.headers.get('x-upstream')), body: (await res.json()) as T };
}

interface CaseChangeEvent { eventId: number; caseId: number; ticketNo: string; action: string; status: string }

/** A live-stream listener: every `case` event received, in order. */
function listen(url: string, token: string, upstream: number): Promise<{ events: CaseChangeEvent[]; upstream: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${url}/api/v1/cases/stream`, { headers: { authorization: `Bearer ${token}`, [PIN]: String(upstream) } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`the stream answered ${res.statusCode}`));
      const events: CaseChangeEvent[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = /^event: case\ndata: (.+)$/m.exec(block.replace(/^id: .*\n/m, ''))?.[1];
          if (data) events.push(JSON.parse(data) as CaseChangeEvent);
        }
      });
      // The connection line arrives once the server has subscribed the listener.
      res.once('data', () => resolve({ events, upstream: Number(res.headers['x-upstream']), close: () => req.destroy() }));
    });
    req.on('error', reject);
  });
}

describe.runIf(BACKEND === 'postgres')('several server processes on one PostgreSQL database', () => {
  let site: Site;
  let servers: Server[];
  let proxy: Proxy;
  let token: string;
  let cityId: number;

  beforeAll(async () => {
    site = await seededSite(['--grids-per-community', '1', '--history-cases', '0']);
    servers = await Promise.all([serve(site, []), serve(site, [])]);
    proxy = await roundRobinProxy(servers);
    const dispatcher = await signIn(proxy.url, 'dispatcher');
    token = dispatcher.token;
    cityId = (await call<{ jurisdiction: { id: number } }>(proxy.url, token, 'GET', '/api/v1/auth/me')).body.jurisdiction.id;
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    for (const server of servers ?? []) expect(await stop(server)).toBe(0);
  });

  const intake = (i: number, extra: Record<string, string> = {}) => call<{ id: number; ticketNo: string; status: string }>(
    proxy.url, token, 'POST', '/api/v1/cases',
    { channel: 'hotline', requestType: 'complaint', description: `两个进程 ${i}`, adminUnitId: cityId },
    extra,
  );

  it('takes every intake in once and only once, whichever process answers', SLOW, async () => {
    const tag = `mp-${Date.now()}`;
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => intake(i, { 'idempotency-key': `${tag}-${i}` })));
    expect(answers.filter((a) => a.status !== 201)).toEqual([]);
    expect(new Set(answers.map((a) => a.upstream))).toEqual(new Set([0, 1]));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(300);
    expect(new Set(answers.map((a) => a.body.ticketNo)).size).toBe(300);

    // The same request sent to both processes at the same moment (a client retrying on another
    // connection) makes one case, which both answer.
    const twice = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
      const key = { 'idempotency-key': `${tag}-twice-${i}` };
      return Promise.all([intake(1000 + i, { ...key, [PIN]: '0' }), intake(1000 + i, { ...key, [PIN]: '1' })]);
    }));
    for (const [a, b] of twice) {
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.id).toBe(b.body.id);
    }

    const db = await openSiteDb(site);
    try {
      const rows = await db.query<{ n: number; tickets: number }>(
        `select count(*)::int as n, count(distinct ticket_no)::int as tickets from cases where intake_key like $1`, [`%:${tag}-%`]);
      expect(rows[0]).toEqual({ n: 330, tickets: 330 });
    } finally {
      await db.close();
    }
  });

  it('lets exactly one of two actions on one version win when they reach different processes at once', SLOW, async () => {
    const races = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const created = await intake(2000 + i);
      expect(created.status).toBe(201);
      const { id } = created.body;
      const [register, reject] = await Promise.all([
        call(proxy.url, token, 'POST', `/api/v1/cases/${id}/actions`, { action: 'register', version: 1, categoryCode: 'E0503' }, { [PIN]: '0' }),
        call(proxy.url, token, 'POST', `/api/v1/cases/${id}/actions`, { action: 'reject', version: 1, note: '不属于受理范围' }, { [PIN]: '1' }),
      ]);
      const after = await call<{ status: string; version: number; timeline: Array<{ action: string }> }>(proxy.url, token, 'GET', `/api/v1/cases/${id}`);
      return { register: register.status, reject: reject.status, ...after.body, actions: after.body.timeline.map((e) => e.action) };
    }));
    for (const race of races) {
      expect([race.register, race.reject].sort()).toEqual([200, 409]);
      const winner = race.register === 200 ? 'register' : 'reject';
      expect(race.status).toBe(winner === 'register' ? 'registered' : 'rejected');
      expect(race.version).toBe(2);
      expect(race.actions.filter((a) => a === 'register' || a === 'reject')).toEqual([winner]);
    }
  });

  it('runs a scheduled job once per slot across both processes', SLOW, async () => {
    const db = await openSiteDb(site);
    try {
      const job = async (name: string) => (await db.query<{ runs: number; due: boolean; locked: boolean; last_error: string | null }>(
        `select runs::int, run_at <= now() as due, locked_by is not null as locked, last_error from jobs where name = $1`, [name]))[0];
      // A process registers the job due at once; the first poll of either runs it.
      await withDeadline((async () => {
        for (let j = await job('cases.deadlines'); j.due || j.locked; j = await job('cases.deadlines')) await sleep(50);
      })(), 15_000, 'no process ran the job when it was first due');
      expect(await job('cases.deadlines')).toMatchObject({ due: false, last_error: null });
      // Each slot made due by hand: one of the two pollers (every 2 s each) runs it, once. The last
      // one is five slots late: missed slots are skipped, not replayed.
      for (const late of ['0 seconds', '300 seconds']) {
        const before = (await job('cases.deadlines')).runs;
        await db.query(`update jobs set run_at = now() - $1::interval where name = 'cases.deadlines'`, [late]);
        await withDeadline((async () => {
          while ((await job('cases.deadlines')).runs === before || (await job('cases.deadlines')).locked) await sleep(50);
        })(), 15_000, 'no process ran the due deadline job');
        // Both processes poll again (every 2 s): neither runs the slot a second time.
        await sleep(2500);
        expect(await job('cases.deadlines')).toEqual({ runs: before + 1, due: false, locked: false, last_error: null });
      }
    } finally {
      await db.close();
    }
  });

  it('tells a listener on one process every change made through the other, each exactly once', SLOW, async () => {
    const listener = await listen(proxy.url, token, 0);
    expect(listener.upstream).toBe(0);
    // Intakes and actions in parallel on the other process: their timeline rows commit out of id order.
    const through1 = { [PIN]: '1' };
    const made = await Promise.all(Array.from({ length: 120 }, async (_, i) => {
      const created = await intake(3000 + i, through1);
      expect(created.upstream).toBe(1);
      if (i % 2 === 0) {
        const acted = await call(proxy.url, token, 'POST', `/api/v1/cases/${created.body.id}/actions`, { action: 'register', version: 1, categoryCode: 'E0503' }, through1);
        expect(acted.status).toBe(200);
      }
      return created.body.id;
    }));
    const db = await openSiteDb(site);
    let expected: number[];
    try {
      expected = (await db.query<{ id: number }>(`select id::int from case_events where case_id = any($1::bigint[]) order by id`, [made])).map((r) => r.id);
    } finally {
      await db.close();
    }
    expect(expected.length).toBe(180);
    const mine = () => listener.events.filter((e) => made.includes(e.caseId)).map((e) => e.eventId);
    await withDeadline((async () => { while (mine().length < expected.length) await sleep(100); })(), 20_000, 'the stream missed changes')
      .catch(() => undefined);
    // A moment more for any duplicate to show up.
    await sleep(2500);
    listener.close();
    const received = mine();
    expect([...received].sort((a, b) => a - b)).toEqual(expected);
  });
});
