import net from 'node:net';
import Fastify from 'fastify';
import { expect, it } from 'vitest';
import { refuseWhileClosing, registerErrorHandling } from './errors.js';
import { addSecurityHeaders } from './security-headers.js';

it('turns a request that arrives while the server drains away with 503, the usual shape and headers', async () => {
  const app = Fastify({ return503OnClosing: false });
  addSecurityHeaders(app, { 'x-content-type-options': 'nosniff' });
  registerErrorHandling(app);
  refuseWhileClosing(app);
  let entered!: () => void;
  const slowEntered = new Promise<void>((resolve) => { entered = resolve; });
  let release!: () => void;
  const slowReleased = new Promise<void>((resolve) => { release = resolve; });
  app.get('/slow', async () => {
    entered();
    await slowReleased;
    return { slow: 'done' };
  });
  app.get('/quick', async () => ({ quick: 'done' }));
  const address = await app.listen({ port: 0, host: '127.0.0.1' });

  // A second request on a connection still busy with the first, sent once the server is closing:
  // the connection is not idle, so closing the server does not reap it.
  const socket = net.connect(Number(new URL(address).port), '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => { received += chunk.toString(); });
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
  await slowEntered;
  const closed = app.close();
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.write('GET /quick HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((resolve) => setTimeout(resolve, 100));
  release();
  await ended;
  await closed;

  const [first, second] = received.split(/(?=HTTP\/1\.1 )/);
  expect(first).toMatch(/^HTTP\/1\.1 200/);
  expect(first).toContain('{"slow":"done"}');
  expect(second).toMatch(/^HTTP\/1\.1 503/);
  expect(second.toLowerCase()).toContain('retry-after: 5');
  expect(second.toLowerCase()).toContain('connection: close');
  expect(second.toLowerCase()).toContain('x-content-type-options: nosniff');
  expect(JSON.parse(second.slice(second.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'unavailable', message: 'the server is restarting; try again shortly' } });
});
