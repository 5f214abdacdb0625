import http from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import type { Actor } from '../core/access.js';
import { polygonsOf, type Area } from '../geo/geometry.js';
import { CaseFeed, type CaseChange } from './cases.live.js';

let t: TestInstance;
let base: string;

beforeAll(async () => {
  t = await testInstance();
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address() as { port: number };
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => { await t.close(); });

interface Stream { events: { event: string; data: Record<string, unknown> }[]; status: number; ended: Promise<void>; close(): void; waitFor(pred: (d: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>> }

/** Opens the event stream over real HTTP and collects what arrives. */
function open(path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers }, (res) => {
      const stream: Stream = {
        events: [],
        status: res.statusCode ?? 0,
        ended: new Promise((done) => { res.once('end', done); res.once('close', done); }),
        close: () => req.destroy(),
        waitFor: (pred, ms = 5000) => new Promise((ok, fail) => {
          const started = Date.now();
          const check = () => {
            const hit = stream.events.find((e) => pred(e.data));
            if (hit) return ok(hit.data);
            if (Date.now() - started > ms) return fail(new Error(`no matching event in ${ms} ms: ${JSON.stringify(stream.events)}`));
            setTimeout(check, 50);
          };
          check();
        }),
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) stream.events.push({ event, data: JSON.parse(data) });
        }
      });
      resolve(stream);
    });
    req.on('error', reject);
  });
}

async function pointIn(districtCode: string) {
  const path = (await t.env.db.selectFrom('admin_units').select('path').where('code', '=', districtCode).executeTakeFirstOrThrow()).path;
  const grid = await t.env.db.selectFrom('grids').select('boundary').where('path', 'like', `${path}%`).executeTakeFirstOrThrow();
  const ring = polygonsOf(grid.boundary as Area)[0][0];
  const [a, b, c] = [ring[0], ring[1], ring[2]];
  return { lon: (a[0] + b[0] + c[0]) / 3, lat: (a[1] + b[1] + c[1]) / 3 };
}

function endsSoon(stream: Stream, ms = 5000): Promise<void> {
  return Promise.race([stream.ended, new Promise<void>((_, fail) => setTimeout(() => fail(new Error(`the stream stayed open ${ms} ms`)), ms))]);
}

describe('live case stream', () => {
  it('refuses an anonymous caller and a bad token', async () => {
    const anonymous = await open('/api/v1/cases/stream');
    expect(anonymous.status).toBe(401);
    anonymous.close();
    const forged = await open(`/api/v1/cases/stream?token=${'A'.repeat(43)}`);
    expect(forged.status).toBe(401);
    forged.close();
  });

  it("tells each listener the changes inside their jurisdiction, and only those", async () => {
    const cityWide = await open('/api/v1/cases/stream', { authorization: `Bearer ${await t.login('dispatcher')}` });
    const district1 = await open(`/api/v1/cases/stream?token=${await t.login('dispatcher_d1')}`);
    expect([cityWide.status, district1.status]).toEqual([200, 200]);
    const dispatcher = t.as(await t.login('dispatcher'));
    const body = (location: object) => ({ channel: 'hotline', requestType: 'complaint', description: '噪音', location });
    const inD2 = (await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: body(await pointIn('320612')) })).json();
    const inD1 = (await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: body(await pointIn('320613')) })).json();
    await cityWide.waitFor((d) => d.caseId === inD2.id && d.action === 'receive');
    const seen = await district1.waitFor((d) => d.caseId === inD1.id);
    expect(seen).toMatchObject({ ticketNo: inD1.ticketNo, action: 'receive', status: 'received' });
    expect(seen).not.toHaveProperty('path');
    await dispatcher({ method: 'POST', url: `/api/v1/cases/${inD1.id}/actions`, payload: { action: 'escalate', version: 1 } });
    await district1.waitFor((d) => d.caseId === inD1.id && d.action === 'escalate');
    expect(district1.events.some((e) => e.data.caseId === inD2.id)).toBe(false);
    cityWide.close();
    district1.close();
  });

  it('ends an open stream once its session ends or its account is deactivated, telling it nothing more', async () => {
    const admin = t.as(await t.login('admin'));
    const city = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320600').executeTakeFirstOrThrow();
    const made = await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'stream_listener', displayName: '值班', password: 'listener-pass', role: 'dispatcher', jurisdictionId: city.id } });
    expect(made.statusCode, made.body).toBe(201);
    const signIn = async () => (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'stream_listener', password: 'listener-pass' } })).json().token as string;
    const dispatcher = t.as(await t.login('dispatcher'));
    const body = async () => ({ channel: 'hotline', requestType: 'complaint', description: '噪音', location: await pointIn('320613') });

    const [signedOut, deactivated] = [await signIn(), await signIn()];
    const first = await open('/api/v1/cases/stream', { authorization: `Bearer ${signedOut}` });
    const second = await open(`/api/v1/cases/stream?token=${deactivated}`);
    const before = (await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: await body() })).json();
    await first.waitFor((d) => d.caseId === before.id);
    await second.waitFor((d) => d.caseId === before.id);

    expect((await t.as(signedOut)({ method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBeLessThan(300);
    const afterSignOut = (await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: await body() })).json();
    await endsSoon(first);
    await second.waitFor((d) => d.caseId === afterSignOut.id);
    expect(first.events.some((e) => e.data.caseId === afterSignOut.id)).toBe(false);

    const user = (await admin({ url: '/api/v1/users?q=stream_listener' })).json().items[0];
    expect((await admin({ method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { active: false } })).statusCode).toBe(200);
    const afterDeactivation = (await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: await body() })).json();
    await endsSoon(second);
    expect(second.events.some((e) => e.data.caseId === afterDeactivation.id)).toBe(false);
  });

  // Before the test below, which writes timeline rows with ids of its own choosing past intake's stock of ids.
  it('tells a listener only what happens after they start listening, though others listened before', async () => {
    const dispatcher = t.as(await t.login('dispatcher'));
    const take = async (description: string) => {
      const res = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description, location: await pointIn('320613') } });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as number;
    };
    const feed = new CaseFeed(t.env.db, 3_600_000);
    const earlier: CaseChange[] = [];
    const stopEarlier = await feed.subscribe({ jurisdictionPath: '' } as Actor, (change) => earlier.push(change));
    await feed.poll();
    stopEarlier();
    const unheard = await take('无人收听时受理');
    const told: CaseChange[] = [];
    const stop = await feed.subscribe({ jurisdictionPath: '' } as Actor, (change) => told.push(change));
    const heard = await take('开始收听后受理');
    await feed.poll();
    expect(told.map((e) => e.caseId)).toEqual([heard]);
    expect(told.some((e) => e.caseId === unheard)).toBe(false);
    stop();
    feed.close();
  });

  it('tells a change whose id was drawn before one already told, once, when it commits', async () => {
    const dispatcher = t.as(await t.login('dispatcher'));
    const c = (await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description: '晚提交', location: await pointIn('320613') } })).json();
    // Polled by hand: the interval never comes round within the test.
    const feed = new CaseFeed(t.env.db, 3_600_000);
    const told: CaseChange[] = [];
    const stop = await feed.subscribe({ jurisdictionPath: '' } as Actor, (change) => told.push(change));
    const { rows } = await sql<{ id: number }>`select max(id)::int as id from case_events`.execute(t.env.db);
    const next = rows[0].id + 1;
    // Two writers drew next and next + 1; the second commits first.
    const commit = (id: number) => sql`insert into case_events (id, case_id, actor_name, action, from_status, to_status)
      overriding system value values (${id}, ${c.id}, 'test', 'supervise', 'received', 'received')`.execute(t.env.db);
    await commit(next + 1);
    await feed.poll();
    expect(told.map((e) => e.eventId)).toEqual([next + 1]);
    await commit(next);
    await feed.poll();
    await feed.poll();
    expect(told.map((e) => e.eventId)).toEqual([next + 1, next]);
    stop();
    feed.close();
  });

  it('does not hold up a shutdown', async () => {
    const stream = await open('/api/v1/cases/stream', { authorization: `Bearer ${await t.login('leader')}` });
    expect(stream.status).toBe(200);
    const started = Date.now();
    await t.app.close();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
