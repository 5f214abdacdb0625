import path from 'node:path';

/** Everything Shiyu reads from the environment, read and checked once at start. */
export interface Config {
  /** `production` never creates demo accounts. */
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Where the embedded database, the key file and uploaded files live. */
  dataDir: string;
  /** PostgreSQL URL; when empty the embedded PGlite database under dataDir is used. */
  databaseUrl: string | undefined;
  /** 32-byte key (hex or base64) for personal data; when empty a key file under dataDir is used. */
  secretKey: string | undefined;
  logLevel: string;
  /** Seed the demo city on first start (never in production). */
  demo: boolean;
  /** Largest accepted import file, in bytes. */
  importMaxBytes: number;
  /** Sessions expire after this many hours of inactivity. */
  sessionHours: number;
  /** Connections in the PostgreSQL pool. */
  poolSize: number;
  /**
   * The longest one statement of the server may take, in ms (0: no bound). PostgreSQL cancels it
   * (statement_timeout), and a database that does not answer at all (frozen, or its host gone
   * silent) is given up on a second later, so no request waits on the database for longer.
   */
  dbStatementTimeoutMs: number;
  /** How long a request waits for a database connection, new or from the pool, before it is answered 503. */
  dbConnectTimeoutMs: number;
  /** A request's headers must have arrived this long (ms) after its first byte, or after the connection opened. */
  httpHeadersTimeoutMs: number;
  /** The whole request, body included, must have arrived this long (ms) after its first byte. */
  httpRequestTimeoutMs: number;
  /** A new case this close (metres) to an open case of the same category… */
  duplicateRadiusM: number;
  /** …reported within this many hours before it is offered for merging. */
  duplicateWindowHours: number;
  /** SMTP server for email to reporters (smtp://user:pass@host:587); without it email waits in the outbox. */
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** An SMS gateway taking text messages to reporters as signed JSON over HTTP; without it texts wait in the outbox. */
  smsWebhookUrl: string | undefined;
  /** The key the gateway checks each request's signature with; required with the URL. */
  smsWebhookSecret: string | undefined;
  /** An optional tile basemap under the maps (天地图 WMTS or an XYZ tile server): a URL template with {z}, {x} and {y}. */
  basemapUrl: string | undefined;
  /** The datum of the basemap's tiles: `wgs84` (天地图, CGCS2000) or `gcj02` (commercial Chinese maps; our WGS84 is shifted for display only). */
  basemapCrs: 'wgs84' | 'gcj02';
  /** Credit shown on the map for the basemap. */
  basemapAttribution: string | undefined;
  /**
   * Which proxies to believe about the caller's address (X-Forwarded-For): none, a number of
   * hops, or their addresses. The public door's rate limits count per caller, so behind a
   * proxy they need it; believing everyone would let a caller pick their own address.
   */
  trustProxy: false | number | string[];
  /**
   * Where the public reaches this server (https://12345.example.gov.cn), for the absolute links
   * it gives out (Open311's discovery and media_url). Unset, they follow the request's Host
   * header, which a caller chooses: behind a shared cache, set it.
   */
  publicUrl: string | undefined;
}

export class ConfigError extends Error {}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** An http(s) URL template with {z}, {x} and {y} (or WMTS's {z}, {y}, {x} in TILEMATRIX/TILEROW/TILECOL). */
function basemapUrlVar(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.BASEMAP_URL;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw.replace(/[{}]/g, ''));
  } catch {
    throw new ConfigError(`BASEMAP_URL must be an http(s) URL template, got "${raw}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || !['{z}', '{x}', '{y}'].every((p) => raw.includes(p))) {
    throw new ConfigError(`BASEMAP_URL must be an http(s) URL with {z}, {x} and {y}, got "${raw}"`);
  }
  return raw;
}

/**
 * SMS_WEBHOOK_URL and SMS_WEBHOOK_SECRET go together: an unsigned request would let anyone who can
 * reach the gateway send texts in the city's name, and a gateway in the clear would carry phone numbers.
 */
function smsWebhookVars(env: NodeJS.ProcessEnv): Pick<Config, 'smsWebhookUrl' | 'smsWebhookSecret'> {
  const raw = env.SMS_WEBHOOK_URL || undefined;
  const secret = env.SMS_WEBHOOK_SECRET || undefined;
  if (!raw) {
    if (secret) throw new ConfigError('SMS_WEBHOOK_SECRET is set without SMS_WEBHOOK_URL');
    return { smsWebhookUrl: undefined, smsWebhookSecret: undefined };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`SMS_WEBHOOK_URL must be an http(s) URL, got "${raw}"`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new ConfigError(`SMS_WEBHOOK_URL must be https (http only to this machine), got "${raw}"`);
  }
  if (!secret || secret.length < 16) throw new ConfigError('SMS_WEBHOOK_SECRET of at least 16 characters is required with SMS_WEBHOOK_URL');
  return { smsWebhookUrl: raw, smsWebhookSecret: secret };
}

function crsVar(raw: string | undefined): 'wgs84' | 'gcj02' {
  if (raw === undefined || raw === '' || raw === 'wgs84') return 'wgs84';
  if (raw === 'gcj02') return 'gcj02';
  throw new ConfigError(`BASEMAP_CRS must be wgs84 or gcj02, got "${raw}"`);
}

function publicUrlVar(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL, got "${raw}"`);
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL without query or fragment, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

function trustProxyVar(raw: string | undefined): false | number | string[] {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (/^[1-9][0-9]?$/.test(raw)) return Number(raw);
  const addresses = raw.split(',').map((a) => a.trim()).filter(Boolean);
  // Addresses and CIDR ranges, v4 or v6, or the names proxy-addr knows.
  const address = /^(loopback|linklocal|uniquelocal|[0-9.]+(\/[0-9]{1,2})?|[0-9A-Fa-f:.]+(\/[0-9]{1,3})?)$/;
  const bad = addresses.find((a) => !address.test(a));
  if (bad !== undefined || addresses.length === 0) {
    throw new ConfigError(`TRUST_PROXY must be a number of hops or addresses such as 127.0.0.1,10.0.0.0/8, got "${raw}"`);
  }
  return addresses;
}

/**
 * Bounds on how slowly a client may send a request (slowloris). Node refuses headers that take
 * longer than the whole request may, so the first must not exceed the second.
 */
function httpTimeouts(env: NodeJS.ProcessEnv): Pick<Config, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs'> {
  const httpHeadersTimeoutMs = intVar(env, 'HTTP_HEADERS_TIMEOUT_MS', 15_000, 100, 600_000);
  const httpRequestTimeoutMs = intVar(env, 'HTTP_REQUEST_TIMEOUT_MS', 120_000, 100, 3600_000);
  if (httpHeadersTimeoutMs > httpRequestTimeoutMs) {
    throw new ConfigError(`HTTP_HEADERS_TIMEOUT_MS (${httpHeadersTimeoutMs}) must not exceed HTTP_REQUEST_TIMEOUT_MS (${httpRequestTimeoutMs})`);
  }
  return { httpHeadersTimeoutMs, httpRequestTimeoutMs };
}

/** Reads the configuration from an environment (process.env by default). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const demoVar = env.SHIYU_DEMO;
  if (demoVar !== undefined && !['0', '1', 'true', 'false', ''].includes(demoVar)) {
    throw new ConfigError(`SHIYU_DEMO must be 1 or 0, got "${demoVar}"`);
  }
  return {
    env: nodeEnv,
    host: env.HOST || '0.0.0.0',
    port: intVar(env, 'PORT', 8080, 0, 65535),
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl: env.DATABASE_URL || undefined,
    secretKey: env.SHIYU_SECRET_KEY || undefined,
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    demo: nodeEnv !== 'production' && demoVar !== '0' && demoVar !== 'false',
    importMaxBytes: intVar(env, 'IMPORT_MAX_MB', 64, 1, 1024) * 1024 * 1024,
    sessionHours: intVar(env, 'SESSION_HOURS', 12, 1, 24 * 30),
    poolSize: intVar(env, 'DB_POOL_SIZE', 10, 1, 200),
    dbStatementTimeoutMs: intVar(env, 'DB_STATEMENT_TIMEOUT_MS', 30_000, 0, 24 * 3600_000),
    dbConnectTimeoutMs: intVar(env, 'DB_CONNECT_TIMEOUT_MS', 5_000, 100, 600_000),
    ...httpTimeouts(env),
    duplicateRadiusM: intVar(env, 'DUPLICATE_RADIUS_M', 100, 0, 10_000),
    duplicateWindowHours: intVar(env, 'DUPLICATE_WINDOW_HOURS', 72, 0, 24 * 90),
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || 'Shiyu <noreply@localhost>',
    ...smsWebhookVars(env),
    basemapUrl: basemapUrlVar(env),
    basemapCrs: crsVar(env.BASEMAP_CRS),
    basemapAttribution: env.BASEMAP_ATTRIBUTION || undefined,
    trustProxy: trustProxyVar(env.TRUST_PROXY),
    publicUrl: publicUrlVar(env.PUBLIC_URL),
  };
}
