import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testInstance, type TestInstance } from '../../test/app.js';
import { csv, expectProblem, expectRejected, expectUnreadable, multipart, xlsx } from '../../test/imports.js';
import { buildApp } from '../app.js';
import { loadConfig } from '../core/config.js';
import { bbox, pointInArea, type Area } from './geometry.js';
import { mulberry32, subdivide } from './tiling.js';
import { exportGridsGeoJson, worksGrid } from './geo.service.js';
import type { Actor } from '../core/access.js';

// One seeded instance for the whole file: seeding takes seconds. Tests that change the
// geography touch communities no other test relies on, and every rejection is checked
// against a snapshot of the geography taken just before it.

const CSV = 'text/csv';
const GEOJSON = 'application/geo+json';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Communities of the small city: A and B share township 320613001; R is re-tiled; S takes sheet imports. */
const A = '320613001001';
const B = '320613001002';
const R = '320612002001';
const S = '320612001001';

interface GridRow { id: number; code: string; name: string; households: number | null; boundary: Area }
interface Community { id: number; code: string; boundary: Area; grids: GridRow[] }

let t: TestInstance;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  t = await testInstance();
  for (const name of ['admin', 'dispatcher', 'auditor']) tokens[name] = await t.login(name);
});
afterAll(async () => { await t?.close(); });

// ---------------------------------------------------------------- helpers

/** The instance-wide administrator the command line acts as. */
function adminActor(): Actor {
  return { id: 0, username: 'test', displayName: 'test', role: 'admin', jurisdictionId: null, jurisdictionPath: '', departmentId: null };
}

type Body = string | Buffer | object;

/** POST /api/v1/geo/imports as `token` (null: anonymous). */
function upload(token: string | null, kind: string, body: Body, contentType: string, query = '', app: FastifyInstance = t.app) {
  return app.inject({
    method: 'POST',
    url: `/api/v1/geo/imports?kind=${kind}${query}`,
    payload: body as string,
    headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });
const collection = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

async function community(code: string): Promise<Community> {
  const unit = await t.env.db.selectFrom('admin_units').select(['id', 'code', 'boundary']).where('code', '=', code).executeTakeFirstOrThrow();
  const grids = await t.env.db.selectFrom('grids').select(['id', 'code', 'name', 'households', 'boundary'])
    .where('community_id', '=', unit.id).orderBy('code').execute();
  return { id: unit.id, code: unit.code, boundary: unit.boundary as Area, grids: grids.map((g) => ({ ...g, boundary: g.boundary as Area })) };
}

/** A community's current grids as import features: a valid file to mutate. */
function gridFeatures(c: Community) {
  return c.grids.map((g) => feature({ code: g.code, name: g.name, community_code: c.code, households: g.households }, g.boundary));
}

/** Everything an import could change, to prove a rejected one changed nothing. */
async function geography() {
  const db = t.env.db;
  return {
    units: await db.selectFrom('admin_units').select(['code', 'name', 'level', 'parent_id', 'path', 'updated_at']).orderBy('code').execute(),
    grids: await db.selectFrom('grids').select(['code', 'name', 'community_id', 'households', 'boundary', 'updated_at']).orderBy('code').execute(),
    members: await db.selectFrom('grid_members').select(['id', 'grid_id', 'role', 'name']).orderBy('id').execute(),
    audit: (await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n'))
      .where((eb) => eb.or([eb('action', 'like', 'grid%'), eb('action', 'like', 'admin_unit%')])).executeTakeFirstOrThrow()).n,
  };
}

/** A file refused as a whole (422), or one that cannot be read at all (400): either way the geography stays as it was. */
const rejected = (send: () => Promise<LightMyRequestResponse>) => expectRejected(send, geography);
const unreadable = (send: () => Promise<LightMyRequestResponse>, message: RegExp) => expectUnreadable(send, message, geography);

/** A point strictly inside an area, found by seeded sampling of its box. */
function pointInside(area: Area): [number, number] {
  const [x0, y0, x1, y1] = bbox(area);
  const rng = mulberry32(11);
  for (;;) {
    const [x, y] = [x0 + rng() * (x1 - x0), y0 + rng() * (y1 - y0)];
    if (pointInArea(x, y, area)) return [x, y];
  }
}

function translate(area: Area, dx: number, dy: number): Area {
  const move = (ring: number[][]) => ring.map(([x, y]) => [x + dx, y + dy]);
  return area.type === 'Polygon'
    ? { type: 'Polygon', coordinates: area.coordinates.map(move) }
    : { type: 'MultiPolygon', coordinates: area.coordinates.map((rings) => rings.map(move)) };
}

/** A small square around a point, in degrees. */
function square(x: number, y: number, d = 0.001) {
  return { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] };
}

const MEMBER_HEADER = ['grid_code', 'role', 'name', 'phone', 'organization'];

// ---------------------------------------------------------------- access

describe('import access', () => {
  it('refuses an anonymous caller before reading the file', async () => {
    const c = await community(A);
    for (const body of ['', collection(gridFeatures(c))]) {
      const res = await upload(null, 'grids', body, GEOJSON);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('unauthorized');
    }
  });

  it('refuses a role without geo.import (dispatcher gets 403)', async () => {
    const before = await geography();
    const c = await community(A);
    for (const body of ['garbage', collection(gridFeatures(c))]) {
      const res = await upload(tokens.dispatcher, 'grids', body, GEOJSON);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect(await geography()).toEqual(before);
  });

  describe("for an admin of one district (通州区)", () => {
    let districtAdmin: string;
    beforeAll(async () => {
      const district = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320612').executeTakeFirstOrThrow();
      const created = await t.as(tokens.admin)({
        method: 'POST', url: '/api/v1/users',
        payload: { username: 'admin_tongzhou', displayName: '通州区管理员', password: 'tongzhou-admin', role: 'admin', jurisdictionId: district.id },
      });
      expect(created.statusCode, created.body).toBe(201);
      const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin_tongzhou', password: 'tongzhou-admin' } });
      districtAdmin = login.json().token;
    });

    it("hides communities outside the caller's jurisdiction", async () => {
      const problems = await rejected(async () => upload(districtAdmin, 'grids', collection(gridFeatures(await community(A))), GEOJSON));
      expect(problems).toEqual([
        { index: 0, code: `${A}01`, problems: [`community_code ${A} is not a known admin unit`] },
        { index: 1, code: `${A}02`, problems: [`community_code ${A} is not a known admin unit`] },
      ]);
    });

    it('hides parents outside the jurisdiction when adding admin units', async () => {
      const problems = await rejected(() => upload(districtAdmin, 'admin-units', csv(['code', 'name', 'level', 'parent_code'], [
        ['320613088', '外区街道', 'township', '320613'],
      ]), CSV));
      expect(problems).toEqual([{ index: 1, code: '320613088', problems: ['parent_code 320613 is not a known admin unit'] }]);
    });

    it('hides grids outside the jurisdiction when setting members', async () => {
      const problems = await rejected(() => upload(districtAdmin, 'grid-members', csv(MEMBER_HEADER, [[`${A}01`, '网格员', '张三', '13812345678', '']]), CSV));
      expect(problems).toEqual([{ index: 1, code: `${A}01`, problems: [`grid_code ${A}01 is not a known grid`] }]);
    });

    it('does not name or locate grids outside the jurisdiction when refusing an overlap with them', async () => {
      const a = await community(A);
      // One of A's grids (崇川区) filed as a grid of S (通州区): outside S, and over A's grid.
      const problems = await rejected(() => upload(districtAdmin, 'grids', collection([feature({ code: `${S}91`, name: '越界网格', community_code: S }, a.grids[0].boundary)]), GEOJSON));
      const text = JSON.stringify(problems);
      expect(text).toContain('overlaps grid outside your jurisdiction');
      for (const g of a.grids) expect(text).not.toContain(g.code);
    });

    it('imports grids of a community inside the jurisdiction', async () => {
      const res = await upload(districtAdmin, 'grids', collection(gridFeatures(await community('320612001002'))), GEOJSON);
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toEqual({ kind: 'grids', rows: 2, created: 0, updated: 2, removed: 0 });
    });
  });
});

// ---------------------------------------------------------------- admin units

describe('admin-unit import', () => {
  const HEADER = ['code', 'name', 'level', 'parent_code'];
  const units = (rows: unknown[][]) => upload(tokens.admin, 'admin-units', csv(HEADER, rows), CSV);

  it('adds a township and its communities from one CSV, children listed before their parent', async () => {
    const res = await units([
      ['320613090001', '试点一社区', 'community', '320613090'],
      ['320613090002', '试点二社区', 'community', '320613090'],
      ['320613090', '试点街道', 'township', '320613'],
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ kind: 'admin-units', rows: 3, created: 3, updated: 0, removed: 0 });

    const tree = await t.as(tokens.admin)({ url: '/api/v1/admin-units' });
    expect(tree.statusCode).toBe(200);
    type Node = { code: string; name: string; level: string; children: Node[] };
    const find = (nodes: Node[], code: string): Node | undefined =>
      nodes.map((n) => (n.code === code ? n : find(n.children, code))).find(Boolean);
    const township = find(find(tree.json().items, '320613')!.children, '320613090');
    expect(township).toMatchObject({ name: '试点街道', level: 'township' });
    expect(township!.children.map((c) => [c.code, c.name, c.level])).toEqual([
      ['320613090001', '试点一社区', 'community'],
      ['320613090002', '试点二社区', 'community'],
    ]);
    const audit = await t.env.db.selectFrom('audit_log').select('action').where('action', '=', 'admin_unit.create').execute();
    expect(audit).toHaveLength(3);
  });

  it('updates a unit named again by its code instead of adding another', async () => {
    const res = await units([['320613090', '试点新街道', 'township', '320613']]);
    expect(res.json()).toEqual({ kind: 'admin-units', rows: 1, created: 0, updated: 1, removed: 0 });
    const unit = await t.env.db.selectFrom('admin_units').select(['name']).where('code', '=', '320613090').execute();
    expect(unit).toEqual([{ name: '试点新街道' }]);
  });

  it('reads a CSV saved by Excel, with a byte-order mark and CRLF line endings', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv(HEADER, [['320613090', '试点街道', 'township', '320613']]).replace(/\n/g, '\r\n'))]);
    const res = await upload(tokens.admin, 'admin-units', body, CSV);
    expect(res.statusCode, res.body).toBe(201);
    const unit = await t.env.db.selectFrom('admin_units').select(['name']).where('code', '=', '320613090').execute();
    expect(unit).toEqual([{ name: '试点街道' }]);
  });

  it('refuses to move an existing unit under another parent, even one added by the same file', async () => {
    const problems = await rejected(() => units([
      ['320613091', '另一街道', 'township', '320613'],
      ['320613090001', '试点一社区', 'community', '320613091'],
    ]));
    expectProblem(problems, 2, '320613090001', /moving units is not supported/);
  });

  it.each([
    ['an unknown parent code, naming the row', [['320613092', '无名街道', 'township', '320613'], ['320613092001', '孤儿社区', 'community', '999999999']], 2, '320613092001', /parent_code 999999999 is not a known admin unit/],
    ['a community directly under a district', [['320613093001', '越级社区', 'community', '320613']], 1, '320613093001', /a community cannot sit under a district/],
    ['a code listed twice', [['320613094', '重复街道', 'township', '320613'], ['320613094', '重复街道二', 'township', '320613']], 2, '320613094', /appears more than once/],
    ['a name longer than 100 characters', [['320613095', '长'.repeat(101), 'township', '320613']], 1, '320613095', /name is longer than 100 characters/],
    ['an unknown level', [['320613096', '某处', 'village', '320613']], 1, '320613096', /level must be one of/],
    ['a district without a parent', [['320699', '孤区', 'district', '']], 1, '320699', /parent_code is missing/],
    ['a code with spaces', [['3206 13', '空格', 'district', '320600']], 1, '3206 13', /code must be/],
  ])('rejects %s', async (_name, rows, index, code, pattern) => {
    expectProblem(await rejected(() => units(rows)), index, code, pattern);
  });

  it.each([
    ['a CSV with a header only', 'code,name,level,parent_code\n', /header but no rows/],
    ['an empty file (0 bytes)', '', /empty/],
    ['broken CSV quoting', 'code,name,level,parent_code\n320613097,"未闭合,township,320613\n', /could not be read/],
    ['rows of the wrong length', 'code,name,level,parent_code\n320613098,某街道,township\n', /could not be read/],
  ])('refuses %s as a 400 naming the file', async (_name, body, message) => {
    await unreadable(() => upload(tokens.admin, 'admin-units', body, CSV), message);
  });

  it('keeps the reader\'s error short when a CSV field is huge', async () => {
    const res = await upload(tokens.admin, 'admin-units', `code,name\n${'x'.repeat(100_000)}"a,b\n`, CSV);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message.length).toBeLessThan(400);
  });
});

// ---------------------------------------------------------------- grids from GeoJSON

describe('grid import from GeoJSON', () => {
  let split: Area[];
  const splitCodes = [`${R}11`, `${R}12`, `${R}13`];
  const splitFeatures = (pieces: number[]) => pieces.map((i) => feature({ code: splitCodes[i], name: `第${i + 1}网格`, community_code: R, households: 100 + i }, split[i]));

  beforeAll(async () => {
    split = subdivide((await community(R)).boundary, 3, mulberry32(42));
  });

  it('replaces a community\'s grids with a re-tiling and rebuilds the point index', async () => {
    const before = await community(R);
    expect(before.grids).toHaveLength(2);
    const [lon, lat] = pointInside(split[1]);
    const located = await t.as(tokens.admin)({ url: `/api/v1/grids/locate?lon=${lon}&lat=${lat}` });
    expect(before.grids.map((g) => g.code)).toContain(located.json().grid.code);

    const res = await upload(tokens.admin, 'grids', collection(splitFeatures([0, 1, 2])), GEOJSON);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ kind: 'grids', rows: 3, created: 3, updated: 0, removed: 2 });

    const list = await t.as(tokens.admin)({ url: `/api/v1/grids?adminUnitId=${before.id}` });
    expect(list.json().items.map((g: { code: string }) => g.code)).toEqual(splitCodes);
    expect(list.json().total).toBe(3);
    const gone = await t.env.db.selectFrom('grids').select('id').where('code', 'in', before.grids.map((g) => g.code)).execute();
    expect(gone).toEqual([]);

    const after = await t.as(tokens.admin)({ url: `/api/v1/grids/locate?lon=${lon}&lat=${lat}` });
    expect(after.statusCode).toBe(200);
    expect(after.json().grid.code).toBe(splitCodes[1]);

    const audit = await t.env.db.selectFrom('audit_log').select(['action', 'target_id', 'actor_name'])
      .where('action', 'in', ['grid.create', 'grid.delete']).orderBy('id').execute();
    const created = (await community(R)).grids.map((g) => String(g.id));
    expect(audit).toEqual(expect.arrayContaining([
      ...before.grids.map((g) => ({ action: 'grid.delete', target_id: String(g.id), actor_name: 'admin' })),
      ...created.map((id) => ({ action: 'grid.create', target_id: id, actor_name: 'admin' })),
    ]));
  });

  it("refuses to remove a grid that has cases, and redraws it when the file keeps its code", async () => {
    const [lon, lat] = pointInside(split[1]);
    const taken = await t.as(tokens.dispatcher)({ method: 'POST', url: '/api/v1/cases', payload: { channel: 'hotline', requestType: 'complaint', description: '网格调整前的案件', location: { lon, lat } } });
    expect(taken.statusCode, taken.body).toBe(201);
    expect(taken.json().grid.code).toBe(splitCodes[1]);
    const renamed = split.map((area, i) => feature({ code: `${R}2${i}`, name: `新第${i + 1}网格`, community_code: R }, area));
    const refused = await upload(tokens.admin, 'grids', collection(renamed), GEOJSON);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error).toMatchObject({ field: 'file', message: expect.stringContaining(`grid ${splitCodes[1]} has cases`) });
    expect((await community(R)).grids.map((g) => g.code)).toEqual(splitCodes);
    const kept = await upload(tokens.admin, 'grids', collection(splitFeatures([0, 1, 2])), GEOJSON);
    expect(kept.statusCode, kept.body).toBe(201);
    expect(kept.json()).toMatchObject({ created: 0, updated: 3, removed: 0 });
  });

  it('takes back the whole city as exported, every grid passing the rules', async () => {
    let exported = '';
    await exportGridsGeoJson(t.env, { actor: adminActor() }, (chunk) => { exported += chunk; });
    const res = await upload(tokens.admin, 'grids', exported, GEOJSON);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(201);
    const total = (await t.env.db.selectFrom('grids').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
    expect(res.json()).toMatchObject({ rows: total, created: 0, updated: total, removed: 0 });
  });

  it('reads a GeoJSON file saved with a byte-order mark', async () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(collection(splitFeatures([0, 1, 2])))]);
    const res = await upload(tokens.admin, 'grids', body, GEOJSON);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ rows: 3, updated: 3 });
  });

  it('accepts the same grids again as a JSON body, updating them in place', async () => {
    const res = await t.as(tokens.admin)({ method: 'POST', url: '/api/v1/geo/imports?kind=grids', payload: JSON.parse(collection(splitFeatures([0, 1, 2]))) });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ kind: 'grids', rows: 3, created: 0, updated: 3, removed: 0 });
  });

  describe('rejects, naming the feature and changing nothing,', () => {
    let a: Community;
    let b: Community;
    beforeAll(async () => { [a, b] = [await community(A), await community(B)]; });

    /** A's grids as a valid file, with feature 1 changed. */
    const withSecond = (change: (f: ReturnType<typeof feature>) => void) => {
      const features = gridFeatures(a);
      change(features[1]);
      return collection(features);
    };
    const ring = () => (a.grids[1].boundary as { coordinates: number[][][] }).coordinates[0];
    const cases: [string, () => string, number, RegExp][] = [
      ['a self-intersecting (bow-tie) polygon', () => withSecond((f) => {
        const [x, y] = ring()[0];
        f.geometry = { type: 'Polygon', coordinates: [[[x, y], [x + 0.01, y + 0.01], [x + 0.01, y], [x, y + 0.01], [x, y]]] };
      }), 1, /intersects itself/],
      ['an unclosed ring', () => withSecond((f) => { f.geometry = { type: 'Polygon', coordinates: [ring().slice(0, -1)] }; }), 1, /not closed/],
      ['a ring of too few points', () => withSecond((f) => { const r = ring(); f.geometry = { type: 'Polygon', coordinates: [[r[0], r[1], r[0]]] }; }), 1, /at least 4/],
      ['strings in coordinates', () => withSecond((f) => { const r = ring().map((p) => [...p]); r[2] = [String(r[2][0]), r[2][1]] as never; f.geometry = { type: 'Polygon', coordinates: [r] }; }), 1, /non-numeric/],
      ['NaN in coordinates (null once written as JSON)', () => withSecond((f) => { const r = ring().map((p) => [...p]); r[2] = [NaN, r[2][1]]; f.geometry = { type: 'Polygon', coordinates: [r] }; }), 1, /non-numeric/],
      ['a latitude of 95', () => withSecond((f) => { const r = ring().map((p) => [...p]); r[2] = [r[2][0], 95]; f.geometry = { type: 'Polygon', coordinates: [r] }; }), 1, /out of range/],
      ['a Point', () => withSecond((f) => { f.geometry = { type: 'Point', coordinates: ring()[0] }; }), 1, /must be Polygon or MultiPolygon, not "Point"/],
      ['a LineString', () => withSecond((f) => { f.geometry = { type: 'LineString', coordinates: ring() }; }), 1, /must be Polygon or MultiPolygon, not "LineString"/],
      ['a feature without geometry', () => withSecond((f) => { f.geometry = null; }), 1, /has no geometry/],
      ['an unknown community_code', () => withSecond((f) => { f.properties.community_code = '320613999999'; }), 1, /community_code 320613999999 is not a known admin unit/],
      ['a township as community_code', () => withSecond((f) => { f.properties.community_code = '320613001'; }), 1, /is a township, not a community/],
      ['a missing code', () => withSecond((f) => { delete f.properties.code; }), 1, /code must be/],
      ['a missing name', () => withSecond((f) => { f.properties.name = '  '; }), 1, /name is missing/],
      ['a code listed twice', () => withSecond((f) => { f.properties.code = a.grids[0].code; }), 1, /appears more than once/],
      ['households of -1', () => withSecond((f) => { f.properties.households = -1; }), 1, /households must be a whole number/],
      ['households of 1.5', () => withSecond((f) => { f.properties.households = 1.5; }), 1, /households must be a whole number/],
      ['households of "abc"', () => withSecond((f) => { f.properties.households = 'abc'; }), 1, /households must be a whole number/],
      ['an entry that is not a Feature', () => collection([gridFeatures(a)[0], { type: 'Polygon', coordinates: [ring()] }]), 1, /is not a GeoJSON Feature/],
    ];

    it.each(cases)('%s', async (_name, body, index, pattern) => {
      const problems = await rejected(() => upload(tokens.admin, 'grids', body(), GEOJSON));
      const code = JSON.parse(body()).features[index].properties?.code;
      expectProblem(problems, index, code, pattern);
    });

    it('a grid overlapping its sibling, naming both', async () => {
      const body = withSecond((f) => { f.geometry = a.boundary; });
      const problems = await rejected(() => upload(tokens.admin, 'grids', body, GEOJSON));
      expectProblem(problems, 0, a.grids[0].code, new RegExp(`overlaps grid ${a.grids[1].code}`));
      expectProblem(problems, 1, a.grids[1].code, new RegExp(`overlaps grid ${a.grids[0].code}`));
    });

    it('a grid partly outside its community', async () => {
      const body = withSecond((f) => { f.geometry = translate(a.grids[1].boundary, 0.01, 0.01); });
      const problems = await rejected(() => upload(tokens.admin, 'grids', body, GEOJSON));
      expectProblem(problems, 1, a.grids[1].code, new RegExp(`m² outside community ${A}`));
    });

    it('a set leaving a gap (one piece of a three-way split left out)', async () => {
      const problems = await rejected(() => upload(tokens.admin, 'grids', collection(splitFeatures([0, 2])), GEOJSON));
      // Reported once, on the community's first grid in the file.
      expectProblem(problems, 0, splitCodes[0], new RegExp(`the grids of community ${R} leave \\d+ m² uncovered`));
      expect(problems).toHaveLength(1);
    });

    it('a grid lying over a grid of the neighbouring community', async () => {
      const features = [...gridFeatures(a), feature({ code: `${A}03`, name: '越界网格', community_code: A }, b.grids[0].boundary)];
      const problems = await rejected(() => upload(tokens.admin, 'grids', collection(features), GEOJSON));
      expectProblem(problems, 2, `${A}03`, new RegExp(`outside community ${A}`));
      expectProblem(problems, 2, `${A}03`, new RegExp(`overlaps grid ${b.grids[0].code}`));
    });

    it('a code that belongs to a grid of another community', async () => {
      const features = gridFeatures(a);
      features[1].properties.code = b.grids[0].code;
      const problems = await rejected(() => upload(tokens.admin, 'grids', collection(features), GEOJSON));
      expectProblem(problems, 1, b.grids[0].code, new RegExp(`already used by a grid of community ${B}`));
    });
  });

  describe('refuses as a 400 naming the file', () => {
    it.each([
      ['a FeatureCollection with zero features', collection([]), /no features/],
      ['a file that is not JSON at all', 'this is not json, just words', /not valid JSON/],
      ['JSON with a bare NaN', '{"type":"FeatureCollection","features":[NaN]}', /not valid JSON/],
      ['JSON that is not GeoJSON', JSON.stringify({ grids: [{ code: 'x' }] }), /FeatureCollection or a Feature/],
      ['a bare geometry', JSON.stringify(square(120.9, 32)), /FeatureCollection or a Feature/],
    ])('%s', async (_name, body, message) => {
      await unreadable(() => upload(tokens.admin, 'grids', body, GEOJSON), message);
    });

    it('a request that does not say what the file holds (field kind)', async () => {
      const res = await t.as(tokens.admin)({ method: 'POST', url: '/api/v1/geo/imports', payload: collection([]), headers: { 'content-type': GEOJSON } });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_input', field: 'kind' });
    });

    it('a JSON body that is a string, not a document', async () => {
      await unreadable(() => upload(tokens.admin, 'grids', '"hello"', 'application/json'), /multipart\/form-data or as the request body/);
    });

    it('a JSON body nested too deep to be GeoJSON', async () => {
      await unreadable(() => upload(tokens.admin, 'grids', '['.repeat(5000) + ']'.repeat(5000), 'application/json'), /nested too deeply/);
    });
  });
});

// ---------------------------------------------------------------- grids from sheets

describe('grid import from sheets', () => {
  const HEADER = ['code', 'name', 'community_code', 'households', 'geometry'];
  let rowsFor: (households: number) => unknown[][];

  beforeAll(async () => {
    const s = await community(S);
    rowsFor = (households) => s.grids.map((g, i) => [g.code, g.name, S, households + i, g.boundary]);
  });

  async function expectHouseholds(households: number) {
    const grids = await t.env.db.selectFrom('grids').select('households').where('code', 'like', `${S}%`).orderBy('code').execute();
    expect(grids).toEqual([{ households }, { households: households + 1 }]);
  }

  it('reads a CSV with a geometry column of GeoJSON text sent as the raw body', async () => {
    const res = await upload(tokens.admin, 'grids', csv(HEADER, rowsFor(201)), CSV);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ kind: 'grids', rows: 2, created: 0, updated: 2, removed: 0 });
    await expectHouseholds(201);
  });

  it('reads the same CSV uploaded as multipart', async () => {
    const form = multipart('grids.csv', csv(HEADER, rowsFor(202)), CSV);
    const res = await upload(tokens.admin, 'grids', form.payload, form.contentType);
    expect(res.statusCode, res.body).toBe(201);
    await expectHouseholds(202);
  });

  it('reads an XLSX workbook sent as the raw body', async () => {
    const res = await upload(tokens.admin, 'grids', await xlsx(HEADER, rowsFor(203)), 'application/octet-stream');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ rows: 2, updated: 2 });
    await expectHouseholds(203);
  });

  it('reads an XLSX workbook uploaded as multipart', async () => {
    const form = multipart('grids.xlsx', await xlsx(HEADER, rowsFor(204)), XLSX);
    const res = await upload(tokens.admin, 'grids', form.payload, form.contentType);
    expect(res.statusCode, res.body).toBe(201);
    await expectHouseholds(204);
  });

  it('rejects a row whose geometry column is not GeoJSON, naming the 1-based row', async () => {
    const rows = rowsFor(205);
    rows[1][4] = '{not geojson';
    const problems = await rejected(async () => upload(tokens.admin, 'grids', await xlsx(HEADER, rows), XLSX));
    expectProblem(problems, 2, String(rows[1][0]), /geometry column is not GeoJSON/);
  });

  it('refuses a workbook that is not a zip as a 400', async () => {
    await unreadable(() => upload(tokens.admin, 'grids', Buffer.from('PK\u0003\u0004 not really a workbook'), XLSX), /XLSX file could not be read/);
  });

  it('refuses a multipart upload without a file part', async () => {
    const boundary = '----shiyuNoFile';
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${boundary}--\r\n`;
    await unreadable(() => upload(tokens.admin, 'grids', payload, `multipart/form-data; boundary=${boundary}`), /no file part/);
  });

  it('refuses a file sent under another field than file', async () => {
    const form = multipart('grids.csv', csv(HEADER, rowsFor(206)), CSV, 'upload');
    await unreadable(() => upload(tokens.admin, 'grids', form.payload, form.contentType), /in the field file, not upload/);
    await expectHouseholds(204);
  });

  it('refuses a truncated multipart body with a 4xx', async () => {
    const form = multipart('grids.csv', csv(HEADER, rowsFor(206)), CSV);
    const res = await upload(tokens.admin, 'grids', form.payload.subarray(0, form.payload.length - 40), form.contentType);
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    await expectHouseholds(204);
  });
});

// ---------------------------------------------------------------- grid members

describe('grid-member import', () => {
  const GRID = `${A}01`;
  let gridId: number;
  const members = [
    [GRID, '网格员', '张三', '13812345678', '社区居委会'],
    [GRID, 'worker', '李四', '139 0000 1111', ''],
    [GRID, '网格长', '王五', '13700001234', '社区居委会'],
    [GRID, '民警', '赵六', '', '派出所'],
    [GRID, '法官', '钱七', '', '人民法庭'],
    [GRID, '检察官', '孙八', '', '人民检察院'],
    [GRID, 'Lawyer', '周九', '+86 21 5555 0000', '律师事务所'],
  ];

  beforeAll(async () => {
    gridId = (await t.env.db.selectFrom('grids').select('id').where('code', '=', GRID).executeTakeFirstOrThrow()).id;
  });

  it('replaces a grid\'s members from CSV with English and Chinese roles', async () => {
    const others = await t.env.db.selectFrom('grid_members').select(['id']).where('grid_id', '<>', gridId).execute();
    const res = await upload(tokens.admin, 'grid-members', csv(MEMBER_HEADER, members), CSV);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ kind: 'grid-members', rows: 7, created: 7, updated: 0, removed: 0 });
    const stored = await t.env.db.selectFrom('grid_members').select(['role', 'name']).where('grid_id', '=', gridId).orderBy('id').execute();
    expect(stored).toEqual([
      { role: 'worker', name: '张三' }, { role: 'worker', name: '李四' }, { role: 'leader', name: '王五' },
      { role: 'police_officer', name: '赵六' }, { role: 'judge', name: '钱七' }, { role: 'prosecutor', name: '孙八' }, { role: 'lawyer', name: '周九' },
    ]);
    expect(await t.env.db.selectFrom('grid_members').select(['id']).where('grid_id', '<>', gridId).execute()).toEqual(others);
    // One audit row for the grid, with the team it had and the team it has; phones only said to be there.
    const audit = await t.env.db.selectFrom('audit_log').select(['before', 'after']).where('action', '=', 'grid_member.set')
      .where('target_id', '=', String(gridId)).orderBy('id', 'desc').executeTakeFirstOrThrow();
    const names = (side: unknown) => (side as { members: { name: string; phone: string | null }[] }).members.map((m) => m.name);
    expect(names(audit.after)).toEqual(['张三', '李四', '王五', '赵六', '钱七', '孙八', '周九']);
    expect(names(audit.before).length).toBeGreaterThan(0);
    expect(names(audit.before)).not.toContain('周九');
    expect(JSON.stringify(audit)).not.toContain('5555');
  });

  it('shows the workers, leader and liaisons with phones masked to an auditor', async () => {
    const res = await t.as(tokens.auditor)({ url: `/api/v1/grids/${gridId}` });
    expect(res.statusCode).toBe(200);
    const { properties } = res.json();
    expect(properties.workers.map((w: { name: string; phone: string }) => [w.name, w.phone])).toEqual([['张三', '138****5678'], ['李四', '139******1111']]);
    expect(properties.leader).toMatchObject({ name: '王五', phone: '137****1234', organization: '社区居委会' });
    expect(properties.liaisons).toMatchObject({
      policeOfficer: { name: '赵六', phone: null }, judge: { name: '钱七' }, prosecutor: { name: '孙八' }, lawyer: { name: '周九' },
    });
  });

  it('shows phones whole to an admin and records the reading', async () => {
    const res = await t.as(tokens.admin)({ url: `/api/v1/grids/${gridId}` });
    expect(res.json().properties.workers[0].phone).toBe('13812345678');
    const reads = await t.env.db.selectFrom('audit_log').select(['actor_name', 'target_type'])
      .where('action', '=', 'personal_data.read').where('actor_name', '=', 'admin').execute();
    // 张三, 李四, 王五 and 周九 have phones.
    expect(reads).toHaveLength(4);
    expect(reads[0]).toEqual({ actor_name: 'admin', target_type: 'grid_member' });
  });

  it('links a worker to her account by a username column, so that she works the grid, and refuses accounts it cannot link', async () => {
    const { community_id: communityId } = await t.env.db.selectFrom('grids').select('community_id').where('id', '=', gridId).executeTakeFirstOrThrow();
    const made = await t.as(tokens.admin)({
      method: 'POST', url: '/api/v1/users',
      payload: { username: 'imported_worker', displayName: '导入的网格员', password: 'import-pass-1', role: 'grid_worker', jurisdictionId: communityId },
    });
    expect(made.statusCode, made.body).toBe(201);
    const header = [...MEMBER_HEADER, 'username'];
    const res = await upload(tokens.admin, 'grid-members', csv(header, [[GRID, '网格员', '', '13812345678', '', 'imported_worker'], [...members[2], '']]), CSV);
    expect(res.statusCode, res.body).toBe(201);
    const stored = await t.env.db.selectFrom('grid_members').select(['role', 'name', 'user_id']).where('grid_id', '=', gridId).orderBy('id').execute();
    expect(stored).toEqual([{ role: 'worker', name: '导入的网格员', user_id: made.json().id }, { role: 'leader', name: '王五', user_id: null }]);
    expect(await worksGrid(t.env, made.json().id, gridId)).toBe(true);

    for (const [username, pattern] of [
      ['nobody_here', /username nobody_here is not an active account in your jurisdiction/],
      ['dispatcher', /a grid worker's account needs the grid_worker role; username dispatcher has dispatcher/],
    ] as const) {
      const problems = await rejected(() => upload(tokens.admin, 'grid-members', csv(header, [[GRID, '网格员', '', '', '', username]]), CSV));
      expectProblem(problems, 1, GRID, pattern);
    }
    // Put the file's members back, for the tests that read them.
    expect((await upload(tokens.admin, 'grid-members', csv(MEMBER_HEADER, members), CSV)).statusCode).toBe(201);
  });

  it.each([
    ['a role it does not know', [GRID, '村长', '某人', '', ''], /role must be one of/],
    ['a role that is an Object.prototype key', [GRID, 'constructor', '某人', '', ''], /role must be one of/],
    ['a phone with letters', [GRID, '网格员', '某人', '138-ABCD-0000', ''], /phone must be/],
    ['an unknown grid code', ['32061399999999', '网格员', '某人', '', ''], /grid_code 32061399999999 is not a known grid/],
    ['a missing name', [GRID, '网格员', '', '', ''], /name is missing/],
    ['a name longer than 50 characters', [GRID, '网格员', '名'.repeat(51), '', ''], /name is longer than 50 characters/],
    ['a second leader for the same grid', [GRID, 'leader', '另一人', '', ''], /has one leader; row 1 already names one/],
  ])('rejects %s, naming the row and changing nothing', async (_name, row, pattern) => {
    const leader = members[2];
    const problems = await rejected(() => upload(tokens.admin, 'grid-members', csv(MEMBER_HEADER, [leader, row]), CSV));
    expectProblem(problems, 2, row[0], pattern);
  });
});

// ---------------------------------------------------------------- size limits

describe('import size limits', () => {
  const MB = 1024 * 1024;

  /** Deterministic noise, so the garbage is the same on every run. */
  function garbage(bytes: number, first?: string): Buffer {
    const rng = mulberry32(5);
    const out = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i += 4) out.writeUInt32LE(Math.floor(rng() * 2 ** 32) >>> 0, i);
    if (first) out.write(first);
    return out;
  }

  async function stillAnswers(app: FastifyInstance) {
    const res = await app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
  }

  it('rejects 50 MB of garbage under the limit with a clear 4xx and keeps answering', async () => {
    expect(t.env.config.importMaxBytes).toBeGreaterThan(50 * MB);
    const before = await geography();
    const form = multipart('grids.csv', garbage(50 * MB), CSV);
    const bodies = [[garbage(50 * MB), 'application/octet-stream'], [garbage(50 * MB, '{"type":'), GEOJSON], [form.payload, form.contentType]] as const;
    for (const [body, type] of bodies) {
      const res = await upload(tokens.admin, 'grids', body, type);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_input', field: 'file' });
      expect(res.body.length).toBeLessThan(2000);
    }
    expect(await geography()).toEqual(before);
    await stillAnswers(t.app);
  });

  describe('over a 1 MB limit', () => {
    let small: FastifyInstance;
    beforeAll(async () => {
      const config = loadConfig({ NODE_ENV: 'test', IMPORT_MAX_MB: '1', DATA_DIR: t.env.config.dataDir });
      small = await buildApp({ ...t.env, config });
    });
    afterAll(async () => { await small?.close(); });

    it.each([
      ['a raw CSV body', () => ({ payload: garbage(2 * MB), contentType: CSV })],
      ['a raw XLSX body', () => ({ payload: garbage(2 * MB, 'PK'), contentType: XLSX })],
      ['a JSON body', () => ({ payload: JSON.stringify({ type: 'FeatureCollection', features: [], pad: 'x'.repeat(2 * MB) }), contentType: 'application/json' })],
      ['a multipart upload', () => multipart('grids.csv', garbage(2 * MB), CSV)],
    ])('answers 413 payload_too_large for 2 MB as %s', async (_name, build) => {
      const { payload, contentType } = build();
      const res = await upload(tokens.admin, 'grids', payload, contentType, '', small);
      expect(res.statusCode, res.body).toBe(413);
      expect(res.json().error.code).toBe('payload_too_large');
      await stillAnswers(small);
    });

    it('still takes a file under the limit', async () => {
      const s = await community(S);
      const res = await upload(tokens.admin, 'grids', collection(gridFeatures(s)), GEOJSON, '', small);
      expect(res.statusCode, res.body).toBe(201);
    });
  });
});
