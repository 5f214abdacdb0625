import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { sealAudit } from './core/audit-chain.js';
import type { Config } from './core/config.js';
import { openInstance, type Instance } from './core/instance.js';
import { seedDemo, type DemoAccount, DEFAULT_HISTORY_CASES, DEMO_PASSWORD, DEMO_OPEN311_KEY } from './demo/demo.seed.js';
import { unitIdsUnder, locatePoint } from './geo/geo.service.js';
import { ensureCaseCatalogue, indexReporterPhones } from './cases/cases.setup.js';
import { deadlinesJob } from './cases/cases.deadlines.js';
import { dailyCountsJob } from './cases/cases.stats.daily.js';
import { startScheduler } from './core/scheduler.js';
import { configuredSenders, deliveryJob } from './notify/notify.service.js';

export interface RunningServer {
  app: FastifyInstance;
  instance: Instance;
  url: string;
  stop(): Promise<void>;
}

/**
 * The only place that listens. Seeds the demo city on a fresh database when asked,
 * seals the audit chain every second, and on SIGTERM stops taking requests, lets
 * those in flight finish, seals what they wrote and closes the database.
 */
export async function startServer(config: Config, options: { demo: boolean; log?: (line: string) => void }): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const instance = await openInstance(config, { bounded: true });
  const { env } = instance;
  if (options.demo && config.demo && (await unitIdsUnder(env, '')).length === 0) {
    log('First start: building the demo city (Nantong)…');
    const started = Date.now();
    const seeded = await seedDemo(env, { cities: ['nantong'], seed: 1, gridsPerCommunity: 5, historyCases: DEFAULT_HISTORY_CASES });
    log(`Demo city ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${seeded.units} admin units, ${seeded.grids} grids.`);
    printAccounts(seeded.accounts, log);
  }
  await ensureCaseCatalogue(env);
  await locatePoint(env, 0, 0); // loads the admin tree and the grid index before the first request
  const app = await buildApp(env);
  // Cases from before the phone index get theirs meanwhile; until then a search by number misses them.
  indexReporterPhones(env).catch((err: unknown) => app.log.warn({ err }, 'indexing reporters\' numbers stopped; the next start goes on'));
  const sealer = setInterval(() => {
    sealAudit(env.db, env.auditKey).catch((err) => app.log.warn({ err }, 'audit sealing failed; will retry'));
  }, 1000);
  sealer.unref();
  // Requests still running when the server stops are answered with `Connection: close`.
  // server.close() reaps idle keep-alive connections only once, as it starts; one that turns
  // idle afterwards would hold the shutdown for keepAliveTimeout (72 s; fastify/fastify#7044).
  const running = new Set<ServerResponse>();
  app.server.on('request', (_request, response: ServerResponse) => {
    running.add(response);
    response.once('close', () => running.delete(response));
  });
  await app.listen({ host: config.host, port: config.port });
  // Recurring work (deadlines, the outbox) is scheduled in the database; this only polls for what is due.
  const scheduler = await startScheduler(env, [deadlinesJob, dailyCountsJob, deliveryJob(configuredSenders(env))], {
    onError: (job, err) => app.log.warn({ err, job }, 'scheduled job failed; will retry'),
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  log(`Shiyu is serving ${url} (database: ${instance.database.kind === 'pglite' ? `embedded, ${config.dataDir}` : 'PostgreSQL'})`);

  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= (async () => {
    clearInterval(sealer);
    for (const response of running) {
      if (!response.headersSent) response.setHeader('connection', 'close');
      else response.once('finish', () => app.server.closeIdleConnections());
    }
    await app.close();
    await scheduler.stop();
    await sealAudit(env.db, env.auditKey).catch(() => {});
    await instance.close();
  })());
  return { app, instance, url, stop };
}

function printAccounts(list: DemoAccount[], log: (line: string) => void): void {
  log(`Demo accounts (password "${DEMO_PASSWORD}"):`);
  for (const a of list) log(`  ${a.username.padEnd(20)} ${a.role.padEnd(20)} ${a.jurisdiction}`);
  log(`Open311 API key: ${DEMO_OPEN311_KEY}`);
}
