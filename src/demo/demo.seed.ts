import { ROLES, type Role } from '../core/access.js';
import { hashPassword } from '../core/crypto.js';
import type { Env } from '../core/env.js';
import * as accounts from '../accounts/accounts.service.js';
import * as geo from '../geo/geo.service.js';
import * as geoWrite from '../geo/geo-write.service.js';
import * as org from '../org/org.service.js';
import { mulberry32 } from '../geo/tiling.js';
import { ensureCaseCatalogue } from '../cases/cases.setup.js';
import { importHistory } from '../cases/cases.history.js';
import { CITY_DEPARTMENTS, DISTRICT_DEPARTMENTS } from './departments.js';
import { loadCity, type CityKey } from './city-data.js';
import { planGeography, type GeographySize } from './geography.js';
import { mobile, personName } from './people.js';
import { planHistory, type HistoryWorld } from './history.js';

export interface DemoOptions extends GeographySize {
  cities: CityKey[];
  /** Same seed, same city: every polygon, name and number. */
  seed: number;
  /** Cases of history over the two years before `now`, through every channel and outcome (default 0: none). */
  historyCases?: number;
  /** The present the history leads up to (default: the time of seeding). */
  now?: Date;
  onProgress?: (stage: string, done: number, total: number) => void;
}

export const DEMO_PASSWORD = 'demo';
export const DEMO_OPEN311_KEY = 'demo-open311-key';
const DEMO_OPEN311_CLIENT = 'demo Open311 client';
/** Cases of history `npm start` gives a fresh demo city: measured to keep the first start well under a minute on PGlite. */
export const DEFAULT_HISTORY_CASES = 20_000;

/** What a newcomer needs to sign in, printed on first start. */
export interface DemoAccount {
  username: string;
  role: Role;
  jurisdiction: string;
}

/**
 * Builds the demo instance: geography for each city, departments, one account per role
 * (username = role, password `demo`), district dispatchers, a grid worker per grid, grid
 * liaisons, the Open311 key and, when asked, `historyCases` cases of history over the two years
 * before `now` (history.ts). Refuses to run twice on the same database. Also answers the world the
 * history was planned in, so the same history can be planned again (tests).
 */
export async function seedDemo(env: Env, options: DemoOptions): Promise<{ accounts: DemoAccount[]; grids: number; units: number; cases: number; world: HistoryWorld }> {
  if (env.config.env === 'production') throw new Error('demo accounts are never created with NODE_ENV=production');
  const rng = mulberry32(options.seed);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const demoAccounts: DemoAccount[] = [];
  let gridCount = 0;
  let unitCount = 0;
  const cityIds: { key: CityKey; id: number; name: string; districts: { id: number; code: string; name: string }[] }[] = [];
  let handlerDepartment: number | undefined;
  // What the history's cases happen in, gathered as the city is built.
  const world: Omit<HistoryWorld, 'dispatcher' | 'leader' | 'departmentHandler' | 'districtDispatchers'> = {
    units: [], grids: [], departments: [], gridWorkers: new Map(), open311Client: `open311:${DEMO_OPEN311_CLIENT}`,
  };

  // Two seeders racing would collide on the units' unique codes: the second fails whole.
  if (await geo.unitByCode(env, loadCity(options.cities[0]).units[0].code)) throw new Error('the demo city is already seeded');
  for (const key of options.cities) {
    const city = loadCity(key);
    const plan = planGeography(city, options, rng, (done, total) => options.onProgress?.(`${key}: geography`, done, total));
    options.onProgress?.(`${key}: saving`, 0, 1);
    const { unitIds, gridIds } = await geoWrite.createSystemGeography(env, plan.units, plan.grids);
    options.onProgress?.(`${key}: saving`, 1, 1);
    gridCount += plan.grids.length;
    unitCount += plan.units.length;
    const cityUnit = plan.units[0];
    const districts = plan.units.filter((u) => u.level === 'district').map((u) => ({ id: unitIds.get(u.code)!.id, code: u.code, name: u.name }));
    cityIds.push({ key, id: unitIds.get(cityUnit.code)!.id, name: cityUnit.name, districts });

    const departmentRows = [
      ...CITY_DEPARTMENTS.map(([kind, name], i) => ({ code: `${cityUnit.code}-${String(i + 1).padStart(2, '0')}`, name: `${cityUnit.name}${name}`, kind, adminUnitId: unitIds.get(cityUnit.code)!.id })),
      ...districts.flatMap((d) => DISTRICT_DEPARTMENTS.map(([kind, name], i) => ({ code: `${d.code}-${String(i + 1).padStart(2, '0')}`, name: `${d.name}${name}`, kind, adminUnitId: d.id }))),
      // Community matters go to the committee (居委会/村委会), township ones to the street or town office.
      ...plan.units.filter((u) => u.level === 'township' || u.level === 'community').map((u) => ({
        code: `${u.code}-00`, name: u.level === 'community' ? u.name : `${u.name}办事处`,
        kind: u.level === 'community' ? 'community_committee' : 'township_office', adminUnitId: unitIds.get(u.code)!.id,
      })),
    ];
    const departmentIds = await org.createSystemDepartments(env, departmentRows);
    world.departments.push(...departmentRows.map((d, i) => ({ id: departmentIds[i], name: d.name, kind: d.kind, adminUnitId: d.adminUnitId })));
    world.units.push(...plan.units.map((u) => ({
      id: unitIds.get(u.code)!.id, code: u.code, name: u.name, level: u.level, path: unitIds.get(u.code)!.path,
      parentId: u.parentCode ? unitIds.get(u.parentCode)!.id : null,
    })));

    // The demo department handler works in the urban management bureau of the demo grid worker's
    // district: the catalogue sends that district's street problems there, so her queue holds the
    // history's cases and a patrol report of the demo grid worker reaches her.
    if (handlerDepartment === undefined) {
      const parentOf = new Map(plan.units.map((u) => [u.code, u.parentCode]));
      let code: string | null | undefined = plan.grids[0].communityCode;
      while (code && plan.units.find((u) => u.code === code)?.level !== 'district') code = parentOf.get(code);
      const district = code ? unitIds.get(code)!.id : unitIds.get(cityUnit.code)!.id;
      handlerDepartment = departmentIds[departmentRows.findIndex((d) => d.kind === 'urban_management' && d.adminUnitId === district)];
    }

    // A grid worker account per grid (the first city's first is the demo `grid_worker`),
    // and each grid's named leader and liaisons.
    const communityOf = new Map(plan.grids.map((g) => [g.code, g.communityCode]));
    const firstCity = cityIds.length === 1;
    const workers = plan.grids.map((g, i) => ({
      username: firstCity && i === 0 ? 'grid_worker' : `gw${g.code}`, displayName: personName(rng), passwordHash, role: 'grid_worker' as const,
      jurisdictionId: unitIds.get(communityOf.get(g.code)!)!.id, phone: mobile(rng),
    }));
    const workerIds = await accounts.createSystemUsers(env, workers);
    plan.grids.forEach((g, i) => {
      const id = gridIds.get(g.code)!;
      world.grids.push({ id, communityId: unitIds.get(g.communityCode)!.id, households: g.households ?? 0, geometry: g.geometry });
      world.gridWorkers.set(id, { id: workerIds[i], username: workers[i].username });
    });
    const liaisons = new Map<string, { police: string; judge: string; prosecutor: string; lawyer: string }>();
    const members = plan.grids.flatMap((g, i) => {
      // Liaisons serve a whole community, as 三官一律 do in practice.
      let l = liaisons.get(g.communityCode);
      if (!l) liaisons.set(g.communityCode, (l = { police: personName(rng), judge: personName(rng), prosecutor: personName(rng), lawyer: personName(rng) }));
      const gridId = gridIds.get(g.code)!;
      return [
        { gridId, role: 'worker' as const, name: `网格员${i + 1}`, organization: null, phone: mobile(rng), userId: workerIds[i] },
        { gridId, role: 'leader' as const, name: personName(rng), organization: '社区居委会', phone: mobile(rng), userId: null },
        { gridId, role: 'police_officer' as const, name: l.police, organization: '派出所', phone: mobile(rng), userId: null },
        { gridId, role: 'judge' as const, name: l.judge, organization: '人民法庭', phone: null, userId: null },
        { gridId, role: 'prosecutor' as const, name: l.prosecutor, organization: '人民检察院', phone: null, userId: null },
        { gridId, role: 'lawyer' as const, name: l.lawyer, organization: '律师事务所', phone: mobile(rng), userId: null },
      ];
    });
    await geoWrite.createSystemGridMembers(env, members);
    if (firstCity) {
      const community = plan.units.find((u) => u.code === plan.grids[0].communityCode)!;
      demoAccounts.push({ username: 'grid_worker', role: 'grid_worker', jurisdiction: `${community.name} (${plan.grids[0].name})` });
    }
  }

  // One account per role. With one city they serve that city; with several, the whole instance.
  const single = cityIds.length === 1 ? cityIds[0] : null;
  const staff = ROLES.filter((role) => role !== 'grid_worker').map((role) => ({
    username: role, displayName: `演示${role}`, passwordHash, role,
    jurisdictionId: role === 'citizen' || !single ? null : single.id, phone: mobile(rng),
    departmentId: role === 'department_handler' ? handlerDepartment : null,
  }));
  const firstCity = cityIds[0];
  const districtDispatchers = firstCity.districts.slice(0, 2).map((d, i) => ({
    username: `dispatcher_d${i + 1}`, displayName: `${d.name}调度员`, passwordHash, role: 'dispatcher' as const, jurisdictionId: d.id, phone: mobile(rng),
  }));
  const staffIds = await accounts.createSystemUsers(env, [...staff, ...districtDispatchers]);
  const account = (username: string) => ({ id: staffIds[staff.findIndex((s) => s.username === username)], username });
  for (const s of staff) demoAccounts.push({ username: s.username, role: s.role, jurisdiction: s.jurisdictionId === null ? (s.role === 'citizen' ? '—' : 'all') : single!.name });
  for (const d of districtDispatchers) demoAccounts.push({ username: d.username, role: 'dispatcher', jurisdiction: firstCity.districts.find((x) => x.id === d.jurisdictionId)!.name });
  await accounts.createSystemApiKey(env, DEMO_OPEN311_CLIENT, DEMO_OPEN311_KEY, firstCity.id);
  demoAccounts.sort((a, b) => ROLES.indexOf(a.role) - ROLES.indexOf(b.role) || a.username.localeCompare(b.username));

  const history: HistoryWorld = {
    ...world,
    dispatcher: account('dispatcher'),
    leader: account('leader'),
    departmentHandler: { ...account('department_handler'), departmentId: handlerDepartment! },
    districtDispatchers: new Map(districtDispatchers.map((d, i) => [d.jurisdictionId, { id: staffIds[staff.length + i], username: d.username }])),
  };
  const cases = await seedHistory(env, history, options);
  return { accounts: demoAccounts, grids: gridCount, units: unitCount, cases, world: history };
}

/** Two years of cases in the demo city (see history.ts), written through the cases module's history import. */
async function seedHistory(env: Env, world: HistoryWorld, options: DemoOptions): Promise<number> {
  const wanted = options.historyCases ?? 0;
  if (wanted <= 0) return 0;
  // The cases refer to the taxonomy; a fresh database may not have it yet.
  await ensureCaseCatalogue(env);
  options.onProgress?.('history: planning', 0, 1);
  const cases = planHistory(world, { cases: wanted, seed: options.seed, now: options.now ?? new Date() });
  options.onProgress?.('history: planning', 1, 1);
  await importHistory(env, cases, { messages: true, onProgress: (done, total) => options.onProgress?.('history: importing', done, total) });
  return cases.length;
}
