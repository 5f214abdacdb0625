import net from 'node:net';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSystemApiKey } from '../accounts/accounts.service.js';
import { testInstance, type TestInstance } from '../../test/app.js';
import { ANSWERING_ACTIONS } from '../cases/cases.workflow.js';
import type { Area } from '../geo/geometry.js';
import { UPDATE_STATUS } from './open311.service.js';
import { departmentHandler, interiorPoint } from '../../test/fixtures.js';

let t: TestInstance;
type As = ReturnType<TestInstance['as']>;
let dispatcher: As;
let admin: As;
let grid: { id: number; boundary: Area };
let point: { lon: number; lat: number };
let stall: { code: string; name: string; parent: string };
let garbage: { code: string; name: string };
const KEY = 'demo-open311-key';

const inside = interiorPoint;

const form = (fields: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined)).toString();

function post(format: 'json' | 'xml', fields: Record<string, string | undefined>) {
  return t.app.inject({ method: 'POST', url: `/open311/v2/requests.${format}`, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, payload: form(fields) });
}

function request(overrides: Record<string, string | undefined> = {}) {
  return {
    api_key: KEY, jurisdiction_id: 'nantong.gov.cn', service_code: stall.code, lat: String(point.lat), long: String(point.lon),
    description: '人行道上有摊贩占道经营，行人只能走机动车道', first_name: '小明', last_name: '王', phone: '13812345678', email: 'wang@example.cn',
    ...overrides,
  };
}

/** The single error of a spec-format error answer, in JSON. */
function jsonError(res: { json(): unknown }) {
  const body = res.json() as { code: number; description: string }[];
  expect(Array.isArray(body)).toBe(true);
  expect(body).toHaveLength(1);
  return body[0];
}

/** A valid PNG of one red pixel, chunk by chunk. */
function tinyPng(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0); // width
  header.writeUInt32BE(1, 4); // height
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const pixels = zlib.deflateSync(Buffer.from([0, 255, 0, 0])); // filter byte, then RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

/** A multipart form; fields as pairs may repeat a name. */
function multipart(fields: Record<string, string> | [string, string][], file?: { name: string; filename: string; type: string; content: Buffer }) {
  const boundary = '----shiyu-open311-test';
  const parts: Buffer[] = [];
  for (const [name, value] of Array.isArray(fields) ? fields : Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function act(as: As, id: number, body: Record<string, unknown>) {
  const current = (await admin({ url: `/api/v1/cases/${id}` })).json();
  const res = await as({ method: 'POST', url: `/api/v1/cases/${id}/actions`, payload: { version: current.version, ...body } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const handlerOf = (departmentId: number): Promise<As> => departmentHandler(t, departmentId);

const caseOf = (ticketNo: string) => t.env.db.selectFrom('cases').selectAll().where('ticket_no', '=', ticketNo).executeTakeFirstOrThrow();

beforeAll(async () => {
  t = await testInstance();
  dispatcher = t.as(await t.login('dispatcher'));
  admin = t.as(await t.login('admin'));
  grid = (await t.env.db.selectFrom('grids').select(['id', 'boundary']).orderBy('id').executeTakeFirstOrThrow()) as typeof grid;
  point = inside(grid.boundary);
  const row = await t.env.db.selectFrom('case_categories as c').innerJoin('case_categories as p', 'p.code', 'c.parent_code')
    .select(['c.code', 'c.name', 'p.name as parent']).where('c.name', '=', '占道经营').executeTakeFirstOrThrow();
  stall = row;
  garbage = await t.env.db.selectFrom('case_categories').select(['code', 'name']).where('name', '=', '暴露垃圾').executeTakeFirstOrThrow();
});
afterAll(async () => { await t.close(); });

describe('discovery and services', () => {
  it('describes the endpoint in both formats', async () => {
    const json = await t.app.inject({ url: '/open311/v2/discovery.json' });
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.json()).toMatchObject({
      changeset: expect.any(String), contact: expect.any(String), key_service: expect.any(String),
      endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: expect.stringMatching(/\/open311\/v2$/), type: 'test', formats: ['text/xml', 'application/json'] }],
    });
    const xml = await t.app.inject({ url: '/open311/v2/discovery.xml' });
    expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml.body).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<discovery><changeset>/);
    expect(xml.body).toContain('<formats><format>text/xml</format><format>application/json</format></formats>');
  });

  it('gives out links on PUBLIC_URL when set, whatever Host the caller sends', async () => {
    const discovered = async () => (await t.app.inject({ url: '/open311/v2/discovery.json', headers: { host: 'evil.example' } })).json().endpoints[0].url;
    expect(await discovered()).toBe('http://evil.example/open311/v2');
    t.env.config.publicUrl = 'https://12345.example.gov.cn';
    try {
      expect(await discovered()).toBe('https://12345.example.gov.cn/open311/v2');
    } finally {
      t.env.config.publicUrl = undefined;
    }
  });

  it('lists one service per active leaf category, grouped by its class', async () => {
    const res = await t.app.inject({ url: '/open311/v2/services.json' });
    const services = res.json() as Record<string, unknown>[];
    const codes = services.map((s) => s.service_code as string);
    expect(codes).toContain(stall.code);
    expect(codes).not.toContain(stall.code.slice(0, -2));
    expect(services.find((s) => s.service_code === stall.code)).toMatchObject({
      service_name: stall.name, group: stall.parent, type: 'realtime', metadata: true, keywords: expect.stringContaining(stall.name), description: expect.any(String),
    });
    const classes = await t.env.db.selectFrom('case_categories').select('parent_code').distinct().where('parent_code', 'is not', null).execute();
    for (const c of classes) expect(codes).not.toContain(c.parent_code);
    const xml = await t.app.inject({ url: '/open311/v2/services.xml' });
    expect(xml.body).toContain(`<service><service_code>${stall.code}</service_code><service_name>${stall.name}</service_name>`);
    expect(xml.body.match(/<service>/g)).toHaveLength(services.length);
  });

  it('defines a service with its attributes, and answers 404 in the spec format for an unknown one', async () => {
    const res = await t.app.inject({ url: `/open311/v2/services/${stall.code}.json` });
    expect(res.statusCode).toBe(200);
    const definition = res.json();
    expect(definition.service_code).toBe(stall.code);
    expect(definition.attributes.map((a: { code: string }) => a.code)).toEqual(['register_condition', 'urgency', 'location_detail']);
    expect(definition.attributes[0]).toMatchObject({ variable: false, order: 1 });
    expect(definition.attributes[1]).toMatchObject({ variable: true, datatype: 'singlevaluelist', required: false, order: 2, values: [{ key: 'routine', name: '一般' }, { key: 'urgent', name: '紧急' }] });
    expect(definition.attributes[2]).toMatchObject({ variable: true, datatype: 'string', required: false, order: 3 });
    const xml = await t.app.inject({ url: `/open311/v2/services/${stall.code}.xml` });
    expect(xml.body).toContain('<values><value><key>routine</key><name>一般</name></value><value><key>urgent</key><name>紧急</name></value></values>');

    const missing = await t.app.inject({ url: '/open311/v2/services/X9999.json' });
    expect(missing.statusCode).toBe(404);
    expect(jsonError(missing)).toMatchObject({ code: 404, description: expect.stringContaining('X9999') });
    const missingXml = await t.app.inject({ url: '/open311/v2/services/X9999.xml' });
    expect(missingXml.statusCode).toBe(404);
    expect(missingXml.body).toMatch(/<errors><error><code>404<\/code><description>service_code X9999 was not found<\/description><\/error><\/errors>/);
  });

  it('answers an unknown extension or resource with 404 in the spec format, never in Shiyu\'s', async () => {
    const yaml = await t.app.inject({ url: '/open311/v2/services.yaml' });
    expect(yaml.statusCode).toBe(404);
    expect(jsonError(yaml).code).toBe(404);
    const nothing = await t.app.inject({ url: '/open311/v2/nothing.xml' });
    expect(nothing.statusCode).toBe(404);
    expect(nothing.body).toContain('<errors><error><code>404</code>');
    expect((await t.app.inject({ url: '/open311/v2/tokens/abc.json' })).statusCode).toBe(404);
    const token = await t.app.inject({ url: '/open311/v2/tokens/abc.xml' });
    expect(token.body).toContain('<code>404</code>');
    // Shiyu's own API keeps its own shape.
    expect((await t.app.inject({ url: '/api/v1/nowhere' })).json()).toHaveProperty('error');
  });
});

describe('POST requests', () => {
  it('takes a request in with lat/long, in JSON', async () => {
    const res = await post('json', request({ account_id: 'acct-7' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const [answer] = res.json();
    expect(answer).toEqual({ service_request_id: expect.stringMatching(/^\d{13,}$/), service_notice: expect.any(String), account_id: 'acct-7' });
    const c = await caseOf(answer.service_request_id);
    expect(c).toMatchObject({ channel: 'open311', category_code: stall.code, status: 'received', grid_id: grid.id, urgency: 'routine' });
    expect(c.api_key_id).not.toBeNull();
    expect(c.reporter_phone_enc).not.toContain('13812345678');
    expect(t.env.cipher.decrypt(c.reporter_name_enc!)).toBe('王小明');
    expect(t.env.cipher.decrypt(c.reporter_email_enc!)).toBe('wang@example.cn');
  });

  it('takes a request in with an address only, in XML, under the key\'s jurisdiction', async () => {
    const res = await post('xml', request({ lat: undefined, long: undefined, address_string: '崇川区人民中路与工农路交叉口', service_code: garbage.code, 'attribute[urgency]': 'urgent', 'attribute[location_detail]': '东北角公交站旁' }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
    const id = /<service_requests><request><service_request_id>(\d+)<\/service_request_id><service_notice>[^<]+<\/service_notice><account_id\/><\/request><\/service_requests>/.exec(res.body)?.[1];
    expect(id, res.body).toBeTruthy();
    const c = await caseOf(id!);
    const city = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320600').executeTakeFirstOrThrow();
    expect(c).toMatchObject({ admin_unit_id: city.id, grid_id: null, lon: null, address: '崇川区人民中路与工农路交叉口', urgency: 'urgent' });
    expect(c.description).toContain('东北角公交站旁');
  });

  it('refuses a point outside the area its api_key serves, naming lat', async () => {
    // A key issued to the district the first grid is not in.
    const gridPath = (await t.env.db.selectFrom('grids').select('path').where('id', '=', grid.id).executeTakeFirstOrThrow()).path;
    const other = await t.env.db.selectFrom('admin_units').select(['id', 'path']).where('level', '=', 'district').execute();
    const elsewhere = other.find((u) => !gridPath.startsWith(u.path))!;
    await createSystemApiKey(t.env, 'district app', 'district-app-key', elsewhere.id);
    const res = await post('json', request({ api_key: 'district-app-key' }));
    expect(res.statusCode, res.body).toBe(400);
    expect(jsonError(res).description).toContain('outside the area');
    const own = other.find((u) => gridPath.startsWith(u.path))!;
    await createSystemApiKey(t.env, 'own district app', 'own-district-key', own.id);
    expect((await post('json', request({ api_key: 'own-district-key' }))).statusCode).toBe(200);
  });

  it('refuses a missing or invalid api_key with 403', async () => {
    const missing = await post('json', request({ api_key: undefined }));
    expect(missing.statusCode).toBe(403);
    expect(jsonError(missing)).toMatchObject({ code: 403, description: expect.stringContaining('api_key') });
    const bad = await post('xml', request({ api_key: 'guessed-key' }));
    expect(bad.statusCode).toBe(403);
    expect(bad.body).toMatch(/<errors><error><code>403<\/code><description>invalid api_key/);
  });

  it('answers 400 without a service_code, 404 for an unknown one', async () => {
    const missing = await post('json', request({ service_code: undefined }));
    expect(missing.statusCode).toBe(400);
    expect(jsonError(missing).description).toContain('service_code');
    const unknown = await post('json', request({ service_code: 'X9999' }));
    expect(unknown.statusCode).toBe(404);
    expect(jsonError(unknown).description).toContain('X9999');
    const aClass = await post('json', request({ service_code: stall.code.slice(0, -2) }));
    expect(aClass.statusCode).toBe(404);
  });

  it('requires a location, and a point inside the city', async () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ lat: undefined, long: undefined }, 'location'],
      [{ long: undefined }, 'together'],
      [{ lat: 'north' }, 'lat'],
      [{ long: '200' }, 'long'],
      [{ lat: '30', long: '100' }, 'lat/long: the point at longitude 100, latitude 30 lies outside'],
    ];
    for (const [overrides, word] of cases) {
      const res = await post('json', request(overrides));
      expect(res.statusCode, res.body).toBe(400);
      expect(jsonError(res).description).toContain(word);
    }
  });

  it('checks attributes and reporter fields against the definition', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ 'attribute[colour]': 'red' }, 'attribute[colour]'],
      [{ 'attribute[urgency]': 'critical' }, 'attribute[urgency]'],
      [{ 'attribute[register_condition]': 'x' }, 'attribute[register_condition]'],
      [{ 'attribute[location_detail]': '第一行\n第二行' }, 'attribute[location_detail]'],
      [{ 'attribute[location_detail]': '长'.repeat(201) }, 'attribute[location_detail]'],
      [{ phone: 'call me' }, 'phone'],
      [{ email: 'not-an-email' }, 'email'],
      [{ description: 'x'.repeat(4001) }, 'description'],
    ];
    for (const [overrides, word] of cases) {
      const res = await post('json', request(overrides));
      expect(res.statusCode, res.body).toBe(400);
      expect(jsonError(res).description).toContain(word);
    }
    const twice = await t.app.inject({
      method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `${form(request())}&attribute[urgency][]=routine&attribute[urgency][]=urgent`,
    });
    expect(twice.statusCode).toBe(400);
    const json = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', payload: request() });
    expect(json.statusCode).toBe(415);
    expect(jsonError(json).code).toBe(415);
  });

  it('stores a real PNG sent as media with the case, and refuses a fake one', async () => {
    const png = multipart(request(), { name: 'media', filename: 'pixel.png', type: 'image/png', content: tinyPng() });
    const res = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...png });
    expect(res.statusCode, res.body).toBe(200);
    const c = await caseOf(res.json()[0].service_request_id);
    const events = await t.env.db.selectFrom('case_events').select(['action', 'detail']).where('case_id', '=', c.id).orderBy('id').execute();
    expect(events.map((e) => e.action)).toEqual(['receive', 'photo']);
    expect(events[1].detail).toMatchObject({ stage: 'report', mediaType: 'image/png', bytes: tinyPng().length });

    const fake = multipart(request(), { name: 'media', filename: 'pixel.png', type: 'image/png', content: Buffer.from('<?php echo "not an image"; ?>') });
    const refused = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.xml', ...fake });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('media must be a JPEG, PNG or WebP image');
    const misnamed = multipart(request(), { name: 'photo', filename: 'pixel.png', type: 'image/png', content: tinyPng() });
    expect((await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...misnamed })).statusCode).toBe(400);
    const big = multipart(request(), { name: 'media', filename: 'big.jpg', type: 'image/jpeg', content: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(10 * 1024 * 1024)]) });
    const tooBig = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...big });
    expect(tooBig.statusCode).toBe(400);
    expect(jsonError(tooBig).description).toContain('10 MB');
  });

  it('reads the api_key that decides on the photo as it reads every field: a blank value is no value', async () => {
    const { api_key: _key, ...rest } = request({ description: '空白密钥在前' });
    const fields: [string, string][] = [['api_key', ''], ['api_key', KEY], ...Object.entries(rest).filter((e): e is [string, string] => e[1] !== undefined)];
    const before = await t.env.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const fake = multipart(fields, { name: 'media', filename: 'pixel.jpg', type: 'image/jpeg', content: Buffer.from('not an image at all') });
    const refused = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...fake });
    expect(refused.statusCode, refused.body).toBe(400);
    expect((await t.env.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n).toBe(before.n);
    const real = multipart(fields, { name: 'media', filename: 'pixel.png', type: 'image/png', content: tinyPng() });
    const taken = await t.app.inject({ method: 'POST', url: '/open311/v2/requests.json', ...real });
    expect(taken.statusCode, taken.body).toBe(200);
    const [shown] = (await t.app.inject({ url: `/open311/v2/requests/${taken.json()[0].service_request_id}.json` })).json();
    expect(shown.media_url).toMatch(/\/photos\/\d+$/);
  });

  it('refuses a form at a field it cannot store, and the connection goes on answering', async () => {
    const base = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
    const body = multipart({ ...request(), description: 'a\u0000b' } as Record<string, string>, { name: 'media', filename: 'big.jpg', type: 'image/jpeg', content: Buffer.alloc(2_000_000, 65) });
    const socket = net.connect(Number(base.port), base.hostname);
    let received = '';
    socket.on('data', (d: Buffer) => { received += d.toString('utf8'); });
    socket.on('error', () => {}); // judged by the answers it gave
    socket.write(`POST /open311/v2/requests.json HTTP/1.1\r\nHost: x\r\nContent-Type: ${body.headers['content-type']}\r\nContent-Length: ${body.payload.length}\r\n\r\n`);
    socket.write(body.payload);
    socket.write('GET /open311/v2/discovery.json HTTP/1.1\r\nHost: x\r\n\r\n');
    await expect.poll(() => received.match(/HTTP\/1\.1 \d{3}/g) ?? [], { timeout: 10_000 }).toEqual(['HTTP/1.1 400', 'HTTP/1.1 200']);
    expect(received).toContain('NUL');
    socket.destroy();
  });

  it('keeps a reporter\'s whole name, each part up to 50 characters', async () => {
    const first = `${'a'.repeat(49)}😀`;
    const ticket = (await post('json', request({ first_name: first, last_name: 'Smith' }))).json()[0].service_request_id;
    const c = await caseOf(ticket);
    expect(t.env.cipher.decrypt(c.reporter_name_enc!)).toBe(`${first} Smith`);
  });
});

describe('GET requests', () => {
  let tickets: string[];
  beforeAll(async () => {
    tickets = [];
    for (const code of [stall.code, garbage.code, garbage.code]) {
      tickets.push((await post('json', request({ service_code: code, description: `查询测试 ${code}` }))).json()[0].service_request_id);
    }
  });

  it('answers one request with the spec\'s fields and no personal data of the reporter', async () => {
    const res = await t.app.inject({ url: `/open311/v2/requests/${tickets[0]}.json` });
    expect(res.statusCode).toBe(200);
    const [one] = res.json();
    expect(one).toEqual({
      service_request_id: tickets[0], status: 'open', status_notes: null, service_name: stall.name, service_code: stall.code,
      description: `查询测试 ${stall.code}`, agency_responsible: null, service_notice: null,
      requested_datetime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), updated_datetime: expect.stringMatching(/Z$/), expected_datetime: null,
      address: null, lat: point.lat, long: point.lon, media_url: null,
    });
    for (const text of ['13812345678', '王小明', 'wang@example.cn', '小明']) expect(res.body).not.toContain(text);
    const xml = await t.app.inject({ url: `/open311/v2/requests/${tickets[0]}.xml` });
    expect(xml.body).toContain(`<service_requests><request><service_request_id>${tickets[0]}</service_request_id><status>open</status><status_notes/>`);
    const missing = await t.app.inject({ url: '/open311/v2/requests/2000010199999.json' });
    expect(missing.statusCode).toBe(404);
    expect(jsonError(missing).code).toBe(404);
  });

  it('keeps the notes of a hotline call out of the public description', async () => {
    const hotline = await dispatcher({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description: '王先生来电，住3栋502，反映楼下噪音', location: point } });
    const [one] = (await t.app.inject({ url: `/open311/v2/requests/${hotline.json().ticketNo}.json` })).json();
    expect(one).toMatchObject({ description: null, address: null, status: 'open' });
  });

  it('filters by ids, service code, status and dates, and pages', async () => {
    const byIds = (await t.app.inject({ url: `/open311/v2/requests.json?service_request_id=${tickets[0]},${tickets[2]}&service_code=${stall.code}` })).json();
    expect(byIds.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual([tickets[0], tickets[2]].sort());
    const byCode = (await t.app.inject({ url: `/open311/v2/requests.json?service_code=${garbage.code}&page_size=200` })).json();
    expect(byCode.every((r: { service_code: string }) => r.service_code === garbage.code)).toBe(true);
    expect(byCode.map((r: { service_request_id: string }) => r.service_request_id)).toEqual(expect.arrayContaining([tickets[1], tickets[2]]));
    const closed = (await t.app.inject({ url: '/open311/v2/requests.json?status=closed' })).json();
    expect(closed.every((r: { status: string }) => r.status === 'closed')).toBe(true);
    const open = (await t.app.inject({ url: '/open311/v2/requests.json?status=open&page_size=200' })).json();
    expect(open.length).toBeGreaterThanOrEqual(3);
    const both = (await t.app.inject({ url: '/open311/v2/requests.json?status=open,closed&page_size=200' })).json();
    expect(both.length).toBeGreaterThanOrEqual(open.length);
    const future = (await t.app.inject({ url: '/open311/v2/requests.json?start_date=2099-01-01T00:00:00Z' })).json();
    expect(future).toEqual([]);
    const past = (await t.app.inject({ url: '/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z&end_date=2000-02-01T00:00:00%2B08:00' })).json();
    expect(past).toEqual([]);
    const page1 = (await t.app.inject({ url: `/open311/v2/requests.json?service_code=${garbage.code}&page_size=1` })).json();
    const page2 = (await t.app.inject({ url: `/open311/v2/requests.json?service_code=${garbage.code}&page_size=1&page=2` })).json();
    expect(page1).toHaveLength(1);
    expect(page2).toHaveLength(1);
    expect(page2[0].service_request_id).not.toBe(page1[0].service_request_id);
    expect(byCode.slice(0, 2).map((r: { service_request_id: string }) => r.service_request_id)).toEqual([page1[0].service_request_id, page2[0].service_request_id]);
  });

  it('answers bad query parameters with 400 in the spec format', async () => {
    for (const query of ['page_size=500', 'page=0', 'start_date=yesterday', 'status=pending', 'start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z']) {
      const res = await t.app.inject({ url: `/open311/v2/requests.json?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(jsonError(res).code).toBe(400);
    }
    const xml = await t.app.inject({ url: '/open311/v2/requests.xml?page_size=500' });
    expect(xml.statusCode).toBe(400);
    expect(xml.body).toMatch(/<errors><error><code>400<\/code><description>page_size must be &lt;= 200<\/description><\/error><\/errors>/);
  });
});

describe('the loop, seen through Open311', () => {
  it('has an update status for every action that answers the reporter', () => {
    expect(Object.keys(UPDATE_STATUS).sort()).toEqual([...ANSWERING_ACTIONS].sort());
  });

  it('changes status and status_notes as staff handle the request, and lists the answers as updates', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const ticket = (await post('json', request({ description: '占道经营 <严重> & "影响通行"' }))).json()[0].service_request_id;
    const { id } = await caseOf(ticket);
    const view = async () => (await t.app.inject({ url: `/open311/v2/requests/${ticket}.json` })).json()[0];

    await act(dispatcher, id, { action: 'register' });
    const lead = (await act(dispatcher, id, { action: 'dispatch' })).departments[0];
    const handler = await handlerOf(lead.id);
    await act(handler, id, { action: 'accept' });
    let seen = await view();
    expect(seen).toMatchObject({ status: 'open', status_notes: null, agency_responsible: lead.name, expected_datetime: expect.stringMatching(/Z$/) });
    await act(handler, id, { action: 'report_back', note: '已劝离摊贩，恢复通行' });
    seen = await view();
    expect(seen).toMatchObject({ status: 'open', status_notes: '已劝离摊贩，恢复通行' });
    const worker = await t.env.db.selectFrom('grid_members').innerJoin('users', 'users.id', 'grid_members.user_id')
      .select('users.username').where('grid_members.grid_id', '=', grid.id).where('grid_members.role', '=', 'worker').executeTakeFirstOrThrow();
    await act(t.as(await t.login(worker.username)), id, { action: 'verify_ok', note: '网格员核查：已恢复' });
    await act(dispatcher, id, { action: 'callback', satisfaction: 5 });
    await act(dispatcher, id, { action: 'close', note: '群众满意，结案' });
    seen = await view();
    expect(seen).toMatchObject({ status: 'closed', status_notes: '群众满意，结案' });
    const row = await caseOf(ticket);
    expect(seen.updated_datetime).toBe(row.closed_at!.toISOString().replace(/\.\d{3}Z$/, 'Z'));

    const xml = (await t.app.inject({ url: `/open311/v2/requests/${ticket}.xml` })).body;
    expect(xml).toContain('<description>占道经营 &lt;严重&gt; &amp; &quot;影响通行&quot;</description>');
    expect(xml).toContain('<status>closed</status><status_notes>群众满意，结案</status_notes>');
    expect(xml).not.toContain('网格员核查');

    const updates = (await t.app.inject({ url: `/open311/v2/servicerequestupdates.json?start_date=${encodeURIComponent(since)}` })).json()
      .filter((u: { service_request_id: string }) => u.service_request_id === ticket);
    expect(updates).toEqual([
      { update_id: `${ticket}-4`, service_request_id: ticket, status: 'fixed', description: '已劝离摊贩，恢复通行', updated_datetime: expect.stringMatching(/Z$/), media_url: null },
      { update_id: `${ticket}-7`, service_request_id: ticket, status: 'closed', description: '群众满意，结案', updated_datetime: expect.stringMatching(/Z$/), media_url: null },
    ]);
    const updatesXml = (await t.app.inject({ url: `/open311/v2/servicerequestupdates.xml?start_date=${encodeURIComponent(since)}&api_key=${KEY}` })).body;
    expect(updatesXml).toContain(`<request_update><update_id>${ticket}-4</update_id><service_request_id>${ticket}</service_request_id><status>fixed</status>`);
    expect(updatesXml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>\n<service_requests_updates>/);
    const [soon, later] = [60_000, 120_000].map((ms) => encodeURIComponent(new Date(Date.now() + ms).toISOString()));
    const none = (await t.app.inject({ url: `/open311/v2/servicerequestupdates.json?start_date=${soon}&end_date=${later}` })).json();
    expect(none).toEqual([]);
    const badKey = await t.app.inject({ url: '/open311/v2/servicerequestupdates.json?api_key=guessed' });
    expect(badKey.statusCode).toBe(403);
  });

  it('lists an answer on a request older than a thousand newer ones, and takes end_date as the last second to include', async () => {
    const ticket = (await post('json', request({ description: '老案件的答复' }))).json()[0].service_request_id;
    const { id } = await caseOf(ticket);
    await act(dispatcher, id, { action: 'register' });
    const lead = (await act(dispatcher, id, { action: 'dispatch' })).departments[0];
    const handler = await handlerOf(lead.id);
    await act(handler, id, { action: 'accept' });
    await act(handler, id, { action: 'report_back', note: '已处理完毕' });
    const answered = await t.env.db.selectFrom('case_events').select('at').where('case_id', '=', id).where('action', '=', 'report_back').executeTakeFirstOrThrow();
    // Reported a month ago, with 1,001 requests reported and changed since.
    await sql`update cases set created_at = created_at - interval '30 days' where id = ${id}`.execute(t.env.db);
    await sql`insert into cases (ticket_no, city_id, channel, request_type, category_code, triage, urgency, status, description, lon, lat, grid_id, admin_unit_id, path)
      select '19990202' || lpad(n::text, 6, '0'), city_id, channel, request_type, category_code, triage, urgency, 'received', description, lon, lat, grid_id, admin_unit_id, path
      from cases, generate_series(1, 1001) n where id = ${id}`.execute(t.env.db);
    // The answer's own second, as the requests show it, is both ends of the range.
    const second = encodeURIComponent(answered.at.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const updates = (await t.app.inject({ url: `/open311/v2/servicerequestupdates.json?start_date=${second}&end_date=${second}` })).json();
    expect(updates.filter((u: { service_request_id: string }) => u.service_request_id === ticket)).toEqual([
      expect.objectContaining({ service_request_id: ticket, status: 'fixed', description: '已处理完毕' }),
    ]);
    const fresh = (await post('json', request({ description: '按秒查询' }))).json()[0].service_request_id;
    const [{ requested_datetime: at }] = (await t.app.inject({ url: `/open311/v2/requests/${fresh}.json` })).json();
    const sameSecond = (await t.app.inject({ url: `/open311/v2/requests.json?start_date=${encodeURIComponent(at)}&end_date=${encodeURIComponent(at)}` })).json();
    expect(sameSecond.map((r: { service_request_id: string }) => r.service_request_id)).toContain(fresh);
  });
});
