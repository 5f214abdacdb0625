/**
 * What every answer of the server must look like, for the harnesses that try it with garbage
 * (fuzz.db.test.ts), other methods (methods.db.test.ts) and raw sockets (sockets.db.test.ts).
 */

/** An answer as the checks read it. */
export interface Answer {
  statusCode: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/** Helmet's headers: each must be on every answer, with the value a successful answer has. */
export const SECURITY_HEADERS = [
  'content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'origin-agent-cluster',
  'referrer-policy', 'strict-transport-security', 'x-content-type-options', 'x-dns-prefetch-control',
  'x-download-options', 'x-frame-options', 'x-permitted-cross-domain-policies', 'x-xss-protection',
] as const;

export type SecurityHeaders = Record<(typeof SECURITY_HEADERS)[number], string>;

/**
 * The security headers of a successful answer, checked for what they must say before other
 * answers are held to them: scripts only from here, no sniffing, no framing by other sites.
 */
export function referenceHeaders(ok: Answer): SecurityHeaders {
  if (ok.statusCode !== 200) throw new Error(`the reference answer is a ${ok.statusCode}`);
  const headers = Object.fromEntries(SECURITY_HEADERS.map((name) => [name, String(ok.headers[name] ?? '')])) as SecurityHeaders;
  const missing = SECURITY_HEADERS.filter((name) => !headers[name]);
  if (missing.length) throw new Error(`a 200 lacks ${missing.join(', ')}`);
  if (!/default-src 'self'/.test(headers['content-security-policy']) || !/script-src 'self'(;|$)/.test(headers['content-security-policy'])) {
    throw new Error(`a weak Content-Security-Policy: ${headers['content-security-policy']}`);
  }
  if (headers['x-content-type-options'] !== 'nosniff' || headers['x-frame-options'] !== 'SAMEORIGIN') throw new Error('sniffing or framing allowed');
  return headers;
}

/** Which security headers an answer lacks or carries with another value, or null. */
export function securityHeadersFault(res: Answer, reference: SecurityHeaders): string | null {
  const wrong: string[] = SECURITY_HEADERS.filter((name) => String(res.headers[name] ?? '') !== reference[name]);
  if (res.headers['x-powered-by'] !== undefined) wrong.push('x-powered-by');
  return wrong.length ? `a ${res.statusCode} without the security headers ${wrong.join(', ')}` : null;
}

/**
 * What is wrong with an error answer's shape, or null: `{"error":{"code","message","field"?}}` as
 * JSON, or on Open311's paths `[{code, description}]` or `<errors>` as its format asks. Answers to
 * HEAD have no body to check.
 */
export function errorShapeFault(url: string, res: Answer, method = 'GET'): string | null {
  const status = res.statusCode;
  if (status < 400) return null;
  const type = String(res.headers['content-type'] ?? '');
  if (method === 'HEAD') return res.body === '' ? null : `a HEAD answered with a body: ${res.body.slice(0, 100)}`;
  if (url.startsWith('/open311/')) {
    if (type.startsWith('text/xml')) {
      return /^<\?xml[^>]*>\s*<errors>\s*<error>\s*<code>\d{3}<\/code>\s*<description>[^<]*<\/description>\s*<\/error>\s*<\/errors>\s*$/.test(res.body)
        ? null : `Open311 XML error of the wrong shape: ${res.body.slice(0, 200)}`;
    }
    const body = parse(res.body);
    const ok = Array.isArray(body) && body.length > 0 && body.every((e) => typeof e?.code === 'number' && e.code === status && typeof e.description === 'string' && e.description);
    return ok && type.startsWith('application/json') ? null : `Open311 error of the wrong shape (${type}): ${res.body.slice(0, 200)}`;
  }
  if (!type.startsWith('application/json')) return `a ${status} answered as ${type}`;
  const body = parse(res.body) as { error?: Record<string, unknown> } | undefined;
  const error = body?.error;
  if (!error || Object.keys(body).length !== 1) return `a ${status} without {"error":…}: ${res.body.slice(0, 200)}`;
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'field', 'details'].includes(k));
  if (typeof error.code !== 'string' || !error.code || typeof error.message !== 'string' || !error.message || extra.length) return `error of the wrong shape: ${res.body.slice(0, 200)}`;
  if (error.field !== undefined && (typeof error.field !== 'string' || !error.field)) return `error.field is not a name: ${res.body.slice(0, 200)}`;
  return null;
}

export function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
