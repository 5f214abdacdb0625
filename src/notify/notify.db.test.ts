import { createHmac } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { testInstance, type TestInstance } from '../../test/app.js';
import { polygonsOf, type Area } from '../geo/geometry.js';
import { createPublicCase } from '../cases/cases.public.js';
import { fewUnitPaths } from '../geo/geo.service.js';
import { sql } from 'kysely';
import { dueMessages, inbox } from './notify.repo.js';
import { configuredSenders, deliverDue } from './notify.service.js';
import { smtpSender, webhookSmsSender, webSender } from './notify.senders.js';

let t: TestInstance;
let smtp: SMTPServer;
let smtpUrl: string;
const received: { to: string[]; raw: string }[] = [];

beforeAll(async () => {
  t = await testInstance();
  smtp = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await t.close();
});

async function somewhere() {
  const grid = await t.env.db.selectFrom('grids').select('boundary').orderBy('id').executeTakeFirstOrThrow();
  const ring = polygonsOf(grid.boundary as Area)[0][0];
  return { lon: (ring[0][0] + ring[1][0] + ring[2][0]) / 3, lat: (ring[0][1] + ring[1][1] + ring[2][1]) / 3 };
}

/** Decodes the quoted-printable or base64 text body enough to search it. */
function text(raw: string): string {
  const body = raw.split(/\r?\n\r?\n/).slice(1).join('\n');
  if (/Content-Transfer-Encoding: base64/i.test(raw)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

describe('notifications', () => {
  it('emails the reporter at each change of state with the official answer, once each', async () => {
    const created = await createPublicCase(t.env, { channel: 'citizen_app' }, {
      requestType: 'report', description: '路灯不亮', location: await somewhere(), reporter: { email: 'resident@example.test', phone: '13900001111' },
    });
    const senders = { web: webSender, email: smtpSender(smtpUrl, 'Shiyu <noreply@example.test>') };
    expect(await deliverDue(t.env, senders)).toMatchObject({ sent: 1, failed: 0 });
    expect(await deliverDue(t.env, senders)).toMatchObject({ sent: 0 });
    expect(received.filter((m) => m.to.includes('resident@example.test'))).toHaveLength(1);
    expect(text(received.at(-1)!.raw)).toContain(created.ticketNo);

    const dispatcher = t.as(await t.login('dispatcher'));
    const category = await t.env.db.selectFrom('case_categories').select('code').where('name', 'like', '%占道经营%').executeTakeFirstOrThrow();
    await dispatcher({ method: 'POST', url: `/api/v1/cases/${created.id}/actions`, payload: { action: 'register', version: 1, categoryCode: category.code } });
    const dispatched = (await dispatcher({ method: 'POST', url: `/api/v1/cases/${created.id}/actions`, payload: { action: 'dispatch', version: 2 } })).json();
    const lead = dispatched.departments[0].id as number;
    await deliverDue(t.env, senders);
    expect(received.filter((m) => m.to.includes('resident@example.test'))).toHaveLength(3);

    // The department hears of its new case in the web outbox.
    const city = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320600').executeTakeFirstOrThrow();
    const admin = t.as(await t.login('admin'));
    await admin({ method: 'POST', url: '/api/v1/users', payload: { username: 'notified_handler', displayName: '处置', password: 'handler-pass', role: 'department_handler', jurisdictionId: city.id, departmentId: lead } });
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'notified_handler', password: 'handler-pass' } });
    const handler = t.as(login.json().token);
    const inbox = (await handler({ url: '/api/v1/notifications' })).json().items;
    // Said as data too, for the web app to word in the reader's language; the stored text is as sent.
    expect(inbox.find((n: { caseId: number; channel: string }) => n.caseId === created.id && n.channel === 'web')).toMatchObject({
      status: 'sent', kind: 'assigned', params: { ticketNo: created.ticketNo }, subject: `新派单 ${created.ticketNo}`,
    });
    // What the reporter was told is shown as it was sent.
    const told: { kind: unknown; params: unknown }[] = (await admin({ url: `/api/v1/notifications?audience=reporters&caseId=${created.id}` })).json().items;
    expect(told.length).toBeGreaterThan(0);
    expect(told.every((n) => n.kind === null && n.params === null)).toBe(true);

    await handler({ method: 'POST', url: `/api/v1/cases/${created.id}/actions`, payload: { action: 'accept', version: 3 } });
    await handler({ method: 'POST', url: `/api/v1/cases/${created.id}/actions`, payload: { action: 'report_back', version: 4, note: '已更换灯泡' } });
    await deliverDue(t.env, senders);
    const last = received.filter((m) => m.to.includes('resident@example.test')).at(-1)!;
    expect(text(last.raw)).toContain('已更换灯泡');

    // No SMS gateway is configured: text messages wait in the outbox, where staff can see them.
    const sms = await t.env.db.selectFrom('notifications').select(['status', 'address_enc']).where('case_id', '=', created.id).where('channel', '=', 'sms').execute();
    expect(sms.length).toBeGreaterThan(0);
    expect(sms.every((m) => m.status === 'pending' && !m.address_enc!.includes('13900001111'))).toBe(true);
  });

  it('retries a failed delivery later and never sends a message twice, even from two senders at once', async () => {
    await createPublicCase(t.env, { channel: 'citizen_app' }, { requestType: 'report', description: '井盖缺失', location: await somewhere(), reporter: { email: 'second@example.test' } });
    const broken = { email: smtpSender('smtp://127.0.0.1:1', 'x@example.test') };
    expect(await deliverDue(t.env, broken)).toMatchObject({ sent: 0, failed: 1 });
    const pending = await t.env.db.selectFrom('notifications').selectAll().where('status', '=', 'pending').where('channel', '=', 'email').executeTakeFirstOrThrow();
    expect(pending).toMatchObject({ attempts: 1 });
    expect(pending.last_error).toBeTruthy();
    // Not due yet: nothing happens before the back-off passes.
    const good = { email: smtpSender(smtpUrl, 'Shiyu <noreply@example.test>') };
    expect(await deliverDue(t.env, good)).toMatchObject({ sent: 0 });
    await t.env.db.updateTable('notifications').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('id', '=', pending.id).execute();
    const results = await Promise.all([deliverDue(t.env, good), deliverDue(t.env, good)]);
    expect(results[0].sent + results[1].sent).toBe(1);
    expect(received.filter((m) => m.to.includes('second@example.test'))).toHaveLength(1);
  });

  /** An SMS gateway on this machine that answers texts to `phone` as `answer` says and any others at once. */
  async function smsGateway(phone: string, answer: () => number | 'hang' | Promise<number>) {
    const texts: { headers: http.IncomingHttpHeaders; raw: string }[] = [];
    const server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', async () => {
        if (JSON.parse(raw).to !== phone) return void res.writeHead(200).end();
        texts.push({ headers: req.headers, raw });
        const status = await answer();
        // A refusal echoes the number, as gateways' error messages do.
        if (status !== 'hang') res.writeHead(status).end(status === 200 ? 'queued' : `busy, ${phone} not sent`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as { port: number }).port}/sms`,
      texts,
      close: async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }

  const smsSecret = 'gateway-secret-0123456789';
  const textsOf = (caseIds: number[]) => t.env.db.selectFrom('notifications').selectAll()
    .where('case_id', 'in', caseIds).where('channel', '=', 'sms').orderBy('id').execute();
  const dueNow = (ids: number[]) => t.env.db.updateTable('notifications').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('id', 'in', ids).execute();

  it('texts reporters through the SMS gateway: signed, tried again under one key when it fails or hangs, sent once', async () => {
    const phone = '13900003333';
    // Busy, then silence, then taken.
    const script: (number | 'hang')[] = [503, 'hang', 200];
    const gateway = await smsGateway(phone, () => script.shift() ?? 200);
    try {
      const created = await createPublicCase(t.env, { channel: 'citizen_app' }, { requestType: 'report', description: '路面塌陷', location: await somewhere(), reporter: { phone } });
      const message = async () => (await textsOf([created.id]))[0];
      const quick = { sms: webhookSmsSender(gateway.url, smsSecret, 300) };

      await deliverDue(t.env, quick);
      expect(await message()).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('503: busy, … not sent') });
      await dueNow([(await message()).id]);
      await deliverDue(t.env, quick);
      expect(await message()).toMatchObject({ status: 'pending', attempts: 2, last_error: expect.stringMatching(/abort|time/i) });
      // The configured gateway (SMS_WEBHOOK_URL, SMS_WEBHOOK_SECRET) is the one delivery uses.
      const configured = configuredSenders({ ...t.env, config: { ...t.env.config, smsWebhookUrl: gateway.url, smsWebhookSecret: smsSecret } });
      await dueNow([(await message()).id]);
      await deliverDue(t.env, configured);
      expect(await message()).toMatchObject({ status: 'sent', attempts: 3 });
      await dueNow([(await message()).id]);
      await deliverDue(t.env, configured);
      expect(gateway.texts).toHaveLength(3);

      const sent = await message();
      for (const { headers, raw } of gateway.texts) {
        expect(JSON.parse(raw)).toEqual({ key: sent.dedupe_key, to: phone, text: sent.body });
        expect(sent.body).toContain(created.ticketNo);
        expect(headers['idempotency-key']).toBe(sent.dedupe_key);
        const timestamp = String(headers['x-shiyu-timestamp']);
        expect(Math.abs(Date.now() / 1000 - Number(timestamp))).toBeLessThan(60);
        expect(headers['x-shiyu-signature']).toBe(`sha256=${createHmac('sha256', smsSecret).update(`${timestamp}.${raw}`).digest('hex')}`);
      }
      expect(JSON.stringify(sent)).not.toContain(phone);
    } finally {
      await gateway.close();
    }
  });

  it('hands back what a slow gateway left unstarted, before its claim could lapse, and sends each text once from two processes', async () => {
    const phone = '13900004444';
    const gateway = await smsGateway(phone, () => new Promise((resolve) => setTimeout(() => resolve(200), 150)));
    try {
      const created = [];
      for (let i = 0; i < 6; i++) {
        created.push(await createPublicCase(t.env, { channel: 'citizen_app' }, { requestType: 'report', description: `积水 ${i}`, location: await somewhere(), reporter: { phone } }));
      }
      const ids = created.map((c) => c.id);
      const slow = { sms: webhookSmsSender(gateway.url, smsSecret, 5_000) };
      const tight = { concurrency: 1, leaseMs: 3_000, startWithinMs: 400, sendDeadlineMs: 1_000 };

      const first = await deliverDue(t.env, slow, tight);
      expect(first.sent).toBeGreaterThan(0);
      expect(first.handedBack).toBeGreaterThan(0);
      const after = await textsOf(ids);
      expect(after.filter((m) => m.status === 'sent')).toHaveLength(gateway.texts.length);
      // Handed back: due at once, unclaimed, the unstarted attempt not counted.
      expect(after.filter((m) => m.status === 'pending').every((m) => m.attempts === 0 && m.locked_until === null && m.next_attempt_at.getTime() <= Date.now())).toBe(true);
      expect(after.filter((m) => m.status === 'pending')).toHaveLength(first.handedBack);

      for (let runs = 0; runs < 20 && (await textsOf(ids)).some((m) => m.status !== 'sent'); runs++) {
        await Promise.all([deliverDue(t.env, slow, tight), deliverDue(t.env, slow, tight)]);
      }
      const keys = gateway.texts.map((x) => JSON.parse(x.raw).key as string);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys.sort()).toEqual((await textsOf(ids)).map((m) => m.dedupe_key).sort());
      await expect(deliverDue(t.env, slow, { leaseMs: 1_000, startWithinMs: 800, sendDeadlineMs: 500 })).rejects.toThrow(/lease/);
    } finally {
      await gateway.close();
    }
  });

  it("splits the outbox into staff's messages and reporters', narrows it to a case, and keeps it to the caller's reach", async () => {
    const created = await createPublicCase(t.env, { channel: 'citizen_app' }, {
      requestType: 'report', description: '下水道堵塞', location: await somewhere(), reporter: { phone: '13900002222' },
    });
    const dispatcher = t.as(await t.login('dispatcher'));
    const category = await t.env.db.selectFrom('case_categories').select('code').where('name', 'like', '%占道经营%').executeTakeFirstOrThrow();
    await dispatcher({ method: 'POST', url: `/api/v1/cases/${created.id}/actions`, payload: { action: 'register', version: 1, categoryCode: category.code } });
    const dispatched = (await dispatcher({ method: 'POST', url: `/api/v1/cases/${created.id}/actions`, payload: { action: 'dispatch', version: 2 } })).json();
    const lead = dispatched.departments[0].id as number;
    type Message = { id: number; caseId: number; channel: string; userId: number | null; departmentId: number | null; body: string };
    const read = async (as: typeof dispatcher, query: string): Promise<Message[]> => {
      const res = await as({ url: `/api/v1/notifications?${query}` });
      expect(res.statusCode).toBe(200);
      return res.json().items;
    };

    // The reporter was told of each change by SMS; the dispatcher sees that, never the number.
    const told = await read(dispatcher, `audience=reporters&caseId=${created.id}`);
    expect(told.map((m) => m.channel)).toEqual(['sms', 'sms', 'sms']);
    expect(told.every((m) => m.userId === null && m.departmentId === null && !JSON.stringify(m).includes('13900002222'))).toBe(true);
    expect(await read(dispatcher, `audience=staff&caseId=${created.id}`)).toEqual([]);

    // The lead department's handler hears of the new case; with both audiences she sees the reporter's messages too.
    const city = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320600').executeTakeFirstOrThrow();
    const admin = t.as(await t.login('admin'));
    const makeHandler = async (username: string, departmentId: number, jurisdictionId: number) => {
      await admin({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: '处置', password: 'handler-pass', role: 'department_handler', jurisdictionId, departmentId } });
      const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'handler-pass' } });
      return t.as(login.json().token);
    };
    const handler = await makeHandler('audience_handler', lead, city.id);
    const staff = await read(handler, `audience=staff&caseId=${created.id}`);
    expect(staff).toHaveLength(1);
    expect(staff[0]).toMatchObject({ channel: 'web', departmentId: lead, caseId: created.id });
    expect((await read(handler, `audience=reporters&caseId=${created.id}`)).map((m) => m.channel)).toEqual(['sms', 'sms', 'sms']);
    const all = await read(handler, `caseId=${created.id}`);
    expect(all.map((m) => m.channel).sort()).toEqual(['sms', 'sms', 'sms', 'web']);
    expect(all.map((m) => m.id)).toEqual([...all.map((m) => m.id)].sort((a, b) => b - a));
    expect((await read(handler, 'audience=staff')).every((m) => m.departmentId === lead || m.userId !== null)).toBe(true);

    // Another department, in a district elsewhere, hears nothing of it.
    const other = await t.env.db.selectFrom('departments').select('id').where('id', '<>', lead).orderBy('id').executeTakeFirstOrThrow();
    const elsewhere = await t.env.db.selectFrom('admin_units').select(['id', 'path']).where('level', '=', 'district').orderBy('id', 'desc').executeTakeFirstOrThrow();
    const stranger = await makeHandler('stranger_handler', other.id, elsewhere.id);
    const caseRow = await t.env.db.selectFrom('cases').select('path').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(caseRow.path.startsWith(elsewhere.path)).toBe(false);
    expect(await read(stranger, `caseId=${created.id}`)).toEqual([]);

    // Paging by the last id seen.
    const first = await read(handler, `caseId=${created.id}&limit=2`);
    const next = await read(handler, `caseId=${created.id}&limit=2&beforeId=${first[1].id}`);
    expect([...first, ...next].map((m) => m.id)).toEqual(all.map((m) => m.id));
  });

  it("reads a small area's reporters unit by unit or its whole prefix in one walk, with the same pages either way", async () => {
    const admin = t.as(await t.login('admin'));
    const units = await t.env.db.selectFrom('admin_units').select(['id', 'path', 'level', 'parent_id']).execute();
    const township = units.find((u) => u.level === 'township' && units.filter((c) => c.parent_id === u.id).length >= 2)!;
    const [here, there] = units.filter((c) => c.parent_id === township.id);
    const district = units.find((u) => u.id === township.parent_id)!;
    const elsewhere = units.find((u) => u.level === 'community' && !u.path.startsWith(district.path))!;
    expect(await fewUnitPaths(t.env, township.path)).toHaveLength(1 + units.filter((c) => c.parent_id === township.id).length);
    const department = await t.env.db.selectFrom('departments').select('id').orderBy('id').executeTakeFirstOrThrow();
    const reader = async (username: string, jurisdictionId: number, role = 'dispatcher', departmentId?: number) => {
      const made = await admin({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: '读者', password: 'reader-pass', role, jurisdictionId, departmentId } });
      expect(made.statusCode, made.body).toBe(201);
      const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'reader-pass' } });
      return { as: t.as(login.json().token), id: made.json().id as number, path: units.find((u) => u.id === jurisdictionId)!.path, departmentId: departmentId ?? null };
    };
    const readers = [
      await reader('outbox_community', here.id),
      await reader('outbox_township', township.id),
      await reader('outbox_district', district.id, 'department_handler', department.id),
      await reader('outbox_city', units.find((u) => u.level === 'city')!.id),
    ];
    // Reporters' messages spread over two communities of the township and one far off, with a
    // user's and a department's among them, interleaved in id order as a busy outbox has them.
    const places = [here.path, there.path, elsewhere.path, township.path];
    await t.env.db.insertInto('notifications').values(Array.from({ length: 40 }, (_, i) => ({
      dedupe_key: `outbox-walk-${i}`, channel: i % 5 === 0 ? 'web' : 'sms', subject: '测试', body: `第 ${i} 条`, path: places[i % places.length],
      user_id: i % 10 === 0 ? readers[i % 4].id : null, department_id: i % 10 === 5 ? department.id : null,
    }))).execute();
    const everything = await t.env.db.selectFrom('notifications').select(['id', 'user_id', 'department_id', 'path']).orderBy('id', 'desc').execute();

    type Page = (beforeId?: number) => Promise<number[]>;
    const walk = async (page: Page) => {
      const seen: number[] = [];
      for (let ids = await page(); ; ids = await page(ids.at(-1))) {
        seen.push(...ids);
        if (ids.length < 7) return seen;
      }
    };
    for (const r of readers) {
      for (const audience of [undefined, 'reporters', 'staff'] as const) {
        const toReporters = (m: (typeof everything)[number]) => m.user_id === null && m.department_id === null && m.path!.startsWith(r.path);
        const toStaff = (m: (typeof everything)[number]) => m.user_id === r.id || (r.departmentId !== null && m.department_id === r.departmentId);
        const expected = everything.filter((m) => (audience !== 'staff' && toReporters(m)) || (audience !== 'reporters' && toStaff(m))).map((m) => m.id);
        const overHttp: Page = async (beforeId) => {
          const res = await r.as({ url: `/api/v1/notifications?limit=7${audience ? `&audience=${audience}` : ''}${beforeId ? `&beforeId=${beforeId}` : ''}` });
          expect(res.statusCode).toBe(200);
          return res.json().items.map((m: { id: number }) => m.id);
        };
        expect(await walk(overHttp), `${r.path} ${audience}`).toEqual(expected);
        // A district of hundreds of units is read in one walk of its prefix; this city's are small, so ask for it.
        const inOneWalk: Page = async (beforeId) => (await inbox(t.env.db, { userId: r.id, departmentId: r.departmentId, pathPrefix: r.path, limit: 7, beforeId, audience })).map((m) => m.id);
        expect(await walk(inOneWalk), `${r.path} ${audience} in one walk`).toEqual(expected);
      }
    }
    expect(everything.filter((m) => m.path?.startsWith(here.path) && m.user_id === null && m.department_id === null).length).toBeGreaterThan(7);
  });

  it("claims a channel's due messages without reading those of a channel that has no sender", async () => {
    // A city without an SMS gateway keeps every text pending for good.
    await sql`insert into notifications (dedupe_key, channel, subject, body)
      select 'unsendable:' || g, 'sms', 's', 'b' from generate_series(1, 3000) g`.execute(t.env.db);
    await sql`analyze notifications`.execute(t.env.db);
    const { rows } = await sql<{ 'QUERY PLAN': unknown }>`explain (analyze, format json) ${dueMessages(['web'], 100)}`.execute(t.env.db);
    const read: number[] = [];
    const walk = (node: Record<string, unknown>) => {
      read.push(Number(node['Rows Removed by Filter'] ?? 0) + Number(node['Rows Removed by Index Recheck'] ?? 0));
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk((rows[0]['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0].Plan);
    expect(Math.max(...read)).toBeLessThan(100);
    await sql`delete from notifications where dedupe_key like 'unsendable:%'`.execute(t.env.db);
  });

  it('names the field of a bad outbox query', async () => {
    const dispatcher = t.as(await t.login('dispatcher'));
    for (const [query, field] of [['audience=everyone', 'audience'], ['caseId=0', 'caseId'], ['caseId=abc', 'caseId'], ['limit=201', 'limit']]) {
      const res = await dispatcher({ url: `/api/v1/notifications?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error, query).toMatchObject({ code: 'invalid_input', field });
    }
  });

  it('refuses an anonymous caller', async () => {
    expect((await t.app.inject({ url: '/api/v1/notifications' })).statusCode).toBe(401);
  });
});
