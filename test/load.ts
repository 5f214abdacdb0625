/**
 * Load for the process-level fault tests (faults*.db.test.ts): intakes, lists and health checks
 * against a running `shiyu serve`, each timed as its caller saw it.
 */
import { openSiteDb, type Site } from './process.js';

/** A hotline call for the load: half of them leave a phone number, so the reporter is told by text. */
export function intakeBody(i: number, adminUnitId: number) {
  return {
    channel: 'hotline', requestType: 'complaint', description: `负载下的来电 ${i}`, adminUnitId,
    ...(i % 2 === 0 ? { reporter: { name: '王女士', phone: `1380000${String(i % 10000).padStart(4, '0')}` } } : {}),
  };
}

/** A case taken in over HTTP under an Idempotency-Key, given up on after `timeoutMs`. */
export async function postIntake(url: string, token: string, key: string, body: object, timeoutMs = 30_000): Promise<Response> {
  return fetch(`${url}/api/v1/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** One request of the mixed load, as the caller saw it. */
export interface Exchange {
  kind: 'intake' | 'list' | 'health';
  at: number;
  ms: number;
  status: number | string;
  retryAfter: string | null;
  /** The error code, or for health its status (ok, degraded). */
  code?: string;
  caseId?: number;
}

/** Reads, writes and health checks at a steady rate, each timed, until `until` says stop; each given up on after `timeoutMs`. */
export function mixedLoad(url: string, token: string, adminUnitId: number, options: { rate: number; until: () => boolean; timeoutMs: number }) {
  const exchanges: Exchange[] = [];
  const pending: Promise<void>[] = [];
  const started = Date.now();
  const request = async (kind: Exchange['kind'], i: number) => {
    const at = Date.now();
    const auth = { authorization: `Bearer ${token}` };
    try {
      const res = kind === 'intake' ? await postIntake(url, token, `restart-${started}-${i}`, intakeBody(i, adminUnitId), options.timeoutMs)
        // Health is asked as a load balancer asks it: without signing in.
        : await fetch(kind === 'list' ? `${url}/api/v1/cases?pageSize=5` : `${url}/healthz`, { headers: kind === 'list' ? auth : {}, signal: AbortSignal.timeout(options.timeoutMs) });
      const body = (await res.json()) as { id?: number; status?: string; error?: { code: string } };
      exchanges.push({
        kind, at, ms: Date.now() - at, status: res.status, retryAfter: res.headers.get('retry-after'),
        code: kind === 'health' ? body.status : body.error?.code, caseId: res.status === 201 ? body.id : undefined,
      });
    } catch (err) {
      exchanges.push({ kind, at, ms: Date.now() - at, status: `failed: ${(err as Error).message}`, retryAfter: null });
    }
  };
  const done = openLoop(options, (sent) => { pending.push(request((['intake', 'list', 'health'] as const)[sent % 3], sent)); });
  return { exchanges, finished: done.then(() => Promise.all(pending)).then(() => exchanges) };
}

/**
 * Calls `send` at `rate` a second, open loop (a slow answer does not slow the sender), until
 * `until` says stop; `send` is told how many went before it.
 */
export function openLoop(options: { rate: number; until: () => boolean }, send: (sent: number) => void): Promise<void> {
  const started = Date.now();
  return new Promise<void>((resolve) => {
    let sent = 0;
    const timer = setInterval(() => {
      if (options.until()) {
        clearInterval(timer);
        resolve();
        return;
      }
      for (const due = Math.floor(((Date.now() - started) / 1000) * options.rate); sent < due; sent++) send(sent);
    }, 5);
  });
}

/** What /healthz answers, as a load balancer asks it. */
export async function healthOf(url: string, timeoutMs: number) {
  const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.json() };
}

/** Waits until `probe` holds, trying every 100 ms, and answers how long that took. */
export async function until(probe: () => Promise<boolean>, ms: number, message: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe().catch(() => false)) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(message);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** How many cases the answers acknowledged, and how many of them the database holds: the two must match. */
export async function acknowledgedCases(site: Site, exchanges: Exchange[]): Promise<{ acknowledged: number; found: number }> {
  const ids = exchanges.flatMap((e) => (e.caseId ? [e.caseId] : []));
  const db = await openSiteDb(site);
  try {
    const found = await db.query<{ n: number }>('select count(*)::int as n from cases where id = any($1::bigint[])', [ids]);
    return { acknowledged: ids.length, found: found[0].n };
  } finally {
    await db.close();
  }
}
