import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Paths the web app never answers: they belong to the API and operations, and keep their JSON 404. */
const SERVER_PREFIXES = ['/api', '/open311', '/healthz', '/metrics'];

/** A last path segment that looks like a file (`/assets/x.js`, `/favicon.svg`): a miss is a 404, not the app. */
const FILE_LIKE = /\.[A-Za-z0-9]{1,12}$/;

/** Hashed build output never changes under its name; everything else is revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * The Content-Security-Policy directives the web app needs, for helmet: scripts and
 * data only from here; MapLibre starts its workers from blob: URLs and, like ECharts, sets
 * inline styles; map tiles and exported images may be data: or blob: URLs.
 */
export const WEB_CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  childSrc: ["'self'", 'blob:'],
  imgSrc: ["'self'", 'data:', 'blob:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  // Helmet's default would make a browser on plain http (a LAN address, no TLS proxy) fetch every asset over https.
  upgradeInsecureRequests: null,
};

/**
 * The directives with a configured basemap's origin allowed too: MapLibre fetches raster
 * tiles (connect-src) and draws them from blob: images.
 */
export function webCspDirectives(basemapUrl: string | undefined): typeof WEB_CSP_DIRECTIVES {
  if (!basemapUrl) return WEB_CSP_DIRECTIVES;
  const origin = new URL(basemapUrl.replace(/[{}]/g, '')).origin;
  return { ...WEB_CSP_DIRECTIVES, connectSrc: [...WEB_CSP_DIRECTIVES.connectSrc, origin], imgSrc: [...WEB_CSP_DIRECTIVES.imgSrc, origin] };
}

/** web/dist beside the package root, whether running from src/ (tsx) or from dist/src/ (built). */
export function defaultWebRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'web', 'dist');
}

function isServerPath(pathname: string): boolean {
  return SERVER_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix + '/') || pathname.startsWith(prefix + '.'));
}

/**
 * Serves the built web app (web/dist) on the API's port: files under /assets/ cached for a
 * year, index.html always revalidated, and any other GET that is not an API path and not a
 * file answered with index.html, so the app's own router handles it. Without a build the
 * server still runs and / says so.
 */
export async function webRoutes(app: FastifyInstance, options: { root: string }): Promise<void> {
  const root = path.resolve(options.root);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    app.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('Shiyu is running. The web app is not built here (npm run build builds it); the API is at /api/v1, described at /api/openapi.json.\n'));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    // One route per file found at start: a build is replaced by restarting, and anything else reaches the fallback below.
    wildcard: false,
    index: false,
    cacheControl: false,
    schemaHide: true,
    setHeaders: (reply, filePath) => {
      const relative = path.relative(root, filePath).split(path.sep).join('/');
      reply.header('cache-control', relative.startsWith('assets/') ? IMMUTABLE : REVALIDATE);
    },
  });
  const sendApp = (reply: FastifyReply) => reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').sendFile('index.html');
  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendApp(reply));
  // Browsers ask for /favicon.ico on pages that name no icon (a JSON answer, the API's document).
  if (fs.existsSync(path.join(root, 'favicon.svg')) && !fs.existsSync(path.join(root, 'favicon.ico'))) {
    app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) => reply.header('cache-control', REVALIDATE).redirect('/favicon.svg', 301));
  }
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split('?')[0];
    if (isServerPath(pathname) || FILE_LIKE.test(pathname)) return reply.callNotFound();
    return sendApp(reply);
  });
}
