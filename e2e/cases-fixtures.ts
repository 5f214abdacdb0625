/**
 * What the case browser tests (loop, cases, public) need besides the browser: a small PNG made
 * here, the API as a given demo user, a point inside the demo grid worker's grid, and cases put
 * where a test needs them. Everything goes through the public API, as a client would.
 */
import zlib from 'node:zlib';
import type { Locator, Page } from 'playwright-core';
import { signIn } from './browser.js';

/** A real, decodable PNG of `width`×`height` pixels in one colour, with a stripe so no two colours give the same bytes. */
export function png(width = 64, height = 48, rgb: [number, number, number] = [200, 40, 40]): Buffer {
  const row = Buffer.alloc(1 + width * 3);
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const line = Buffer.from(row);
    for (let x = 0; x < width; x++) {
      const stripe = (x + y) % 16 < 2;
      line.set(stripe ? [255, 255, 255] : rgb, 1 + x * 3);
    }
    rows.push(line);
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** The API as one demo user (password `demo`), or anonymously. */
export class Api {
  private constructor(readonly baseURL: string, readonly token: string | null) {}

  static async as(baseURL: string, username: string | null): Promise<Api> {
    if (username === null) return new Api(baseURL, null);
    const login = await fetch(`${baseURL}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo' }) });
    if (!login.ok) throw new Error(`login ${username}: ${login.status} ${await login.text()}`);
    return new Api(baseURL, ((await login.json()) as { token: string }).token);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseURL}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw Object.assign(new Error(`${method} ${path}: ${response.status} ${text}`), { status: response.status });
    return (text ? JSON.parse(text) : undefined) as T;
  }

  get<T>(path: string) { return this.call<T>('GET', path); }
  post<T>(path: string, body?: unknown) { return this.call<T>('POST', path, body); }

  /** One step of the loop on the case as it stands now. */
  async act(id: number, action: string, extra: Record<string, unknown> = {}): Promise<unknown> {
    const c = await this.get<{ version: number }>(`/api/v1/cases/${id}`);
    return this.post<unknown>(`/api/v1/cases/${id}/actions`, { action, version: c.version, ...extra });
  }

  async photo(id: number, bytes: Buffer, stage?: string): Promise<void> {
    const form = new FormData();
    if (stage) form.append('stage', stage);
    form.append('photo', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), 'photo.png');
    const response = await fetch(`${this.baseURL}/api/v1/cases/${id}/photos`, { method: 'POST', headers: { authorization: `Bearer ${this.token}` }, body: form });
    if (!response.ok) throw new Error(`photo: ${response.status} ${await response.text()}`);
  }
}

export interface Point { lon: number; lat: number }

/** A point inside the demo `grid_worker`'s grid (so she may verify cases there), checked with /grids/locate. */
export async function gridWorkerPoint(baseURL: string): Promise<{ point: Point; gridId: number; gridName: string }> {
  const worker = await Api.as(baseURL, 'grid_worker');
  const me = await worker.get<{ id: number; jurisdiction: { id: number } }>('/api/v1/auth/me');
  const grids = await worker.get<{ items: { id: number }[] }>(`/api/v1/grids?adminUnitId=${me.jurisdiction.id}&pageSize=50`);
  for (const { id } of grids.items) {
    const grid = await worker.get<{ geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] }; properties: { name: string; workers: { userId: number | null }[] } }>(`/api/v1/grids/${id}`);
    if (!grid.properties.workers.some((w) => w.userId === me.id)) continue;
    const ring = grid.geometry.type === 'Polygon' ? grid.geometry.coordinates[0] : grid.geometry.coordinates[0][0];
    const lons = ring.map((p) => p[0]);
    const lats = ring.map((p) => p[1]);
    const candidates: Point[] = [{ lon: lons.reduce((a, b) => a + b) / lons.length, lat: lats.reduce((a, b) => a + b) / lats.length }];
    for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {
      candidates.push({ lon: Math.min(...lons) + ((Math.max(...lons) - Math.min(...lons)) * i) / 10, lat: Math.min(...lats) + ((Math.max(...lats) - Math.min(...lats)) * j) / 10 });
    }
    for (const c of candidates) {
      const point = { lon: Math.round(c.lon * 1e6) / 1e6, lat: Math.round(c.lat * 1e6) / 1e6 };
      const found = await worker.get<{ grid: { id: number } }>(`/api/v1/grids/locate?lon=${point.lon}&lat=${point.lat}`).catch(() => null);
      if (found?.grid.id === id) return { point, gridId: id, gridName: grid.properties.name };
    }
  }
  throw new Error('no point inside the grid_worker\'s grid');
}

/** The demo department handler's department (the urban management bureau of the demo grid worker's district). */
export async function handlerDepartment(baseURL: string): Promise<{ id: number; name: string }> {
  const handler = await Api.as(baseURL, 'department_handler');
  const me = await handler.get<{ departmentId: number }>('/api/v1/auth/me');
  const { items } = await handler.get<{ items: { id: number; name: string }[] }>('/api/v1/departments');
  return items.find((d) => d.id === me.departmentId)!;
}

/** Answers the public challenge's sum ("3 加 4 等于几？"). */
export function solve(question: string): number {
  const m = /(\d+)\s*(加|减|plus|minus)\s*(\d+)/.exec(question);
  if (!m) throw new Error(`not a sum: ${question}`);
  return m[2] === '加' || m[2] === 'plus' ? Number(m[1]) + Number(m[3]) : Number(m[1]) - Number(m[3]);
}

/** A citizen's report through the public door; answers the ticket number and the secret. */
export async function publicReport(baseURL: string, point: Point, description: string): Promise<{ ticketNo: string; secret: string }> {
  const anonymous = await Api.as(baseURL, null);
  const challenge = await anonymous.get<{ id: string; question: string }>('/api/v1/public/challenge');
  return anonymous.post<{ ticketNo: string; secret: string }>('/api/v1/public/cases', { description, location: point, challenge: { id: challenge.id, answer: solve(challenge.question) } });
}

/** A hotline case taken in by the dispatcher, awaiting registration. */
export async function hotlineCase(dispatcher: Api, point: Point, description: string): Promise<{ id: number; ticketNo: string }> {
  return dispatcher.post<{ id: number; ticketNo: string }>('/api/v1/cases', { channel: 'hotline', requestType: 'complaint', description, location: point, address: '测试路 1 号' });
}

/** The case id behind a ticket number, as a dispatcher finds it. */
export async function caseIdOf(dispatcher: Api, ticketNo: string): Promise<number> {
  const page = await dispatcher.get<{ items: { id: number }[] }>(`/api/v1/cases?q=${ticketNo}`);
  return page.items[0].id;
}

/** Types a point into a place field (PointField) inside `scope`, as someone without GPS does. */
export async function typePoint(scope: Page | Locator, point: Point): Promise<void> {
  await scope.getByText('手动输入经纬度').click();
  await scope.getByLabel('经度（WGS84）').fill(String(point.lon));
  await scope.getByLabel('纬度（WGS84）').fill(String(point.lat));
  await scope.getByRole('button', { name: '使用输入的经纬度' }).click();
}

/** Signs the page's user out (the token lives in sessionStorage) and someone else in. */
export async function switchUser(page: Page, username: string): Promise<void> {
  await signOut(page);
  await signIn(page, username);
}

/** Signs out as a user does (the menu button first on a phone), so no screen is left asking for anything without a token. */
export async function signOut(page: Page): Promise<void> {
  if (!(await page.evaluate(() => sessionStorage.getItem('shiyu.token')))) return; // nobody signed in (the public portal)
  const menu = page.getByRole('button', { name: '菜单' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL('**/login');
}

/** Today in China, as the figures' period: [00:00, next 00:00) +08:00. */
export function todayPeriod(now = new Date()): { from: string; to: string } {
  const day = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  const from = `${day}T00:00:00+08:00`;
  return { from, to: new Date(Date.parse(from) + 86_400_000).toISOString() };
}
