import type { TestProject } from 'vitest/node';
import { ensureWebBuilt, startShiyu } from './server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the shared e2e server, e.g. http://127.0.0.1:40123. */
    shiyuURL: string;
  }
}

/**
 * Once for all browser tests: build the web app if its sources changed, seed a small demo
 * city into a fresh data directory and serve it; tests read the address with inject('shiyuURL').
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  const built = await ensureWebBuilt();
  const builtAt = Date.now();
  const server = await startShiyu();
  const seconds = (from: number) => ((Date.now() - from) / 1000).toFixed(1);
  console.log(`e2e: ${built ? `built web/dist in ${((builtAt - started) / 1000).toFixed(1)} s, ` : ''}seeded and serving ${server.url} in ${seconds(builtAt)} s`);
  project.provide('shiyuURL', server.url);
  return async () => {
    await server.stop();
  };
}
