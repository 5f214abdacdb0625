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
    expect(() => loadConfig({ BASEMAP_URL: 'ftp://tiles.example/{z}/{x}/{y}.png' })).toThrow(/BASEMAP_URL/);
    expect(() => loadConfig({ BASEMAP_URL: 'https://tiles.example/{z}/{x}.png' })).toThrow(/BASEMAP_URL/);
    expect(() => loadConfig({ BASEMAP_CRS: 'bd09' })).toThrow(/BASEMAP_CRS/);
  });

  it('takes an optional basemap, WGS84 unless told it is GCJ-02', () => {
    expect(loadConfig({}).basemapUrl).toBeUndefined();
    const tianditu = 'https://t0.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY';
    expect(loadConfig({ BASEMAP_URL: tianditu })).toMatchObject({ basemapUrl: tianditu, basemapCrs: 'wgs84' });
    expect(loadConfig({ BASEMAP_URL: 'https://tiles.example/{z}/{x}/{y}.png', BASEMAP_CRS: 'gcj02' }).basemapCrs).toBe('gcj02');
  });

  it('takes an SMS gateway only over https (or on this machine) and only with a signing key', () => {
    const secret = 'a-long-enough-secret';
    expect(loadConfig({}).smsWebhookUrl).toBeUndefined();
    expect(loadConfig({ SMS_WEBHOOK_URL: 'https://sms.example.gov.cn/send', SMS_WEBHOOK_SECRET: secret })).toMatchObject({ smsWebhookUrl: 'https://sms.example.gov.cn/send', smsWebhookSecret: secret });
    expect(loadConfig({ SMS_WEBHOOK_URL: 'http://127.0.0.1:9000/sms', SMS_WEBHOOK_SECRET: secret }).smsWebhookUrl).toBe('http://127.0.0.1:9000/sms');
    expect(() => loadConfig({ SMS_WEBHOOK_URL: 'http://sms.example.gov.cn/send', SMS_WEBHOOK_SECRET: secret })).toThrow(/SMS_WEBHOOK_URL/);
    expect(() => loadConfig({ SMS_WEBHOOK_URL: 'not a url', SMS_WEBHOOK_SECRET: secret })).toThrow(/SMS_WEBHOOK_URL/);
    expect(() => loadConfig({ SMS_WEBHOOK_URL: 'https://sms.example.gov.cn/send' })).toThrow(/SMS_WEBHOOK_SECRET/);
    expect(() => loadConfig({ SMS_WEBHOOK_URL: 'https://sms.example.gov.cn/send', SMS_WEBHOOK_SECRET: 'short' })).toThrow(/SMS_WEBHOOK_SECRET/);
    expect(() => loadConfig({ SMS_WEBHOOK_SECRET: secret })).toThrow(/SMS_WEBHOOK_URL/);
  });

  it('believes no proxy unless told which, by hops or by address', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://12345.example.gov.cn/shiyu/' }).publicUrl).toBe('https://12345.example.gov.cn/shiyu');
    for (const bad of ['12345.example.gov.cn', 'ftp://x.example', 'https://x.example/?a=1']) expect(() => loadConfig({ PUBLIC_URL: bad })).toThrow(/PUBLIC_URL/);
  });

  it('bounds database statements and slow clients, and says which setting is wrong', () => {
    expect(loadConfig({})).toMatchObject({ dbStatementTimeoutMs: 30_000, dbConnectTimeoutMs: 5_000, httpHeadersTimeoutMs: 15_000, httpRequestTimeoutMs: 120_000 });
    expect(loadConfig({ DB_STATEMENT_TIMEOUT_MS: '0' }).dbStatementTimeoutMs).toBe(0);
    expect(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ DB_CONNECT_TIMEOUT_MS: '0' })).toThrow(/DB_CONNECT_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '1.5' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS/);
    // Node refuses headers that may take longer than the whole request.
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: '30000' })).toThrow(/HTTP_HEADERS_TIMEOUT_MS .* must not exceed HTTP_REQUEST_TIMEOUT_MS/);
  });
});
