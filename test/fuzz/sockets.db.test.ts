import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance } from '../app.js';
import { errorShapeFault, referenceHeaders, securityHeadersFault, type Answer, type SecurityHeaders } from './answers.js';

/**
 * The server on a real socket, where Node's HTTP parser answers before Fastify sees a request:
 * malformed HTTP, a method no HTTP defines, headers too large, and clients that send their request
 * too slowly to hold connections open (slowloris). Each is answered in the documented error shape
 * with the security headers, or cut off, while other clients go on being answered promptly.
 */

/** Small bounds, so that the slow clients are cut off within seconds (production: 15 s and 120 s). */
const HEADERS_MS = 1_000;
const REQUEST_MS = 2_000;

const t = await testInstance({ seed: false, config: { httpHeadersTimeoutMs: HEADERS_MS, httpRequestTimeoutMs: REQUEST_MS } });
let port: number;
let base: string;
let security: SecurityHeaders;

beforeAll(async () => {
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = Number(new URL(base).port);
  security = referenceHeaders(await t.app.inject({ url: '/healthz' }));
});
afterAll(async () => { await t.close(); });

/** Sends bytes on a fresh connection and answers everything that came back until the server closed it. */
function raw(bytes: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => { answer += d.toString('latin1'); });
    socket.on('error', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.setTimeout(3000, () => socket.destroy());
    socket.end(bytes);
  });
}

/** The first HTTP answer in what came back from a socket, or null when nothing did. */
function parseAnswer(text: string): Answer | null {
  const match = /^HTTP\/1\.1 (\d{3}) [^\r]*\r\n([\s\S]*?)\r\n\r\n([\s\S]*)$/.exec(text);
  if (!match) return null;
  const headers: Answer['headers'] = {};
  for (const line of match[2].split('\r\n')) {
    const at = line.indexOf(':');
    headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = Buffer.from(match[3], 'latin1').subarray(0, length).toString('utf8');
  return { statusCode: Number(match[1]), headers, body };
}

/** What is wrong with a raw answer to a request for `path`, or null. */
function fault(path: string, text: string): string | null {
  const res = parseAnswer(text);
  if (!res) return `no HTTP answer: ${JSON.stringify(text.slice(0, 100))}`;
  if (res.statusCode >= 500) return `answered ${res.statusCode}`;
  return securityHeadersFault(res, security) ?? errorShapeFault(path, res);
}

describe('malformed HTTP', () => {
  it('is answered in the error shape with the security headers, and the server keeps answering', async () => {
    const requests: [string, string][] = [
      ['/', 'GARBAGE\r\n\r\n'],
      ['/healthz', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`],
      ['/open311/v2/services.json', `GET /open311/v2/services.json HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n\r\n`],
      ['/api/v1/auth/login', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n'],
      ['/api/v1/auth/login', 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":'],
      ['/api/v1/../../../../etc/passwd', 'GET /api/v1/../../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['/assets/..%2f..%2f..%2f..%2fetc%2fpasswd', 'GET /assets/..%2f..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['/%2e%2e/%2e%2e/%2e%2e/etc/passwd', 'GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
      ['/healthz', 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
      ['/api/v1/cases/%zz', 'GET /api/v1/cases/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
      ['/open311/v2/requests/%zz.xml', 'GET /open311/v2/requests/%zz.xml HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ];
    const answers = await Promise.all(requests.map(([, bytes]) => raw(bytes)));
    answers.forEach((answer, i) => {
      const [path] = requests[i];
      expect(answer).not.toContain('root:x:0:0');
      // A request cut off mid-body is answered when the request timeout cuts it off, or not at all.
      if (answer === '') return;
      expect(fault(path, answer), `${requests[i][1].slice(0, 60)} → ${answer.slice(0, 300)}`).toBeNull();
    });
    // Headers past Node's limit are told so, in Open311's shape on its paths.
    expect(parseAnswer(answers[1])).toMatchObject({ statusCode: 431, body: JSON.stringify({ error: { code: 'headers_too_large', message: 'the request headers are too large' } }) });
    expect(parseAnswer(answers[2])).toMatchObject({ statusCode: 431, body: JSON.stringify([{ code: 431, description: 'the request headers are too large' }]) });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('answers a method no HTTP defines with 400, in Open311\'s shape on its paths', async () => {
    for (const path of ['/api/v1/cases', '/healthz', '/open311/v2/services.json', '/open311/v2/services.xml']) {
      const answer = await raw(`FROB ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expect(fault(path, answer), answer).toBeNull();
      expect(parseAnswer(answer)!.statusCode).toBe(400);
    }
    expect(parseAnswer(await raw('FROB /api/v1/cases HTTP/1.1\r\nHost: x\r\n\r\n'))!.body).toContain('invalid_method');
    expect(parseAnswer(await raw('FROB /open311/v2/services.xml HTTP/1.1\r\nHost: x\r\n\r\n'))!.headers['content-type']).toMatch(/^text\/xml/);
  });
});

/** A connection that sends `step(i)` every `everyMs` until the server closes it; answers what came back and when it closed. */
function trickle(step: (i: number) => string | null, everyMs: number): Promise<{ answer: string; closedAfterMs: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let i = 0;
    const timer = setInterval(() => {
      const bytes = step(i++);
      if (bytes !== null && socket.writable) socket.write(bytes);
    }, everyMs);
    socket.on('data', (d) => { answer += d.toString('latin1'); });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, closedAfterMs: Date.now() - started });
    });
    // Left alone, each would trickle far longer than this: past it the server did not cut it off.
    setTimeout(() => socket.destroy(), 10 * REQUEST_MS);
  });
}

describe('slow clients', () => {
  it('are cut off with a 408 by the header and request timeouts, while other clients are answered promptly', { timeout: 60_000 }, async () => {
    const slow = [
      // Connects and says nothing.
      ...Array.from({ length: 10 }, () => trickle(() => null, 200)),
      // Sends a header line every 200 ms, never ending them.
      ...Array.from({ length: 10 }, (_, n) => trickle((i) => (i === 0 ? `GET /api/v1/cases?n=${n} HTTP/1.1\r\nHost: x\r\n` : `X-Slow-${i}: a\r\n`), 200)),
      // Sends complete headers, then the body a byte every 200 ms.
      ...Array.from({ length: 10 }, () => trickle((i) => (i === 0
        ? 'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"username":"'
        : 'a'), 200)),
    ];
    // Meanwhile another client asks for health every 100 ms.
    const prompt: number[] = [];
    const failures: string[] = [];
    const started = Date.now();
    while (Date.now() - started < REQUEST_MS + 1_500) {
      const at = Date.now();
      const res = await fetch(`${base}/healthz`).catch((err: Error) => ({ status: err.message }));
      if (res.status !== 200) failures.push(String(res.status));
      prompt.push(Date.now() - at);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cut = await Promise.all(slow);
    expect(failures).toEqual([]);
    expect(prompt.length).toBeGreaterThan(10);
    expect(Math.max(...prompt)).toBeLessThan(1_000);
    // Node looks for late requests once a second (connectionsCheckingInterval); the rest is slack
    // for a busy machine. Left alone, each client would go on for 20 s.
    const bound = (ms: number) => ms + 1_000 + 2_000;
    cut.forEach(({ answer, closedAfterMs }, i) => {
      const limit = i < 20 ? HEADERS_MS : REQUEST_MS;
      expect(closedAfterMs, `slow client ${i}`).toBeGreaterThanOrEqual(limit - 50);
      expect(closedAfterMs, `slow client ${i}`).toBeLessThan(bound(limit));
      expect(fault('/api/v1/cases', answer), `slow client ${i}: ${answer.slice(0, 200)}`).toBeNull();
      expect(parseAnswer(answer)).toMatchObject({ statusCode: 408, body: JSON.stringify({ error: { code: 'request_timeout', message: 'the request did not arrive in time' } }) });
    });
    console.info(`slow clients: ${cut.length} cut off after ${Math.min(...cut.map((c) => c.closedAfterMs))}–${Math.max(...cut.map((c) => c.closedAfterMs))} ms; ${prompt.length} health checks meanwhile, slowest ${Math.max(...prompt)} ms`);
  });
});
