import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSession } from '../../src/accounts/accounts.repo.js';
import { sha256 } from '../../src/core/crypto.js';
import { testInstance, type TestInstance } from '../app.js';
import { interiorPoint } from '../fixtures.js';

/**
 * Sessions and sign-in under attack: tokens that are expired, forged or of a deactivated user
 * are refused; password guessing is slowed; and what residents and staff send never reaches
 * the logs.
 */

/** Every line the server logs, at the most talkative level. */
const logLines: string[] = [];
let t: TestInstance;

beforeAll(async () => {
  t = await testInstance({ log: { level: 'trace', stream: { write: (line) => { logLines.push(line); } } } });
});
afterAll(async () => { await t.close(); });

const me = (token: string, headers: Record<string, string> = {}) =>
  t.app.inject({ url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}`, ...headers } });

function signIn(username: string, password: string, remoteAddress = '127.0.0.1') {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress });
}

/** Makes a staff account in the city and answers its id. */
async function newUser(username: string, password: string, extra: Record<string, unknown> = {}): Promise<number> {
  const city = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320600').executeTakeFirstOrThrow();
  const res = await t.as(await t.login('admin'))({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: '测试员', password, role: 'auditor', jurisdictionId: city.id, ...extra } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

function expectRefused(res: { statusCode: number; json(): unknown }) {
  expect(res.statusCode).toBe(401);
  expect(res.json()).toMatchObject({ error: { code: 'unauthorized' } });
}

describe('tokens', () => {
  it('refuses a session whose time is up', async () => {
    await newUser('expiring', 'expiring-pass');
    const token = (await signIn('expiring', 'expiring-pass')).json().token as string;
    const ends = new Date(Date.now() + 400);
    await t.env.db.updateTable('sessions').set({ expires_at: ends }).where('token_hash', '=', sha256(token)).execute();
    // Answered, and its user remembered (session-cache.ts), but not past the session's end.
    expect((await me(token)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, ends.getTime() - Date.now() + 50));
    expectRefused(await me(token));
    expectRefused(await t.app.inject({ url: `/api/v1/cases/stream?token=${token}` }));
  });

  it('refuses forged tokens, however close to a real one', async () => {
    const token = await t.login('dispatcher');
    const flip = (c: string) => (c === 'A' ? 'B' : 'A');
    const forgeries = [
      crypto.randomBytes(32).toString('base64url'),
      token.slice(0, -1) + flip(token.slice(-1)),
      flip(token[0]) + token.slice(1),
      token.slice(0, -1),
      `${token}x`,
      token.toUpperCase(),
      sha256(token),
    ];
    for (const forged of forgeries) {
      expectRefused(await me(forged));
      expectRefused(await t.app.inject({ url: `/api/v1/cases/stream?token=${forged}` }));
    }
    for (const header of [`bearer ${token}`, `Bearer ${token} ${token}`, `Basic ${Buffer.from('dispatcher:demo').toString('base64')}`, "Bearer ' OR '1'='1' --", 'Bearer', `Token ${token}`]) {
      expectRefused(await t.app.inject({ url: '/api/v1/auth/me', headers: { authorization: header } }));
    }
    // A forged token is refused even where no token is needed: it is never taken for nobody.
    expectRefused(await t.app.inject({ url: '/api/v1/public/challenge', headers: { authorization: `Bearer ${forgeries[0]}` } }));
    expect((await me(token)).statusCode).toBe(200);
  });

  it('refuses the token of a deactivated user, and their sign-in', async () => {
    const id = await newUser('leaving', 'leaving-pass');
    const token = (await signIn('leaving', 'leaving-pass')).json().token as string;
    expect((await me(token)).statusCode).toBe(200);
    const deleted = await t.as(await t.login('admin'))({ method: 'DELETE', url: `/api/v1/users/${id}` });
    expect(deleted.statusCode, deleted.body).toBe(204);
    expectRefused(await me(token));
    expectRefused(await signIn('leaving', 'leaving-pass'));
    // Even a session row left behind does not let a deactivated user back in.
    const stray = crypto.randomBytes(32).toString('base64url');
    await insertSession(t.env.db, { tokenHash: sha256(stray), userId: id, expiresAt: new Date(Date.now() + 3600_000), ip: null });
    expectRefused(await me(stray));
  });

  it('ends the other sessions of a user whose password changes', async () => {
    await newUser('rotating', 'rotating-pass');
    const first = (await signIn('rotating', 'rotating-pass')).json().token as string;
    const second = (await signIn('rotating', 'rotating-pass')).json().token as string;
    const changed = await t.as(second)({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'rotating-pass', newPassword: 'rotating-pass-2' } });
    expect(changed.statusCode, changed.body).toBe(204);
    expectRefused(await me(first));
    expect((await me(second)).statusCode).toBe(200);
    expectRefused(await signIn('rotating', 'rotating-pass'));
  });
});

describe('password guessing', () => {
  it('is refused for a username after ten failures, even with the right password and from elsewhere', async () => {
    await newUser('guessed', 'guessed-pass');
    for (let i = 0; i < 10; i++) expectRefused(await signIn('guessed', `wrong-${i}`, '10.1.0.1'));
    for (const address of ['10.1.0.1', '10.1.0.2']) {
      const res = await signIn('guessed', 'guessed-pass', address);
      expect(res.statusCode, res.body).toBe(429);
      expect(res.json().error).toMatchObject({ code: 'too_many_requests' });
      expect(res.json().error.details.retryAfter).toBeGreaterThan(0);
    }
    // Other accounts are not locked out by it.
    expect((await signIn('auditor', 'demo', '10.1.0.3')).statusCode).toBe(200);
  });

  it('is refused from an address after fifty failures, whatever the usernames (a call centre shares one)', async () => {
    for (let i = 0; i < 50; i++) expectRefused(await signIn(`nobody${i}`, 'wrong', '10.2.0.1'));
    const res = await signIn('leader', 'demo', '10.2.0.1');
    expect(res.statusCode, res.body).toBe(429);
    expect((await signIn('leader', 'demo', '10.2.0.2')).statusCode).toBe(200);
  });
});

describe('the logs', () => {
  it('never hold personal data or credentials, whatever the requests carried', async () => {
    const secrets = {
      staffPhone: '13912345678', staffName: '孙悟空', password: 'Pa55-word-for-logs', wrongPassword: 'Wrong-pass-9x7',
      reporterName: '猪八戒', reporterPhone: '13698765432', idNumber: '32060219900101123X',
      citizenName: '沙和尚', citizenPhone: '13511112222', email: 'tang.seng@example.com', openName: '唐三藏',
    };
    logLines.length = 0;
    const admin = t.as(await t.login('admin'));
    const grid = await t.env.db.selectFrom('grids').select('id').orderBy('id').executeTakeFirstOrThrow();
    const { lon, lat } = interiorPoint((await admin({ url: `/api/v1/grids/${grid.id}` })).json().geometry);

    await newUser('logged', secrets.password, { displayName: secrets.staffName, phone: secrets.staffPhone });
    expectRefused(await signIn('logged', secrets.wrongPassword));
    const token = (await signIn('logged', secrets.password)).json().token as string;
    await t.as(token)({ method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: secrets.password, newPassword: `${secrets.password}!` } });

    const made = await admin({
      method: 'POST', url: '/api/v1/cases',
      payload: { channel: 'hotline', requestType: 'complaint', description: `身份证 ${secrets.idNumber} 的住户反映噪音`, location: { lon, lat }, reporter: { name: secrets.reporterName, phone: secrets.reporterPhone } },
    });
    expect(made.statusCode, made.body).toBe(201);
    await admin({ url: `/api/v1/cases/${made.json().id}` });
    await admin({ url: `/api/v1/cases?q=${encodeURIComponent(secrets.reporterPhone)}` });
    await admin({ url: `/api/v1/cases?q=${encodeURIComponent(secrets.idNumber)}` });
    await admin({ url: `/api/v1/users?q=${encodeURIComponent(secrets.staffName)}` });
    await admin({ url: `/api/v1/users?q=${encodeURIComponent(secrets.staffPhone)}&page=abc` });

    const challenge = (await t.app.inject({ url: '/api/v1/public/challenge' })).json();
    const [, a, op, b] = /(\d+) (加|减) (\d+)/.exec(challenge.question)!;
    const reported = await t.app.inject({
      method: 'POST', url: '/api/v1/public/cases',
      payload: { description: '楼下烧烤油烟', location: { lon, lat }, reporter: { name: secrets.citizenName, phone: secrets.citizenPhone }, challenge: { id: challenge.id, answer: op === '加' ? Number(a) + Number(b) : Number(a) - Number(b) } },
    });
    expect(reported.statusCode, reported.body).toBe(201);
    const service = (await t.app.inject({ url: '/open311/v2/services.json' })).json()[0].service_code as string;
    const open311 = await t.app.inject({
      method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ api_key: 'demo-open311-key', service_code: service, lat: String(lat), long: String(lon), first_name: secrets.openName, email: secrets.email, phone: secrets.citizenPhone, description: '路面塌陷' }).toString(),
    });
    expect(open311.statusCode, open311.body).toBe(200);
    // Credentials in query strings: the live stream's token, Open311's key.
    const abort = new AbortController();
    await t.app.inject({ url: `/api/v1/cases/stream?token=${token}`, payloadAsStream: true, signal: abort.signal });
    abort.abort();
    await t.app.inject({ url: '/open311/v2/servicerequestupdates.json?api_key=demo-open311-key' });

    const log = logLines.join('\n');
    expect(logLines.length).toBeGreaterThan(20);
    expect(log).toContain('incoming request');
    const forbidden = [
      ...Object.values(secrets), token, reported.json().secret as string, 'demo-open311-key',
      ...[secrets.reporterPhone, secrets.staffName, secrets.idNumber, secrets.citizenName, secrets.openName].map(encodeURIComponent),
    ];
    expect(forbidden.filter((text) => log.includes(text))).toEqual([]);
  });
});
