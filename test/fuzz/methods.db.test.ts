import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance } from '../app.js';
import { fillPath, operationsOf, queryString, type Operation } from '../openapi.js';
import { errorShapeFault, referenceHeaders, securityHeadersFault, type Answer, type SecurityHeaders } from './answers.js';
import { poolKey } from './fuzz-request.js';
import { validValue } from './schema-values.js';
import { adminSessions, recordPools } from './world.js';

/**
 * Every documented path, tried with the methods its document does not promise: HEAD, OPTIONS, the
 * other usual methods, and methods no route here takes (WebDAV's, QUERY), from the administrator
 * and from nobody. Never a 5xx; errors in the documented shape (Open311's on its paths); the
 * security headers on every answer, as on those the router refuses before any route is chosen.
 * HEAD of a GET route answers as the GET does, without a body, on a real socket too, where the
 * connection must then carry the next request.
 */

const t = await testInstance();
const operations = await operationsOf(t.app);
const adminToken = await adminSessions(t.env.db);
const pools = await recordPools(t.env.db);
/** The security headers every answer must carry, as a successful one has them. */
let security: SecurityHeaders;
let port: number;

beforeAll(async () => {
  security = referenceHeaders(await t.app.inject({ url: '/healthz' }));
  port = Number(new URL(await t.app.listen({ port: 0, host: '127.0.0.1' })).port);
});
afterAll(async () => { await t.close(); });

const USUAL = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** Methods Node parses but no route here takes. */
const UNROUTED = ['PROPFIND', 'PURGE', 'TRACE', 'M-SEARCH', 'QUERY'] as const;

/** A documented path with its parameters filled (records that exist where there are some), and what it documents. */
interface Target { path: string; url: string; methods: Set<string>; get?: Operation }

function targetsOf(ops: Operation[]): Target[] {
  const byPath = new Map<string, Operation[]>();
  for (const op of ops) byPath.set(op.path, [...(byPath.get(op.path) ?? []), op]);
  return [...byPath].map(([path, list]) => {
    const get = list.find((op) => op.method === 'GET');
    const params = Object.fromEntries(list[0].parameters.filter((p) => p.in === 'path').map((p) => [p.name,
      pools[poolKey(path, p.name)]?.[0] ?? String(sample(validValue(p.schema, { format: ['json', 'xml'] }, p.name)))]));
    // The GET's required query parameters too, so that its HEAD can get past validation.
    const query = Object.fromEntries((get?.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => [p.name, String(sample(validValue(p.schema, {}, p.name)))]));
    return { path, url: fillPath(path, params) + queryString(query), methods: new Set(list.map((op) => op.method)), get };
  });
}

function sample<T>(arbitrary: fc.Arbitrary<T>): T {
  return fc.sample(arbitrary, { numRuns: 1, seed: 42 })[0];
}

let addresses = 0;
/** Each request from its own address, so the public doors' per-address limits do not answer 429. */
const nextAddress = () => `10.200.${(++addresses >> 8) & 255}.${addresses & 255}`;

async function send(method: string, url: string, caller: 'admin' | 'anonymous'): Promise<Answer> {
  const headers = caller === 'admin' ? { authorization: `Bearer ${await adminToken()}` } : {};
  // Streamed, so that the live stream, which never ends, can be let go once it has answered.
  const abort = new AbortController();
  const res = await t.app.inject({ method: method as 'GET', url, headers, remoteAddress: nextAddress(), payloadAsStream: true, signal: abort.signal });
  if (String(res.headers['content-type']).startsWith('text/event-stream')) {
    abort.abort();
    return { statusCode: res.statusCode, headers: res.headers, body: '' };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of res.stream()) chunks.push(chunk as Buffer);
  return { statusCode: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') };
}

/**
 * HEAD on a real socket, with GET /healthz pipelined behind it on the same connection: what came
 * back before the server closed it, or within three seconds. (Node sends a HEAD's headers only
 * once its response ends, which app.inject does not show.)
 */
function headOnSocket(url: string, token: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => socket.destroy(), 3_000);
    socket.on('data', (d) => { got += d.toString('latin1'); });
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve(got); });
    socket.write(`HEAD ${url} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  });
}

/** What is wrong with an answer to a method the path does not document, or null. */
function fault(method: string, url: string, res: Answer): string | null {
  if (res.statusCode >= 500) return `answered ${res.statusCode}: ${res.body.slice(0, 300)}`;
  return securityHeadersFault(res, security) ?? errorShapeFault(url, res, method);
}

const targets = targetsOf(operations);

it('walks every documented path', () => {
  expect(targets.length).toBeGreaterThan(30);
  expect(targets.some((target) => target.path.startsWith('/open311/'))).toBe(true);
});

describe.each(targets.map((target): [string, Target] => [target.path, target]))('%s', (_path, target) => {
  it('answers HEAD as it answers GET, without a body', async () => {
    for (const caller of ['admin', 'anonymous'] as const) {
      const head = await send('HEAD', target.url, caller);
      expect(fault('HEAD', target.url, head), `${caller} HEAD ${target.url}`).toBeNull();
      expect(head.body, `${caller} HEAD ${target.url}`).toBe('');
      if (!target.get) {
        expect(head.statusCode, `${caller} HEAD ${target.url}`).toBeGreaterThanOrEqual(400);
        continue;
      }
      const get = await send('GET', target.url, caller);
      expect({ status: head.statusCode, type: head.headers['content-type'] }, `${caller} HEAD ${target.url}`)
        .toEqual({ status: get.statusCode, type: get.headers['content-type'] });
    }
  });

  // The live stream, which never ends, is among them: it ends a HEAD at once.
  if (target.get) it('answers HEAD on a real socket with headers alone, and then the next request', async () => {
    const token = await adminToken();
    const expected = await send('HEAD', target.url, 'admin');
    const answers = (await headOnSocket(target.url, token)).split(/(?=HTTP\/1\.1 \d{3} )/);
    expect(answers.length, `HEAD ${target.url} then GET /healthz: ${answers.join('').slice(0, 300)}`).toBe(2);
    expect(answers[0]).toMatch(new RegExp(`^HTTP/1\\.1 ${expected.statusCode} [^\r]*\r\n[\\s\\S]*\r\n\r\n$`));
    expect(answers[1]).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('refuses OPTIONS, methods it does not document and methods no route takes, in its error shape', async () => {
    const others = [...USUAL.filter((m) => !target.methods.has(m)), 'OPTIONS', ...UNROUTED];
    for (const method of others) {
      for (const caller of ['admin', 'anonymous'] as const) {
        const res = await send(method, target.url, caller);
        expect(fault(method, target.url, res), `${caller} ${method} ${target.url}`).toBeNull();
        expect(res.statusCode, `${caller} ${method} ${target.url}`).toBeGreaterThanOrEqual(400);
      }
    }
  });
});

describe('security headers', () => {
  it('are on answers the router refuses, unknown routes, schema failures, refusals and successes alike', async () => {
    const answers: [string, 'admin' | 'anonymous', number][] = [
      // Refused by the router before any route, hook or handler is chosen.
      ['/api/v1/cases/%zz', 'anonymous', 400], ['/api/v1/cases/%E4%B8', 'admin', 400], ['/open311/v2/requests/%zz.json', 'anonymous', 400],
      ['/open311/v2/requests/%zz.xml', 'anonymous', 400],
      ['/api/v1/nope', 'admin', 404], ['/open311/v2/nope.xml', 'anonymous', 404], ['/no/such/file.js', 'anonymous', 404],
      ['/api/v1/cases?pageSize=abc', 'admin', 400], ['/open311/v2/requests.json?status=gone', 'anonymous', 400],
      ['/api/v1/cases', 'anonymous', 401], ['/api/v1/audit', 'anonymous', 401],
      ['/healthz', 'anonymous', 200], ['/api/v1/cases', 'admin', 200], ['/api/v1/cases/export.csv', 'admin', 200],
      ['/open311/v2/services.json', 'anonymous', 200], ['/open311/v2/services.xml', 'anonymous', 200],
    ];
    for (const [url, caller, status] of answers) {
      const res = await send('GET', url, caller);
      expect(res.statusCode, `${caller} GET ${url}: ${res.body.slice(0, 200)}`).toBe(status);
      expect(fault('GET', url, res), `${caller} GET ${url}`).toBeNull();
    }
  });
});
