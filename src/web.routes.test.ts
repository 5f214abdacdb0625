import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from './core/http/errors.js';
import { addSecurityHeaders, securityHeaders } from './core/http/security-headers.js';
import { WEB_CSP_DIRECTIVES, webCspDirectives, webRoutes } from './web.routes.js';

async function appServing(root: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  registerErrorHandling(app);
  addSecurityHeaders(app, securityHeaders({ contentSecurityPolicy: { directives: WEB_CSP_DIRECTIVES } }));
  app.get('/api/v1/ping', async () => ({ pong: true }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  await app.register(webRoutes, { root });
  await app.ready();
  return app;
}

describe('web routes', () => {
  let dir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiyu-web-'));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Shiyu</title><div id="root"></div>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    app = await appServing(dir);
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at / without caching it', async () => {
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="root">');
  });

  it('serves hashed assets with a long, immutable cache', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.body).toBe('console.log(1)');
  });

  it('serves other files, revalidated', async () => {
    const res = await app.inject({ method: 'GET', url: '/favicon.svg' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('sends a browser asking for /favicon.ico to the app icon', async () => {
    const res = await app.inject({ method: 'GET', url: '/favicon.ico' });
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('/favicon.svg');
  });

  it('answers the app for any other page path, so the browser router handles it', async () => {
    for (const url of ['/queue/dispatch', '/cases/123?tab=timeline', '/login']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<div id="root">');
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('keeps the JSON 404 for unknown API, Open311 and operations paths', async () => {
    for (const url of ['/api/v1/nothing', '/api', '/open311/v2/nothing.json', '/metrics/x', '/healthz/x']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('answers 404, not the app, for a missing file', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/gone-123.js' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('leaves API routes and other methods alone', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/ping' })).json()).toEqual({ pong: true });
    expect((await app.inject({ method: 'POST', url: '/queue/dispatch' })).statusCode).toBe(404);
  });

  it('allows what the app needs in its Content-Security-Policy', async () => {
    const csp = (await app.inject({ method: 'GET', url: '/' })).headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('still starts without a build, and says so at /', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'shiyu-noweb-'));
    const bare = await appServing(path.join(empty, 'dist'));
    try {
      const res = await bare.inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toMatch(/not built/);
      expect((await bare.inject({ method: 'GET', url: '/queue/dispatch' })).statusCode).toBe(404);
    } finally {
      await bare.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('the web app\'s Content-Security-Policy', () => {
  it('lets a configured basemap\'s tiles in, and nothing else', () => {
    expect(webCspDirectives(undefined)).toBe(WEB_CSP_DIRECTIVES);
    const withTiles = webCspDirectives('https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY');
    expect(withTiles.connectSrc).toEqual(["'self'", 'https://t0.tianditu.gov.cn']);
    expect(withTiles.imgSrc).toContain('https://t0.tianditu.gov.cn');
    expect(withTiles.scriptSrc).toEqual(["'self'"]);
  });
});
