import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('defaults to port 8080, ./data and the embedded database', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demo).toBe(true);
  });

  it('never seeds demo accounts in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).demo).toBe(false);
    expect(loadConfig({ SHIYU_DEMO: '0' }).demo).toBe(false);
  });

  it('refuses values it cannot use, naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT/);
    expect(() => loadConfig({ IMPORT_MAX_MB: '0' })).toThrow(/IMPORT_MAX_MB/);
    expect(() => loadConfig({ SHIYU_DEMO: 'maybe' })).toThrow(/SHIYU_DEMO/);
  });
});
