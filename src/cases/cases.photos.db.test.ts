import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { interiorPoint } from '../../test/fixtures.js';
import type { Area } from '../geo/geometry.js';
import { PHOTO_MAX_BYTES, THUMB_PX } from './cases.photos.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let d1: As;
let gridWorker: As;
let d1Grid: { id: number; boundary: Area };
let d2Grid: { id: number; boundary: Area };
let workersGrid: { id: number; boundary: Area };
let inD1: { id: number; ticketNo: string };
let inD2: { id: number; ticketNo: string };
const images: Record<'png' | 'jpeg' | 'webp', Buffer> = {} as never;
/** A JPEG carrying EXIF with a GPS position and a rotation, as phones send them. */
let withExif: Buffer;

/** A noisy picture, so that each format has real work to do. */
function pixels(width: number, height: number, seed: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919 + seed * 104729) % 251;
  return raw;
}

function multipart(fields: Record<string, string>, file?: { name?: string; filename: string; type: string; content: Buffer }) {
  const boundary = '----shiyu-photo-test';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'photo'}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

function upload(as: As, caseId: number, content: Buffer, filename = 'photo.jpg', type = 'image/jpeg', fields: Record<string, string> = {}) {
  return as({ method: 'POST', url: `/api/v1/cases/${caseId}/photos`, ...multipart(fields, { filename, type, content }) });
}

function publicUpload(ticketNo: string, secret: string, content: Buffer) {
  return t.app.inject({ method: 'POST', url: `/api/v1/public/cases/${ticketNo}/photos`, ...multipart({ secret }, { filename: 'IMG_0001.jpg', type: 'image/jpeg', content }) });
}

/** Every file under DATA_DIR/photos, by name. */
function storedFiles(): string[] {
  const root = path.join(t.env.config.dataDir, 'photos');
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

async function hotline(as: As, area: Area, description: string) {
  const res = await as({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description, location: interiorPoint(area) } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: number; ticketNo: string };
}

/** Asks for a challenge and works out its answer, as a person would. */
async function solved(): Promise<{ id: string; answer: number }> {
  const { id, question } = (await t.app.inject({ url: '/api/v1/public/challenge' })).json() as { id: string; question: string };
  const m = /^(\d+) (加|减) (\d+) 等于几？$/.exec(question)!;
  return { id, answer: m[2] === '加' ? Number(m[1]) + Number(m[3]) : Number(m[1]) - Number(m[3]) };
}

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  d1 = t.as(await t.login('dispatcher_d1'));
  gridWorker = t.as(await t.login('grid_worker'));
  const d2Path = (await t.env.db.selectFrom('admin_units').select('path').where('code', '=', '320612').executeTakeFirstOrThrow()).path;
  const grids = (await t.env.db.selectFrom('grids').select(['id', 'boundary', 'path']).orderBy('id').execute()) as { id: number; boundary: Area; path: string }[];
  d1Grid = grids.find((g) => !g.path.startsWith(d2Path))!;
  d2Grid = grids.find((g) => g.path.startsWith(d2Path))!;
  workersGrid = (await t.env.db.selectFrom('grid_members as m').innerJoin('users as u', 'u.id', 'm.user_id').innerJoin('grids as g', 'g.id', 'm.grid_id')
    .select(['g.id', 'g.boundary']).where('u.username', '=', 'grid_worker').where('m.role', '=', 'worker').executeTakeFirstOrThrow()) as typeof workersGrid;
  inD1 = await hotline(dispatcher, d1Grid.boundary, '崇川区：人行道井盖缺失');
  inD2 = await hotline(dispatcher, d2Grid.boundary, '通州区：路灯不亮');
  const raw = { raw: { width: 800, height: 600, channels: 3 as const } };
  images.png = await sharp(pixels(800, 600, 1), raw).png().toBuffer();
  images.jpeg = await sharp(pixels(800, 600, 2), raw).jpeg().toBuffer();
  images.webp = await sharp(pixels(800, 600, 3), raw).webp().toBuffer();
  withExif = await sharp(pixels(400, 300, 4), { raw: { width: 400, height: 300, channels: 3 } })
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'ShiyuPhone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '32/1 0/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '120/1 51/1 0/1' } })
    .jpeg().toBuffer();
});
afterAll(async () => {
  await t.close();
  await fs.promises.rm(t.env.config.dataDir, { recursive: true, force: true });
});

describe('case photos', () => {
  it('refuses an anonymous caller', async () => {
    const form = multipart({}, { filename: 'a.png', type: 'image/png', content: images.png });
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/cases/${inD1.id}/photos`, ...form })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/api/v1/cases/${inD1.id}/photos` })).statusCode).toBe(401);
    expect((await t.app.inject({ url: `/api/v1/cases/${inD1.id}/photos/1` })).statusCode).toBe(401);
  });

  it("hides records outside the caller's jurisdiction", async () => {
    const outside = await upload(dispatcher, inD2.id, images.jpeg);
    expect(outside.statusCode, outside.body).toBe(201);
    expect((await upload(d1, inD2.id, images.png, 'a.png', 'image/png')).statusCode).toBe(404);
    expect((await d1({ url: `/api/v1/cases/${inD2.id}/photos` })).statusCode).toBe(404);
    expect((await d1({ url: `/api/v1/cases/${inD2.id}/photos/${outside.json().id}` })).statusCode).toBe(404);
    expect((await d1({ url: `/api/v1/cases/${inD2.id}/photos/${outside.json().id}?size=thumb` })).statusCode).toBe(404);
    // A photo id of another case is not found through this one.
    expect((await dispatcher({ url: `/api/v1/cases/${inD1.id}/photos/${outside.json().id}` })).statusCode).toBe(404);
    // Inside the district, dispatcher_d1 works as usual.
    expect((await upload(d1, inD1.id, images.webp, 'x.webp', 'image/webp')).statusCode).toBe(201);
  });

  it('stores JPEG, PNG and WebP as sent and serves them with a thumbnail of at most 320 px', async () => {
    const c = await hotline(dispatcher, d1Grid.boundary, '三种格式的照片');
    for (const [format, mediaType] of [['png', 'image/png'], ['jpeg', 'image/jpeg'], ['webp', 'image/webp']] as const) {
      const res = await upload(dispatcher, c.id, images[format], `photo.${format}`, mediaType);
      expect(res.statusCode, res.body).toBe(201);
      const photo = res.json();
      expect(photo).toMatchObject({ caseId: c.id, stage: 'report', mediaType, bytes: images[format].length, width: 800, height: 600, via: 'staff', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });

      const original = await dispatcher({ url: photo.url });
      expect(original.statusCode).toBe(200);
      expect(original.headers['content-type']).toBe(mediaType);
      expect(original.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
      expect(original.headers['x-content-type-options']).toBe('nosniff');
      expect(original.rawPayload.equals(images[format])).toBe(true);

      const thumb = await dispatcher({ url: photo.thumbUrl });
      expect(thumb.statusCode).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/jpeg');
      const meta = await sharp(thumb.rawPayload).metadata();
      expect(meta.format).toBe('jpeg');
      expect(Math.max(meta.width, meta.height)).toBe(THUMB_PX);
      expect(meta.width).toBe(320);
      expect(meta.height).toBe(240);
    }
    const list = (await dispatcher({ url: `/api/v1/cases/${c.id}/photos` })).json();
    expect(list.items.map((p: { mediaType: string }) => p.mediaType)).toEqual(['image/png', 'image/jpeg', 'image/webp']);
    const timeline = (await dispatcher({ url: `/api/v1/cases/${c.id}` })).json().timeline as { action: string; detail: { photoId: number } | null }[];
    expect(timeline.filter((e) => e.action === 'photo').map((e) => e.detail!.photoId)).toEqual(list.items.map((p: { id: number }) => p.id));
  });

  it('stores the same bytes once: one row per case, one file for all cases', async () => {
    const bytes = await sharp(pixels(64, 48, 9), { raw: { width: 64, height: 48, channels: 3 } }).png().toBuffer();
    const a = await hotline(dispatcher, d1Grid.boundary, '重复照片甲');
    const b = await hotline(dispatcher, d1Grid.boundary, '重复照片乙');
    const first = await upload(dispatcher, a.id, bytes, 'one.png', 'image/png');
    expect(first.statusCode).toBe(201);
    const again = await upload(dispatcher, a.id, bytes, 'two.png', 'image/png');
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect((await upload(dispatcher, b.id, bytes, 'three.png', 'image/png')).statusCode).toBe(201);
    const sha = first.json().sha256 as string;
    expect(await t.env.db.selectFrom('case_photos').select('case_id').where('sha256', '=', sha).orderBy('case_id').execute()).toEqual([{ case_id: a.id }, { case_id: b.id }]);
    const files = storedFiles().filter((name) => name.startsWith(sha));
    expect(files.sort()).toEqual([`${sha}.png`, `${sha}.thumb.jpg`]);
    expect(fs.existsSync(path.join(t.env.config.dataDir, 'photos', sha.slice(0, 2), sha.slice(2, 4), `${sha}.png`))).toBe(true);
    expect(storedFiles().filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const events = await t.env.db.selectFrom('case_events').select('action').where('case_id', '=', a.id).where('action', '=', 'photo').execute();
    expect(events).toHaveLength(1);
  });

  it('holds at most 30 photos a case, also when uploads arrive together', async () => {
    const c = await hotline(dispatcher, d1Grid.boundary, '照片很多');
    const photo = (seed: number) => sharp(pixels(16, 16, 100 + seed), { raw: { width: 16, height: 16, channels: 3 } }).png().toBuffer();
    for (let i = 0; i < 27; i++) expect((await upload(dispatcher, c.id, await photo(i), 'p.png', 'image/png')).statusCode).toBe(201);
    const together = await Promise.all([27, 28, 29, 30, 31, 32].map(async (i) => upload(dispatcher, c.id, await photo(i), 'p.png', 'image/png')));
    expect(together.map((r) => r.statusCode).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(together.find((r) => r.statusCode === 409)!.json().error.field).toBe('photo');
    expect((await dispatcher({ url: `/api/v1/cases/${c.id}/photos` })).json().items).toHaveLength(30);
  });

  it('takes the type from the content, never from the name or the declared type', async () => {
    const misnamed = await upload(dispatcher, inD1.id, images.png, 'holiday.jpg', 'image/jpeg');
    expect(misnamed.statusCode, misnamed.body).toBe(201);
    expect(misnamed.json().mediaType).toBe('image/png');
    expect(storedFiles()).toContain(`${misnamed.json().sha256}.png`);
    expect((await dispatcher({ url: misnamed.json().url })).headers['content-type']).toBe('image/png');

    const text = await upload(dispatcher, inD1.id, Buffer.from('<?php echo "not an image"; ?>'), 'photo.png', 'image/png');
    expect(text.statusCode).toBe(400);
    expect(text.json().error).toMatchObject({ field: 'photo', message: 'photo must be a JPEG, PNG or WebP image' });
  });

  it('refuses a photo over 10 MB, and a truncated one', async () => {
    const big = Buffer.concat([images.jpeg, Buffer.alloc(PHOTO_MAX_BYTES + 1 - images.jpeg.length)]);
    expect(big.length).toBe(10 * 1024 * 1024 + 1);
    const tooBig = await upload(dispatcher, inD1.id, big);
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error).toMatchObject({ field: 'photo', message: expect.stringContaining('10 MB') });

    const truncated = await upload(dispatcher, inD1.id, images.jpeg.subarray(0, Math.floor(images.jpeg.length / 2)));
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().error.field).toBe('photo');
    const fakeWebp = Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBPVP8 '), Buffer.alloc(64, 7)]);
    expect((await upload(dispatcher, inD1.id, fakeWebp, 'a.webp', 'image/webp')).statusCode).toBe(400);
    expect((await upload(dispatcher, inD1.id, Buffer.alloc(0))).json().error.field).toBe('photo');
  });

  it('refuses a form without a photo, a file under another name, and an unknown stage', async () => {
    const empty = await dispatcher({ method: 'POST', url: `/api/v1/cases/${inD1.id}/photos`, ...multipart({ stage: 'report' }) });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.field).toBe('photo');
    const misplaced = await dispatcher({ method: 'POST', url: `/api/v1/cases/${inD1.id}/photos`, ...multipart({}, { name: 'file', filename: 'a.png', type: 'image/png', content: images.png }) });
    expect(misplaced.statusCode).toBe(400);
    const stage = await upload(dispatcher, inD1.id, images.png, 'a.png', 'image/png', { stage: 'afterwards' });
    expect(stage.statusCode).toBe(400);
    expect(stage.json().error.field).toBe('stage');
    const extra = await upload(dispatcher, inD1.id, images.png, 'a.png', 'image/png', { caption: '井盖' });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error.field).toBe('caption');
    const json = await dispatcher({ method: 'POST', url: `/api/v1/cases/${inD1.id}/photos`, payload: { photo: 'x' } });
    expect(json.statusCode).toBe(415);
  });

  it('keeps the EXIF of the original as evidence but never puts it in a thumbnail', async () => {
    const res = await upload(dispatcher, inD1.id, withExif);
    expect(res.statusCode, res.body).toBe(201);
    // Displayed upright: the EXIF orientation turns 400×300 into 300×400.
    expect(res.json()).toMatchObject({ width: 300, height: 400 });
    const original = await dispatcher({ url: res.json().url });
    expect(original.rawPayload.equals(withExif)).toBe(true);
    expect((await sharp(original.rawPayload).metadata()).exif).toBeDefined();
    const thumbBytes = (await dispatcher({ url: res.json().thumbUrl })).rawPayload;
    const thumb = await sharp(thumbBytes).metadata();
    expect(thumb.exif).toBeUndefined();
    expect(thumbBytes.includes(Buffer.from('ShiyuPhone'))).toBe(false);
    expect([thumb.width, thumb.height]).toEqual([240, 320]);
  });

  it('refuses a form at its first field over a real connection, which then goes on answering', async () => {
    const base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
    const token = await t.login('dispatcher');
    // A field the form does not take, then three megabytes the server will never want.
    const form = multipart({ caption: '井盖' }, { filename: 'a.jpg', type: 'image/jpeg', content: Buffer.alloc(3_000_000, 7) });
    const socket = net.connect(Number(base.port), base.hostname);
    let received = '';
    socket.on('data', (d: Buffer) => { received += d.toString('latin1'); });
    socket.on('error', () => {}); // judged by the answers it gave
    const answers = (n: number) => new Promise<string[]>((resolve, reject) => {
      const started = Date.now();
      const check = setInterval(() => {
        const found = received.match(/HTTP\/1\.1 \d{3}/g) ?? [];
        if (found.length >= n) { clearInterval(check); resolve(found); }
        if (Date.now() - started > 10_000) { clearInterval(check); reject(new Error(`${found.length} of ${n} answers in 10 s: ${received.slice(0, 300)}`)); }
      }, 20);
    });
    socket.write(`POST /api/v1/cases/${inD1.id}/photos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n`
      + `Content-Type: ${form.headers['content-type']}\r\nContent-Length: ${form.payload.length}\r\n\r\n`);
    socket.write(form.payload);
    expect(await answers(1)).toEqual(['HTTP/1.1 400']);
    expect(received).toContain('"field":"caption"');
    // The same connection: the server must have read past the rest of the form to hear this.
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await answers(2)).toEqual(['HTTP/1.1 400', 'HTTP/1.1 200']);
    socket.destroy();
  });

  it('lets the grid worker add a verification photo to a case in her grid, and no one else\'s', async () => {
    const patrol = await gridWorker({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'patrol', requestType: 'report', description: '网格巡查：垃圾满溢', location: interiorPoint(workersGrid.boundary) } });
    expect(patrol.statusCode, patrol.body).toBe(201);
    const res = await upload(gridWorker, patrol.json().id, images.webp, 'check.webp', 'image/webp', { stage: 'verification' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ stage: 'verification', via: 'staff' });
    const otherGrid = await hotline(dispatcher, d2Grid.id === workersGrid.id ? d1Grid.boundary : d2Grid.boundary, '别的网格');
    expect([403, 404]).toContain((await upload(gridWorker, otherGrid.id, images.webp, 'check.webp', 'image/webp', { stage: 'verification' })).statusCode);
    // A dispatcher does not verify on site, and a handler adds photos only to her department's cases.
    expect((await upload(dispatcher, patrol.json().id, images.png, 'a.png', 'image/png', { stage: 'verification' })).statusCode).toBe(403);
    const handler = t.as(await t.login('department_handler'));
    expect((await upload(handler, inD1.id, images.png, 'a.png', 'image/png')).statusCode).toBe(403);
  });

  it("lets the grid worker keep her photo with a patrol she saw in another grid of her community, and refuses a patrol outside it", async () => {
    const mine = await t.env.db.selectFrom('grids').select('path').where('id', '=', workersGrid.id).executeTakeFirstOrThrow();
    const neighbour = (await t.env.db.selectFrom('grids').select(['id', 'boundary']).where('path', '=', mine.path).where('id', '!=', workersGrid.id)
      .orderBy('id').executeTakeFirstOrThrow()) as { id: number; boundary: Area };
    const seen = await gridWorker({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'patrol', requestType: 'report', description: '邻网格：路面塌陷', location: interiorPoint(neighbour.boundary) } });
    expect(seen.statusCode, seen.body).toBe(201);
    const photo = await upload(gridWorker, seen.json().id, images.jpeg, 'hole.jpg', 'image/jpeg');
    expect(photo.statusCode, photo.body).toBe(201);
    expect(photo.json()).toMatchObject({ stage: 'report', via: 'staff' });
    const far = await gridWorker({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'patrol', requestType: 'report', description: '别的区：路面塌陷', location: interiorPoint(d2Grid.boundary) } });
    expect(far.statusCode, far.body).toBe(400);
    expect(far.json().error).toMatchObject({ field: 'location', message: expect.stringContaining('12345') });
  });
});

describe('the reporter\'s photos', () => {
  let ticketNo: string;
  let secret: string;

  beforeAll(async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/public/cases', remoteAddress: '10.9.0.1',
      payload: { description: '小区门口垃圾堆积三天无人清理', location: interiorPoint(d1Grid.boundary), showPublicly: true, challenge: await solved() },
    });
    expect(res.statusCode, res.body).toBe(201);
    ({ ticketNo, secret } = res.json());
  });

  it('takes a photo with the secret from reporting, and refuses a wrong secret', async () => {
    const wrong = await publicUpload(ticketNo, 'not-the-secret', withExif);
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.field).toBe('secret');
    expect((await publicUpload('2099010199999', secret, withExif)).statusCode).toBe(404);
    const res = await publicUpload(ticketNo, secret, withExif);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ stage: 'report', mediaType: 'image/jpeg', url: expect.stringContaining(`/api/v1/public/cases/${ticketNo}/photos/`) });
    expect(res.json()).not.toHaveProperty('sha256');
    const c = await t.env.db.selectFrom('cases').select('id').where('ticket_no', '=', ticketNo).executeTakeFirstOrThrow();
    const staffView = (await dispatcher({ url: `/api/v1/cases/${c.id}/photos` })).json().items;
    expect(staffView).toMatchObject([{ via: 'citizen', uploadedBy: null, stage: 'report' }]);
    // Staff still get the original, EXIF and all.
    expect((await dispatcher({ url: staffView[0].url })).rawPayload.equals(withExif)).toBe(true);
  });

  it('shows the public what the reporter sent, without metadata, and nothing staff added', async () => {
    const c = await t.env.db.selectFrom('cases').select('id').where('ticket_no', '=', ticketNo).executeTakeFirstOrThrow();
    const [sent] = (await dispatcher({ url: `/api/v1/cases/${c.id}/photos` })).json().items;
    const shown = await t.app.inject({ url: `/api/v1/public/cases/${ticketNo}/photos/${sent.id}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toBe('image/jpeg');
    expect(shown.headers['x-content-type-options']).toBe('nosniff');
    expect(shown.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const meta = await sharp(shown.rawPayload).metadata();
    expect(meta.exif).toBeUndefined();
    expect(shown.rawPayload.includes(Buffer.from('ShiyuPhone'))).toBe(false);
    expect([meta.width, meta.height]).toEqual([300, 400]);
    const thumb = await t.app.inject({ url: `/api/v1/public/cases/${ticketNo}/photos/${sent.id}?size=thumb` });
    expect(thumb.headers['content-type']).toBe('image/jpeg');

    const staff = await upload(dispatcher, c.id, images.png, 'a.png', 'image/png', { stage: 'report' });
    expect(staff.statusCode).toBe(201);
    expect((await t.app.inject({ url: `/api/v1/public/cases/${ticketNo}/photos/${staff.json().id}` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/public/cases/${inD1.ticketNo}/photos/${sent.id}` })).statusCode).toBe(404);
    // The public page lists the reporter's photo, and not the staff one.
    const page = (await t.app.inject({ url: `/api/v1/public/cases/${ticketNo}` })).json();
    expect(page.photos.map((p: { id: number }) => p.id)).toEqual([sent.id]);
    expect(page.photos[0].thumbnailUrl).toBe(`/api/v1/public/cases/${ticketNo}/photos/${sent.id}?size=thumb`);
  });
});

describe('Open311 media', () => {
  const KEY = 'demo-open311-key';
  let serviceCode: string;
  beforeAll(async () => {
    serviceCode = (await t.env.db.selectFrom('case_categories').select('code').where('name', '=', '占道经营').executeTakeFirstOrThrow()).code;
  });

  const request = () => {
    const point = interiorPoint(d1Grid.boundary);
    return { api_key: KEY, service_code: serviceCode, lat: String(point.lat), long: String(point.lon), description: '人行道上有摊贩占道经营' };
  };

  it('stores the photo with the case and answers it as media_url', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...multipart(request(), { name: 'media', filename: 'stall.png', type: 'application/octet-stream', content: images.png }) });
    expect(res.statusCode, res.body).toBe(200);
    const ticket = res.json()[0].service_request_id as string;
    const [one] = (await t.app.inject({ url: `/open311/v2/requests/${ticket}.json` })).json();
    expect(one.media_url).toMatch(new RegExp(`^http://[^/]+/api/v1/public/cases/${ticket}/photos/\\d+$`));
    const image = await t.app.inject({ url: new URL(one.media_url).pathname });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect((await sharp(image.rawPayload).metadata()).width).toBe(800);
    const listed = (await t.app.inject({ url: `/open311/v2/requests.json?service_request_id=${ticket}` })).json();
    expect(listed[0].media_url).toBe(one.media_url);
    const c = await t.env.db.selectFrom('cases').select('id').where('ticket_no', '=', ticket).executeTakeFirstOrThrow();
    const photos = await t.env.db.selectFrom('case_photos').select(['via', 'stage', 'media_type']).where('case_id', '=', c.id).execute();
    expect(photos).toEqual([{ via: 'open311', stage: 'report', media_type: 'image/png' }]);
  });

  it('makes no case when the photo cannot be decoded', async () => {
    const before = await t.env.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const truncated = images.jpeg.subarray(0, 2000);
    const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...multipart(request(), { name: 'media', filename: 'x.jpg', type: 'image/jpeg', content: truncated }) });
    expect(res.statusCode).toBe(400);
    expect(res.json()[0].description).toContain('media');
    const fake = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...multipart(request(), { name: 'media', filename: 'x.png', type: 'image/png', content: Buffer.from('<?php echo 1; ?>') }) });
    expect(fake.statusCode).toBe(400);
    expect(fake.json()[0].description).toBe('media must be a JPEG, PNG or WebP image');
    // The key is checked before the photo is decoded.
    const unknownKey = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...multipart({ ...request(), api_key: 'nobody' }, { name: 'media', filename: 'x.jpg', type: 'image/jpeg', content: truncated }) });
    expect(unknownKey.statusCode).toBe(403);
    const after = await t.env.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('shows nobody the photos of a reporter who did not agree to be seen, though staff have them', async () => {
    const made = await t.app.inject({
      method: 'POST', url: '/api/v1/public/cases', remoteAddress: '10.9.0.2',
      payload: { description: '我家楼下邻居装修噪音', location: interiorPoint(d1Grid.boundary), challenge: await solved() },
    });
    expect(made.statusCode, made.body).toBe(201);
    const own = made.json();
    const res = await publicUpload(own.ticketNo, own.secret, withExif);
    expect(res.statusCode, res.body).toBe(201);
    const c = await t.env.db.selectFrom('cases').select('id').where('ticket_no', '=', own.ticketNo).executeTakeFirstOrThrow();
    expect((await dispatcher({ url: `/api/v1/cases/${c.id}/photos` })).json().items).toHaveLength(1);
    expect((await t.app.inject({ url: `/api/v1/public/cases/${own.ticketNo}/photos/${res.json().id}` })).statusCode).toBe(404);
    const page = (await t.app.inject({ url: `/api/v1/public/cases/${own.ticketNo}` })).json();
    expect([page.shownPublicly, page.photos, page.location]).toEqual([false, [], null]);
  });
});
