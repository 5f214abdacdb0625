import type { Role } from '../core/access.js';
import { defaultCalendar, dueAt, workingMinutesBetween, type TimeLimit, type WorkCalendar } from '../cases/calendar.js';
import { escalationsDueAt } from '../cases/cases.deadlines.js';
import type { HistoricCase, HistoricEvent } from '../cases/cases.history.js';
import { nextStatus, OPEN_STATUSES, type Action, type Status } from '../cases/cases.workflow.js';
import { CATEGORY_SEEDS, EMERGENCY_REFERRALS, type CategorySeed, type Urgency } from '../cases/taxonomy.js';
import type { AdminUnitRecord } from '../geo/geo.repo.js';
import { bbox, pointInArea, polygonsOf, type Area, type BBox } from '../geo/geometry.js';
import { mulberry32 } from '../geo/tiling.js';
import { mobile, personName } from './people.js';

/**
 * The demo city's past: two years of cases through every channel, with every outcome the loop
 * has, so that the figures and the index have something to read. Made up, but shaped like a
 * city's: grid patrols and the 12345 hotline bring most cases in, the common nuisances (exposed
 * garbage, street stalls, noise, street lights, manhole covers) dominate, fewer come in at weekends
 * and over the Spring Festival, most are closed in time, some late or after an extension, a few
 * reopened, rejected, referred or merged, and the newest are still open. Deterministic for a
 * seed and a `now`. The DOMAIN.md stories 3, 4 and 5 are written out by hand among them.
 */

/** An admin unit as the planner needs it: as the geography keeps it. */
export type HistoryUnit = AdminUnitRecord;

export interface HistoryGrid {
  id: number;
  communityId: number;
  households: number;
  geometry: Area;
}

export interface HistoryDepartment {
  id: number;
  name: string;
  kind: string;
  adminUnitId: number;
}

export interface StaffAccount {
  id: number;
  username: string;
}

/** What the cases happen in: the seeded geography, departments and staff. */
export interface HistoryWorld {
  units: HistoryUnit[];
  grids: HistoryGrid[];
  departments: HistoryDepartment[];
  /** The city-wide dispatcher, and district dispatchers by district id. */
  dispatcher: StaffAccount;
  districtDispatchers: Map<number, StaffAccount>;
  /** Approves extensions. */
  leader: StaffAccount;
  departmentHandler: StaffAccount & { departmentId: number };
  /** The worker account of each grid, by grid id. */
  gridWorkers: Map<number, StaffAccount>;
  /** How the Open311 client appears in timelines (`open311:<key name>`). */
  open311Client: string;
}

export interface HistoryOptions {
  /** How many cases, the story cases included. */
  cases: number;
  seed: number;
  /** The present the history leads up to; nothing happens after it. */
  now: Date;
  /** How far back the history reaches, in days (two years). */
  days?: number;
  /** The working calendar (default: the national holiday arrangements). */
  calendar?: WorkCalendar;
}

// ── Proportions ───────────────────────────────────────────────────────────────

type Channel = 'patrol' | 'hotline' | 'citizen_app' | 'department' | 'open311';
const CHANNELS: [Channel, number][] = [['patrol', 45], ['hotline', 35], ['citizen_app', 12], ['department', 5], ['open311', 3]];

/** How much more often than an ordinary subclass each common one is reported. */
const COMMON: Record<string, number> = {
  E0102: 30, E0501: 25, E0201: 14, E0113: 12, E0502: 12, E0504: 12, E0506: 12, E0505: 10, E0104: 8, E0107: 6, E0503: 6,
  E0106: 5, E0301: 5, E0507: 5, E0601: 5, E0604: 6, E0302: 4, E0109: 4, E0603: 4, E0608: 4,
  C0109: 10, C0101: 3, C0102: 3, C0103: 3, C0104: 3, C0105: 2, C0106: 2, C0107: 2, C0108: 2, C0303: 4, C0402: 3,
  H030101: 10, H030102: 12, H010101: 12, H010104: 6, H010102: 5, H010103: 4, H010105: 4, H020101: 6, H020103: 5, H020201: 5,
  H020203: 3, H0402: 8, H0401: 4, H0501: 7, H0503: 5, H0505: 4, H0603: 6, H0601: 4, H0305: 3, H080101: 4, H0302: 3,
};

/** Which kinds of subclass each channel brings in. */
const KIND_SHARE: Record<Channel, Record<CategorySeed['kind'], number>> = {
  patrol: { event: 1, component: 1, subject: 0 },
  hotline: { event: 0.12, component: 0.05, subject: 1 },
  citizen_app: { event: 1, component: 1, subject: 0.2 },
  department: { event: 1, component: 0.5, subject: 0.5 },
  open311: { event: 1, component: 1, subject: 0 },
};

/** Summer barbecues and bar noise, winter snow, wages before the Spring Festival… by month (1–12). */
function seasonal(code: string, month: number): number {
  const summer = month >= 6 && month <= 9;
  switch (code) {
    case 'E0507': case 'H030101': return summer ? 2 : month <= 2 || month === 12 ? 0.5 : 1;
    case 'E0405': return month >= 6 && month <= 8 ? 4 : 0.3;
    case 'E0408': return month >= 7 && month <= 9 ? 3 : 0.7;
    case 'E0406': return month <= 2 || month === 12 ? 5 : 0;
    case 'H0501': return month === 12 || month === 1 ? 2.5 : 1;
    case 'H080101': return month >= 6 && month <= 8 ? 3 : 0.6;
    case 'H020201': return month === 7 || month === 8 ? 2 : 1;
    case 'E0110': return month === 10 || month === 11 ? 2 : 1;
    default: return 1;
  }
}

/** More cases in summer, fewer in winter (index 0 = January). */
const MONTH_RHYTHM = [0.85, 0.8, 0.95, 1, 1.05, 1.15, 1.2, 1.2, 1.05, 1, 0.95, 0.9];
/** Lunar New Year's Day: the week around it is quiet. */
const SPRING_FESTIVAL = ['2023-01-22', '2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06', '2028-01-26', '2029-02-13'];
/** Reports by hour of the day: grid workers and departments in office hours, residents into the evening. */
const OFFICE_HOURS = [0, 0, 0, 0, 0, 0, 0, 0, 3, 9, 9, 7, 1, 2, 9, 9, 8, 3, 0, 0, 0, 0, 0, 0];
const HOTLINE_HOURS = [1, 0.5, 0.3, 0.3, 0.3, 0.5, 1, 3, 7, 9, 9, 8, 6, 6, 8, 8, 8, 7, 6, 6, 6, 5, 4, 2];
const APP_HOURS = [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 3, 5, 7, 7, 6, 6, 6, 6, 6, 6, 6, 7, 8, 8, 7, 5, 3];
const HOURS: Record<Channel, number[]> = { patrol: OFFICE_HOURS, department: OFFICE_HOURS, hotline: HOTLINE_HOURS, citizen_app: APP_HOURS, open311: APP_HOURS };

/** Subjects the hotline hands to their legal channel instead of dispatching (国办发〔2020〕53号). */
const LEGAL_CHANNELS: Record<string, string> = { H0706: 'court', H0707: 'procuratorate', H0708: 'petitions' };
const EMERGENCY = new Map(EMERGENCY_REFERRALS.map((r) => [r.code, r.number]));

const SAYINGS: Record<string, string[]> = {
  E0102: ['路边堆放多袋生活垃圾，无人清运', '绿化带旁散落垃圾，气味明显'],
  E0113: ['垃圾桶已满，垃圾外溢到地面'],
  E0104: ['路面有大片油污和泥浆，行人易滑倒'],
  E0107: ['人行道地砖松动缺失，雨天积水'],
  E0201: ['电线杆和墙面上贴满开锁、办证小广告'],
  E0501: ['人行道上有摊贩摆摊卖水果，影响通行', '路口早餐摊占道经营'],
  E0502: ['商户把货架摆到店外人行道上'],
  E0504: ['机动车长期停在人行道上，行人只能走车行道'],
  E0505: ['共享单车堆在公交站台前，挡住上下车'],
  E0506: ['人行道上堆放建材杂物'],
  E0507: ['夜间路边烧烤摊经营，油烟扰民'],
  E0301: ['工地夜间施工噪声很大，影响休息'],
  E0302: ['工地裸土未覆盖，刮风时扬尘严重'],
  E0601: ['楼道内私拉电线给电动车充电'],
  E0604: ['电动自行车停在楼梯间并飞线充电'],
  E0603: ['小区消防通道被私家车占用'],
  E0608: ['楼上楼下因漏水发生矛盾，需要调解'],
  C0109: ['路灯连续几晚不亮，夜间出行不便', '路灯白天常亮'],
  C0101: ['上水井盖松动，车辆经过有响声'],
  C0102: ['污水井盖破损，有行人踩空风险'],
  C0103: ['雨水井盖缺失，已用杂物临时遮挡'],
  H030101: ['酒吧深夜音响声音很大，影响休息'],
  H030102: ['楼上住户深夜装修敲打，影响休息'],
  H010101: ['小区物业保洁不到位，楼道垃圾无人清理'],
  H010102: ['对物业费上涨有异议'],
  H010104: ['小区门禁坏了很久没人修'],
  H010105: ['小区电梯经常故障停运'],
  H020101: ['家中停水一天，未见停水通知'],
  H020201: ['小区突然停电，询问恢复时间'],
  H0402: ['网购商品质量有问题，商家拒绝退货'],
  H0501: ['在工地务工被拖欠工资三个月'],
  H0603: ['小区周边停车难，希望增设停车位'],
};
const ROADS = ['人民路', '青年路', '工农路', '城山路', '濠河路', '跃龙路', '长江路', '世纪大道', '通甲路', '南大街', '友谊路', '钟秀路', '新胜路', '和平桥路'];
const NOTES = {
  reject: ['信息不全，多次联系来电人未果，无法核实', '反映事项不属于本平台受理范围，已告知来电人'],
  void: ['重复登记，作废', '经核实为误报', '上报人撤回诉求'],
  return: ['该事项不属于本部门职责，请改派属地街道', '事发地点不在本部门管辖范围，申请改派'],
  extension: ['需协调多个部门联合处置，申请延期', '需采购配件、等待施工窗口，申请延期', '需产权单位确认，申请延期'],
  verifyFail: ['现场核查：问题仍未解决', '现场核查：处置不彻底，仍有残留'],
  verifyOk: ['现场核查，处置到位', '现场复核，已恢复正常'],
  reopen: ['回访不满意：问题反弹，要求再次处理', '回访不满意：处理结果与诉求不符'],
  defer: ['需结合年度改造计划实施，经批准缓办'],
  hang: ['涉及历史遗留问题，短期内无法解决，列入挂账督办'],
  merge: '与已受理工单反映同一问题，已并单处理',
};

// ── The plan ──────────────────────────────────────────────────────────────────

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const CST = 8 * HOUR;
const WATCHED: ReadonlySet<Status> = new Set([...OPEN_STATUSES].filter((s) => s !== 'deferred' && s !== 'hung'));
const ENDED: ReadonlySet<Status> = new Set(['closed', 'rejected', 'void', 'referred', 'merged']);

/** Who takes a step: a user, a department without a demo account, a public door or the system. */
interface Actor {
  id: number | null;
  name: string;
  role: Role | null;
}

/** A case before its timeline: where, what and who. */
interface Draft {
  channel: Channel;
  requestType: string;
  category: CategorySeed;
  urgency: Urgency;
  grid: HistoryGrid;
  chain: HistoryUnit[];
  location: { lon: number; lat: number };
  address: string;
  description: string;
  reporter: { name?: string; phone?: string } | null;
  confidential: boolean;
  shownPublicly: boolean;
  createdAt: Date;
  intake: Actor;
}

/** A timeline being written, step by step, through the transition table. */
class Timeline {
  readonly events: HistoricEvent[] = [];
  status: Status = 'received';
  at: Date;
  /** The due date set at registration (extensions carry theirs in their detail). */
  registrationDue: Date | null = null;

  constructor(at: Date, who: Actor, channel: string) {
    this.at = at;
    this.events.push({ action: 'receive', from: null, to: 'received', at, actorId: who.id, actorName: who.name, role: who.role, note: null, detail: { channel } });
  }

  step(action: Action, at: Date, who: Actor, note: string | null = null, detail?: Record<string, unknown>): this {
    const from = this.status;
    const when = at.getTime() < this.at.getTime() ? this.at : at;
    const to = nextStatus(action, from);
    this.events.push({ action, from, to, at: when, actorId: who.id, actorName: who.name, role: who.role, note, detail });
    this.status = to;
    this.at = when;
    return this;
  }
}

/** The two years of cases before `now`, oldest first: `options.cases` of them, the story cases included. */
export function planHistory(world: HistoryWorld, options: HistoryOptions): HistoricCase[] {
  if (options.cases <= 0 || world.grids.length === 0) return [];
  return new Planner(world, options).plan();
}

class Planner {
  private readonly rng: () => number;
  private readonly cal: WorkCalendar;
  private readonly now: number;
  private readonly units = new Map<number, HistoryUnit>();
  private readonly chains = new Map<number, HistoryUnit[]>();
  private readonly departmentAt = new Map<string, HistoryDepartment>();
  private readonly boxes = new Map<number, BBox>();
  private readonly gridWeights: number[];
  private readonly days: { start: number; weight: number }[] = [];
  private readonly dayWeights: number[];
  private readonly leaves = CATEGORY_SEEDS.filter((c) => c.limits);
  private readonly categoryWeights = new Map<string, number[]>();
  private readonly mergedInto = new Map<HistoricCase, HistoricCase>();

  constructor(private readonly world: HistoryWorld, private readonly options: HistoryOptions) {
    this.rng = mulberry32(options.seed * 7919 + 17);
    this.cal = options.calendar ?? defaultCalendar();
    this.now = options.now.getTime();
    for (const u of world.units) this.units.set(u.id, u);
    for (const d of world.departments) this.departmentAt.set(`${d.adminUnitId}:${d.kind}`, d);
    this.gridWeights = cumulative(world.grids.map((g) => Math.max(1, g.households)));
    const today = Math.floor((this.now + CST) / DAY);
    const span = options.days ?? 730;
    for (let day = today - span + 1; day <= today; day++) this.days.push({ start: day * DAY - CST, weight: this.dayWeight(day, (day - today + span) / span) });
    this.dayWeights = cumulative(this.days.map((d) => d.weight));
  }

  plan(): HistoricCase[] {
    const stories = this.options.cases >= 5 ? this.stories() : [];
    const generated = this.options.cases - stories.length;
    const duplicates = Math.round(generated * 0.02);
    const cases: HistoricCase[] = [];
    for (let i = 0; i < generated - duplicates; i++) cases.push(this.generated());
    for (let i = 0; i < duplicates; i++) cases.push(this.duplicate(cases) ?? this.generated());
    const all = [...cases, ...stories].map((c, i) => ({ c, i })).sort((a, b) => a.c.createdAt.getTime() - b.c.createdAt.getTime() || a.i - b.i).map(({ c }) => c);
    const index = new Map(all.map((c, i) => [c, i]));
    for (const [c, target] of this.mergedInto) c.mergedInto = index.get(target)!;
    return all;
  }

  // ── randomness ──
  private chance(p: number): boolean { return this.rng() < p; }
  private between(a: number, b: number): number { return a + (b - a) * this.rng(); }
  private pick<T>(items: readonly T[]): T { return items[Math.floor(this.rng() * items.length)]; }
  private weighted<T>(items: readonly [T, number][]): T {
    let r = this.rng() * items.reduce((s, [, w]) => s + w, 0);
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1][0];
  }

  // ── time ──
  private mins(t: Date, a: number, b = a): Date { return new Date(t.getTime() + this.between(a, b) * MINUTE); }
  /** After `a`–`b` hours of working time: when an office acts. */
  private work(t: Date, a: number, b = a): Date { return dueAt(t, { amount: Math.max(1 / 60, this.between(a, b)), unit: 'hours' }, this.cal); }

  private dayWeight(day: number, progress: number): number {
    const date = new Date(day * DAY);
    const key = date.toISOString().slice(0, 10);
    const weekday = date.getUTCDay();
    let w = this.cal.holidays.has(key) ? 0.55 : this.cal.workdays.has(key) ? 0.95 : weekday === 6 ? 0.62 : weekday === 0 ? 0.55 : 1;
    if (SPRING_FESTIVAL.some((s) => { const d = (day * DAY - Date.parse(s)) / DAY; return d >= -2 && d <= 6; })) w = Math.min(w, 0.3);
    // More cases each month as the platform is taken up.
    return w * MONTH_RHYTHM[date.getUTCMonth()] * (0.85 + 0.3 * progress);
  }

  private createdAt(channel: Channel): Date {
    for (;;) {
      const day = this.days[search(this.dayWeights, this.rng())];
      const hour = this.weighted(HOURS[channel].map((w, h) => [h, w] as [number, number]));
      const at = day.start + hour * HOUR + Math.floor(this.rng() * 60) * MINUTE + Math.floor(this.rng() * 60) * 1000;
      if (at < this.now) return new Date(at);
    }
  }

  // ── places and people ──
  private chain(unitId: number): HistoryUnit[] {
    let chain = this.chains.get(unitId);
    if (!chain) {
      chain = [];
      for (let u = this.units.get(unitId); u; u = u.parentId === null ? undefined : this.units.get(u.parentId)) chain.unshift(u);
      this.chains.set(unitId, chain);
    }
    return chain;
  }

  /** A point inside the grid (rejection sampling in its box; a vertex-fan centroid if that fails). */
  private pointIn(grid: HistoryGrid): { lon: number; lat: number } {
    let box = this.boxes.get(grid.id);
    if (!box) this.boxes.set(grid.id, (box = bbox(grid.geometry)));
    const round = (p: { lon: number; lat: number }) => ({ lon: Math.round(p.lon * 1e6) / 1e6, lat: Math.round(p.lat * 1e6) / 1e6 });
    for (let i = 0; i < 200; i++) {
      const p = round({ lon: this.between(box[0], box[2]), lat: this.between(box[1], box[3]) });
      if (pointInArea(p.lon, p.lat, grid.geometry)) return p;
    }
    const ring = polygonsOf(grid.geometry)[0][0];
    for (let i = 1; i < ring.length - 1; i++) {
      const p = round({ lon: (ring[0][0] + ring[i][0] + ring[i + 1][0]) / 3, lat: (ring[0][1] + ring[i][1] + ring[i + 1][1]) / 3 });
      if (pointInArea(p.lon, p.lat, grid.geometry)) return p;
    }
    return round({ lon: (box[0] + box[2]) / 2, lat: (box[1] + box[3]) / 2 });
  }

  private department(kind: string, chain: HistoryUnit[]): HistoryDepartment | null {
    for (const u of [...chain].reverse()) {
      const d = this.departmentAt.get(`${u.id}:${kind}`);
      if (d) return d;
    }
    return null;
  }

  /**
   * Where routing sends a case (cases.routing.ts, with an empty dispatch catalogue): private
   * matters nowhere, community ones to the committee, the rest to the nearest department of the
   * category's kind; the township office when there is none.
   */
  private route(category: CategorySeed, triage: string, chain: HistoryUnit[]): HistoryDepartment | null {
    if (triage === 'private') return null;
    const kind = triage === 'community' || category.departmentKind === 'community' ? 'community_committee' : category.departmentKind!;
    return this.department(kind, chain) ?? this.department('township_office', chain);
  }

  private dispatcherFor(chain: HistoryUnit[]): Actor {
    const district = chain[1] && this.world.districtDispatchers.get(chain[1].id);
    const account = district && this.chance(0.6) ? district : this.world.dispatcher;
    return { id: account.id, name: account.username, role: 'dispatcher' };
  }

  private handlerOf(d: HistoryDepartment): Actor {
    const h = this.world.departmentHandler;
    return d.id === h.departmentId ? { id: h.id, name: h.username, role: 'department_handler' } : { id: null, name: d.name, role: 'department_handler' };
  }

  private workerOf(grid: HistoryGrid): Actor {
    const w = this.world.gridWorkers.get(grid.id);
    return w ? { id: w.id, name: w.username, role: 'grid_worker' } : { id: null, name: '网格员', role: 'grid_worker' };
  }

  private reporter(channel: Channel): { name?: string; phone?: string } | null {
    const share = { patrol: [0.03, 0.03], hotline: [0.6, 0.95], citizen_app: [0.3, 0.6], department: [0, 0], open311: [0.3, 0.2] }[channel];
    const name = this.chance(share[0]) ? personName(this.rng) : undefined;
    const phone = this.chance(share[1]) ? mobile(this.rng) : undefined;
    return name || phone ? { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } : null;
  }

  private category(channel: Channel, month: number): CategorySeed {
    const key = `${channel}:${month}`;
    let weights = this.categoryWeights.get(key);
    if (!weights) {
      weights = cumulative(this.leaves.map((c) => (COMMON[c.code] ?? 1) * KIND_SHARE[channel][c.kind] * seasonal(c.code, month)));
      this.categoryWeights.set(key, weights);
    }
    return this.leaves[search(weights, this.rng())];
  }

  private describe(channel: Channel, category: CategorySeed, address: string, origin?: string): string {
    const saying = SAYINGS[category.code] ? this.pick(SAYINGS[category.code]) : category.name;
    switch (channel) {
      case 'patrol': return `巡查发现：${address}${saying}。`;
      case 'hotline': return `来电人反映：${address}附近${saying}，希望尽快处理。`;
      case 'department': return `${origin}移交：${address}${saying}。`;
      default: return `${saying}（${address}附近）。`;
    }
  }

  // ── one generated case ──
  private draft(channel: Channel, base?: { grid: HistoryGrid; category: CategorySeed; createdAt: Date }): Draft {
    const createdAt = base?.createdAt ?? this.createdAt(channel);
    const month = new Date(createdAt.getTime() + CST).getUTCMonth() + 1;
    const category = base?.category ?? this.category(channel, month);
    const grid = base?.grid ?? this.world.grids[search(this.gridWeights, this.rng())];
    const chain = this.chain(grid.communityId);
    const emergency = category.code.startsWith('E04');
    const urgency: Urgency = emergency ? this.weighted([['routine', 2], ['urgent', 5], ['critical', 3]]) : this.weighted([['routine', 88], ['urgent', 10], ['critical', 2]]);
    const address = `${chain.slice(1, 3).map((u) => u.name).join('')}${this.pick(ROADS)}${1 + Math.floor(this.rng() * 300)}号`;
    const origin = channel === 'department' ? this.pick(this.world.departments.filter((d) => d.adminUnitId === chain[0].id)) : undefined;
    const dispatcher = this.dispatcherFor(chain);
    const intake: Actor = channel === 'patrol' ? this.workerOf(grid)
      : channel === 'hotline' ? dispatcher
      : channel === 'department' ? this.handlerOf(origin!)
      : channel === 'open311' ? { id: null, name: this.world.open311Client, role: null }
      : { id: null, name: 'citizen', role: null };
    const requestType = channel === 'hotline' ? this.weighted([['complaint', 45], ['help', 20], ['inquiry', 20], ['report', 10], ['suggestion', 5]])
      : channel === 'citizen_app' ? this.weighted([['report', 7], ['complaint', 3]]) : 'report';
    return {
      channel, requestType, category, urgency, grid, chain, location: this.pointIn(grid), address,
      description: this.describe(channel, category, address, origin?.name), reporter: this.reporter(channel),
      confidential: channel === 'hotline' && this.chance(0.03), createdAt, intake,
      // GeoReport's requests are public; about half of the citizens' page reporters tick to be seen.
      shownPublicly: channel === 'open311' || (channel === 'citizen_app' && this.chance(0.5)),
    };
  }

  private generated(): HistoricCase {
    const d = this.draft(this.weighted(CHANNELS));
    return this.finish(d, this.simulate(d));
  }

  /** How one case went: intake, registration, dispatch, handling, verification, call back and closure, or an exit on the way. */
  private simulate(d: Draft): Timeline {
    const tl = new Timeline(d.createdAt, d.intake, d.channel);
    const dispatcher = this.dispatcherFor(d.chain);
    const limit = d.category.limits![d.urgency];
    const urgent = d.urgency !== 'routine';
    const triage = d.category.triage!;
    const referTo = EMERGENCY.get(d.category.code) ?? LEGAL_CHANNELS[d.category.code.slice(0, 5)];
    const referShare = EMERGENCY.has(d.category.code) ? 0.85 : referTo ? 0.6 : 0;
    const refer = (at: Date) => tl.step('refer_out', at, dispatcher, EMERGENCY.has(d.category.code) ? `已转${referTo}处置` : '已告知来电人依法通过相应法定渠道反映', { referTo });
    let t = d.createdAt;

    if (d.channel === 'patrol') {
      tl.step('register', t, { ...d.intake, role: null }, null, { automatic: true });
    } else {
      t = d.channel === 'hotline' || urgent ? this.mins(t, 2, 15) : this.work(t, 0.1, 2.5);
      if (referTo && this.chance(referShare)) return refer(t);
      if (this.chance(0.03)) return tl.step('reject', t, dispatcher, this.pick(NOTES.reject));
      tl.step('register', t, dispatcher, null, { categoryCode: d.category.code, urgency: d.urgency, triage });
    }
    tl.registrationDue = dueAt(t, limit, this.cal);
    if (d.channel === 'patrol' && referTo && this.chance(referShare)) return refer(this.mins(t, 3, 20));
    if (this.chance(0.01)) return tl.step('void', this.mins(t, 10, 600), dispatcher, this.pick(NOTES.void));
    if (triage === 'private') {
      return tl.step('close', d.channel === 'hotline' ? this.mins(t, 3, 30) : this.work(t, 0.2, 2), dispatcher, d.category.closeCondition ?? null);
    }

    let lead = this.route(d.category, triage, d.chain)!;
    t = urgent ? this.mins(t, 3, 20) : this.work(t, 0.05, 1.5);
    const township = this.department('township_office', d.chain);
    const support = triage === 'government' && township && township.id !== lead.id && this.chance(0.04) ? [township.id] : [];
    tl.step(support.length ? 'joint_dispatch' : 'dispatch', t, dispatcher, null, { departmentId: lead.id, supportDepartmentIds: support });
    if (township && township.id !== lead.id && this.chance(0.025)) {
      tl.step('return', this.work(t, 0.2, 3), this.handlerOf(lead), this.pick(NOTES.return));
      lead = township;
      tl.step('dispatch', this.work(tl.at, 0.1, 1), dispatcher, null, { departmentId: lead.id, supportDepartmentIds: [] });
    }
    const handler = this.handlerOf(lead);
    const worker = this.workerOf(d.grid);
    tl.step('accept', limit.unit === 'natural_hours' ? this.mins(tl.at, 5, 30) : this.work(tl.at, urgent ? 0.05 : 0.1, urgent ? 0.5 : 2), handler);

    // Where the handling is to end (the closure), by how it goes; the steps fall in between, in working time.
    const working = limit.unit !== 'natural_hours';
    const accepted = tl.at;
    const due = tl.registrationDue.getTime();
    const span = Math.max(due - accepted.getTime(), 30 * MINUTE);
    const r = this.rng();
    if (r < 0.004) return tl.step('hang', this.along(accepted, new Date(due), this.between(0.2, 0.8), working), dispatcher, this.pick(NOTES.hang));
    if (r < 0.007) return tl.step('defer', this.along(accepted, new Date(due), this.between(0.2, 0.8), working), dispatcher, this.pick(NOTES.defer));
    let closeBy: number;
    if (r < 0.03) {
      // Slow: well past its time; the newest of these are still open, overdue and escalated.
      closeBy = due + this.between(3, 40) * DAY;
    } else if (r < 0.08) {
      const extension: TimeLimit = limit.unit === 'days' ? { amount: Math.max(2, Math.round(limit.amount * this.between(0.5, 1))), unit: 'days' } : { amount: 1, unit: 'days' };
      tl.step('request_extension', this.along(accepted, new Date(due), this.between(0.3, 0.7), working), handler, this.pick(NOTES.extension), { extension });
      const granted = this.work(tl.at, 0.1, 1.5);
      const newDue = dueAt(new Date(Math.max(due, granted.getTime())), extension, this.cal);
      tl.step('extend', granted, { id: this.world.leader.id, name: this.world.leader.username, role: 'leader' }, null, { extension, dueAt: newDue.toISOString() });
      closeBy = this.chance(0.8) ? this.along(granted, newDue, this.between(0.3, 0.97), true).getTime() : newDue.getTime() + (newDue.getTime() - granted.getTime()) * this.between(0.05, 0.8);
    } else if (r < 0.17) {
      closeBy = due + span * this.between(0.05, 1.2);
    } else {
      closeBy = this.along(accepted, new Date(due), this.between(0.25, 0.98), working).getTime();
    }
    const close = new Date(Math.max(closeBy, tl.at.getTime() + 30 * MINUTE));
    const next = (a: number, b: number) => this.along(tl.at, close, this.between(a, b), working);
    const answer = d.category.closeCondition ?? '已处置完毕';
    tl.step('report_back', next(0.4, 0.7), handler, answer);
    if (this.chance(0.04)) {
      tl.step('verify_fail', next(0.2, 0.4), worker, this.pick(NOTES.verifyFail));
      tl.step('report_back', next(0.3, 0.6), handler, answer);
    }
    tl.step('verify_ok', next(0.3, 0.6), worker, this.chance(0.5) ? this.pick(NOTES.verifyOk) : null);
    if (d.reporter?.phone && d.channel !== 'patrol' && d.channel !== 'department') {
      const satisfaction = this.weighted([[5, 58], [4, 26], [3, 8], [2, 5], [1, 3]]);
      tl.step('callback', next(0.3, 0.8), dispatcher, null, { satisfaction });
      if (satisfaction <= 2) {
        // Reopened: handled again, after the time it had.
        tl.step('reopen', this.mins(tl.at, 5, 40), dispatcher, this.pick(NOTES.reopen));
        tl.step('report_back', this.work(tl.at, 2, 24), handler, answer);
        tl.step('verify_ok', this.work(tl.at, 0.2, 4), worker, null);
        tl.step('callback', this.work(tl.at, 0.1, 4), dispatcher, null, { satisfaction: this.weighted([[5, 30], [4, 50], [3, 20]]) });
        return tl.step('close', this.work(tl.at, 0.05, 1), dispatcher, '问题已再次处理，感谢您的反映。');
      }
    }
    return tl.step('close', close, dispatcher, d.reporter ? '问题已处理完毕，感谢您的反映。' : null);
  }

  /** The instant a fraction `f` of the way from `from` to `to`: of the working time between them, or of plain time. */
  private along(from: Date, to: Date, f: number, working: boolean): Date {
    if (to.getTime() <= from.getTime()) return from;
    const minutes = working ? workingMinutesBetween(from, to, this.cal) : 0;
    if (minutes > 1) return dueAt(from, { amount: Math.max(1 / 60, (minutes * f) / 60), unit: 'hours' }, this.cal);
    return new Date(from.getTime() + (to.getTime() - from.getTime()) * f);
  }

  /** A second report of what an open case already reports, merged into it. */
  private duplicate(cases: HistoricCase[]): HistoricCase | null {
    for (let attempt = 0; attempt < 20; attempt++) {
      const target = this.pick(cases);
      if (!target.events.some((e) => e.action === 'dispatch' || e.action === 'joint_dispatch')) continue;
      const createdAt = new Date(target.createdAt.getTime() + this.between(0.3, 36) * HOUR);
      const mergedAt = this.mins(createdAt, 5, 90);
      const ended = target.events.find((e) => e.from !== e.to && ENDED.has(e.to))?.at.getTime() ?? Infinity;
      if (mergedAt.getTime() >= Math.min(ended, this.now)) continue;
      const grid = this.world.grids.find((g) => g.id === target.gridId)!;
      const category = this.leaves.find((c) => c.code === target.categoryCode)!;
      const d = this.draft(this.chance(0.7) ? 'hotline' : 'citizen_app', { grid, category, createdAt });
      const tl = new Timeline(d.createdAt, d.intake, d.channel).step('merge', mergedAt, this.dispatcherFor(d.chain), NOTES.merge);
      const c = this.finish(d, tl);
      this.mergedInto.set(c, target);
      return c;
    }
    return null;
  }

  /** Cuts the timeline at `now`, adds the deadline job's warnings and escalations, and settles the case's fields. */
  private finish(d: Draft, tl: Timeline): HistoricCase {
    const main = tl.events.filter((e) => e.at.getTime() <= this.now);
    const registered = main.find((e) => e.action === 'register')?.at ?? null;
    const extended = main.findLast((e) => e.action === 'extend');
    const due = extended ? new Date(extended.detail!.dueAt as string) : registered ? tl.registrationDue : null;
    const deadline = this.deadlineSteps(main, registered, due, d.chain);
    const events = [...main, ...deadline.events].map((e, i) => ({ e, i })).sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i).map(({ e }) => e);
    const last = events[events.length - 1];
    const dispatchAt = main.findLastIndex((e) => e.action === 'dispatch' || e.action === 'joint_dispatch');
    const dispatch = dispatchAt < 0 ? null : main[dispatchAt];
    const cleared = main.slice(dispatchAt + 1).some((e) => e.action === 'return' || e.action === 'transfer');
    const callback = main.findLast((e) => e.action === 'callback');
    const staffIntake = d.channel === 'patrol' || d.channel === 'hotline' || d.channel === 'department';
    return {
      channel: d.channel, requestType: d.requestType, categoryCode: d.category.code, triage: d.category.triage!, urgency: d.urgency,
      status: last.to, description: d.description, address: d.address, location: d.location, gridId: d.grid.id,
      adminUnitId: d.chain[d.chain.length - 1].id, path: d.chain[d.chain.length - 1].path, cityId: d.chain[0].id,
      departmentId: dispatch && !cleared ? (dispatch.detail!.departmentId as number) : null,
      supportDepartmentIds: dispatch && !cleared ? (dispatch.detail!.supportDepartmentIds as number[]) : [],
      reporter: d.reporter, confidential: d.confidential, shownPublicly: d.shownPublicly, createdBy: staffIntake ? d.intake.id : null,
      createdAt: d.createdAt, registeredAt: registered, dispatchedAt: dispatch?.at ?? null,
      closedAt: ENDED.has(last.to) ? main.findLast((e) => e.to === last.to && e.from !== e.to)!.at : null,
      dueAt: due, satisfaction: (callback?.detail?.satisfaction as number | undefined) ?? null,
      reopenCount: main.filter((e) => e.action === 'verify_fail' || e.action === 'reopen').length,
      extensionCount: main.filter((e) => e.action === 'extend').length,
      escalationLevel: deadline.escalations.length, escalatedToUnitId: deadline.escalations.at(-1)?.id ?? null,
      lastEscalatedAt: deadline.lastEscalatedAt, warningLevel: deadline.level, mergedInto: null, events,
    };
  }

  /**
   * What the deadline job (cases.deadlines.ts) would have done while the case's clock ran: yellow
   * in the last stretch of its time, red at its due date with an escalation one level up, and one
   * more level for each full working day it then stayed open, up to the city. The clock stops when
   * the case is closed, deferred, hung or ended; it runs until `now` for open cases, so the job
   * finds nothing left to do on them.
   */
  private deadlineSteps(main: HistoricEvent[], registered: Date | null, due: Date | null, chain: HistoryUnit[]) {
    const none = { events: [] as HistoricEvent[], escalations: [] as HistoryUnit[], level: 0 as 0 | 1 | 2, lastEscalatedAt: null as Date | null };
    if (!registered || !due) return none;
    const stop = main.find((e) => e.from !== null && !WATCHED.has(e.to))?.at.getTime();
    const running = (t: number) => (stop === undefined ? t <= this.now : t < stop);
    const statusAt = (t: number) => main.findLast((e) => e.at.getTime() <= t)!.to;
    const system: Actor = { id: null, name: 'system', role: null };
    const out = { ...none, events: [] as HistoricEvent[], escalations: [] as HistoryUnit[] };
    const add = (action: 'warn' | 'escalate', t: number, detail: Record<string, unknown>) => {
      const status = statusAt(t);
      out.events.push({ action, from: status, to: status, at: new Date(t), actorId: system.id, actorName: system.name, role: system.role, note: null, detail });
    };
    const extendedAt = main.findLast((e) => e.action === 'extend')?.at.getTime() ?? registered.getTime();
    const yellow = Math.max(this.yellowAt(registered, due), extendedAt);
    if (yellow < due.getTime() && running(yellow)) {
      add('warn', yellow, { level: 1, was: 0, dueAt: due.toISOString() });
      out.level = 1;
    }
    if (!running(due.getTime())) return out;
    add('warn', due.getTime(), { level: 2, was: out.level, dueAt: due.toISOString() });
    out.level = 2;
    const workday = this.cal.periods.reduce((sum, [from, to]) => sum + to - from, 0);
    for (let i = 1; i < chain.length; i++) {
      const t = i === 1 ? due.getTime() : dueAt(due, { amount: ((i - 1) * workday) / 60, unit: 'hours' }, this.cal).getTime();
      if (!running(t) || escalationsDueAt(due, new Date(t), this.cal) < i) break;
      const from = chain[chain.length - i];
      const to = chain[chain.length - 1 - i];
      add('escalate', t, { level: i, from: unitRef(from), to: unitRef(to), automatic: true, dueAt: due.toISOString() });
      out.escalations.push(to);
      out.lastEscalatedAt = new Date(t);
    }
    return out;
  }

  /** When a case turns yellow: a fifth of its working time (at most one working day) before it is due. */
  private yellowAt(start: Date, due: Date): number {
    const total = workingMinutesBetween(start, due, this.cal);
    if (total <= 0) return due.getTime() - (due.getTime() - start.getTime()) * 0.2;
    const workday = this.cal.periods.reduce((sum, [from, to]) => sum + to - from, 0);
    const before = total - Math.min(total * 0.2, workday);
    return before <= 0 ? start.getTime() : dueAt(start, { amount: before / 60, unit: 'hours' }, this.cal).getTime();
  }

  // ── the stories of DOMAIN.md ──

  /**
   * Stories 3 (the leaking pipe trio), 4 (late-night bar noise on 12345) and 5 (the grid worker's street
   * stall), and this morning's waiting work (6, 7), in the demo grid worker's grid.
   */
  private stories(): HistoricCase[] {
    const demoGrid = this.world.grids.find((g) => this.world.gridWorkers.get(g.id)?.username === 'grid_worker') ?? this.world.grids[0];
    const chain = this.chain(demoGrid.communityId);
    const leaf = (code: string) => this.leaves.find((c) => c.code === code)!;
    const city = this.world.dispatcher;
    const d1 = this.world.districtDispatchers.get(chain[1]?.id ?? -1) ?? city;
    const dispatcher: Actor = { id: d1.id, name: d1.username, role: 'dispatcher' };
    const worker = this.workerOf(demoGrid);
    const at = (day: number, hhmm: string) => new Date(day * DAY - CST + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * MINUTE);
    const working = (back: number) => this.workingDayBefore(back);
    const story = (channel: Channel, code: string, urgency: Urgency, createdAt: Date, description: string, intake: Actor, reporter: Draft['reporter'], requestType: string) => {
      const d: Draft = {
        channel, requestType, category: leaf(code), urgency, grid: demoGrid, chain, location: this.pointIn(demoGrid),
        address: `${chain.slice(1, 3).map((u) => u.name).join('')}人民路${channel === 'patrol' ? 88 : 126}号`, description, reporter, confidential: false, shownPublicly: channel === 'open311', createdAt, intake,
      };
      return d;
    };
    const route = (d: Draft) => this.route(d.category, d.category.triage!, chain)!;
    const caller = () => ({ name: personName(this.rng), phone: mobile(this.rng) });
    const out: HistoricCase[] = [];

    // 3a. Who fixes the leak in my flat? A private matter: advice, and closed.
    const w9 = working(9);
    const a = story('hotline', 'H020103', 'routine', at(w9, '09:12'), '来电人称自家卫生间水管接头漏水，已渗到楼下，询问应由谁负责维修。', dispatcher, caller(), 'inquiry');
    const ta = new Timeline(a.createdAt, dispatcher, a.channel)
      .step('register', at(w9, '09:15'), dispatcher, null, { categoryCode: 'H020103', urgency: 'routine', triage: 'private' });
    ta.registrationDue = dueAt(ta.at, a.category.limits!.routine, this.cal);
    ta.step('close', at(w9, '09:19'), dispatcher, '经核实属户内水表后管道漏水，由产权人自行或委托有资质的维修单位维修；已提供社区便民维修服务电话，并提醒先关闭户内总阀。');
    out.push(this.finish(a, ta));

    // 3b. The estate's blocked septic tank: a community matter for the committee.
    const b = story('citizen_app', 'H010103', 'routine', at(w9, '19:40'), '小区3号楼后面化粪池堵塞，污水漫到路面，气味很大，物业一直没有处理。', { id: null, name: 'citizen', role: null }, caller(), 'complaint');
    const committee = route(b);
    const tb = new Timeline(b.createdAt, b.intake, b.channel)
      .step('register', at(working(8), '08:50'), dispatcher, null, { categoryCode: 'H010103', urgency: 'routine', triage: 'community' });
    tb.registrationDue = dueAt(tb.at, b.category.limits!.routine, this.cal);
    tb.step('dispatch', at(working(8), '09:05'), dispatcher, null, { departmentId: committee.id, supportDepartmentIds: [] })
      .step('accept', at(working(8), '09:30'), this.handlerOf(committee))
      .step('report_back', at(working(8), '16:10'), this.handlerOf(committee), '社区已督促物业联系清掏单位完成化粪池清掏和管道疏通，现场无外溢、无异味。')
      .step('verify_ok', at(working(8), '17:00'), worker, '现场核查：已疏通，地面已冲洗。')
      .step('callback', at(working(7), '10:00'), dispatcher, null, { satisfaction: 5 })
      .step('close', at(working(7), '10:05'), dispatcher, '化粪池已清掏疏通，感谢您的反映。');
    out.push(this.finish(b, tb));

    // 3c. A burst water main in the street: a government matter for the water company.
    const c = story('patrol', 'E0402', 'urgent', at(w9, '10:30'), '巡查发现：人民路与青年路交叉口人行道下供水管道破裂，路面冒水，影响通行。', worker, null, 'report');
    const water = route(c);
    const tc = new Timeline(c.createdAt, worker, c.channel).step('register', c.createdAt, { ...worker, role: null }, null, { automatic: true });
    tc.registrationDue = dueAt(tc.at, c.category.limits!.urgent, this.cal);
    tc.step('dispatch', at(w9, '10:38'), dispatcher, null, { departmentId: water.id, supportDepartmentIds: [] })
      .step('accept', at(w9, '10:50'), this.handlerOf(water))
      .step('report_back', at(w9, '14:10'), this.handlerOf(water), '抢修队已关阀更换破损管段，14:00恢复供水，开挖路面已临时恢复。')
      .step('verify_ok', at(w9, '14:40'), worker, '现场核查：已不再冒水，路面恢复通行。')
      .step('close', at(w9, '14:50'), dispatcher, null);
    out.push(this.finish(c, tc));

    // 4. Late-night bar noise on 12345: registered, dispatched to the police, answered in time, called back and rated.
    const friday = this.fridayBefore(7);
    const monday = this.workingDayAfter(friday);
    const n = story('hotline', 'H030101', 'urgent', at(friday, '23:40'), '来电人反映：小区对面酒吧每晚音响声音很大，已过23点仍未停止，影响休息。', dispatcher, caller(), 'complaint');
    const police = route(n);
    const tn = new Timeline(n.createdAt, dispatcher, n.channel)
      .step('register', at(friday, '23:44'), dispatcher, null, { categoryCode: 'H030101', urgency: 'urgent', triage: 'government' });
    tn.registrationDue = dueAt(tn.at, n.category.limits!.urgent, this.cal);
    tn.step('dispatch', at(friday, '23:47'), dispatcher, null, { departmentId: police.id, supportDepartmentIds: [] })
      .step('accept', at(friday, '23:52'), this.handlerOf(police))
      .step('report_back', at(friday + 1, '00:40'), this.handlerOf(police), '民警已到场，酒吧已关闭室外音箱并调低音量，承诺23点后不再使用音响；已对经营者予以警告。')
      .step('verify_ok', at(monday, '09:20'), worker, '现场回访周边住户，近两晚未再出现噪声。')
      .step('callback', at(monday, '10:00'), dispatcher, null, { satisfaction: 5 })
      .step('close', at(monday, '10:05'), dispatcher, '已回访来电人，对处理结果表示满意。');
    out.push(this.finish(n, tn));

    // 5. The grid worker's round: a street stall, registered to her grid, cleared, verified with a note.
    const w3 = working(3);
    const s = story('patrol', 'E0501', 'routine', at(w3, '09:40'), '巡查发现：人民路88号门前人行道上有流动摊贩摆摊卖水果，占用盲道，影响行人通行。（附照片）', worker, null, 'report');
    const team = route(s);
    const ts = new Timeline(s.createdAt, worker, s.channel).step('register', s.createdAt, { ...worker, role: null }, null, { automatic: true });
    ts.registrationDue = dueAt(ts.at, s.category.limits!.routine, this.cal);
    ts.step('dispatch', at(w3, '09:48'), dispatcher, null, { departmentId: team.id, supportDepartmentIds: [] })
      .step('accept', at(w3, '10:05'), this.handlerOf(team))
      .step('report_back', at(w3, '11:20'), this.handlerOf(team), '城管中队已到场劝离摊贩，占用区域已清理，恢复通行。')
      .step('verify_ok', at(w3, '11:50'), worker, '现场复核：摊点已清离，人行道恢复通行（附照片）。')
      .step('close', at(w3, '12:00'), dispatcher, null);
    out.push(this.finish(s, ts));

    // 6 and 7. Work waiting this morning, so that the demo's grid worker and department handler
    // each find a case to act on: a street light the bureau repaired yesterday, for her to check
    // on site, and garbage a caller reported yesterday, dispatched to the handler's bureau.
    const w1 = working(1);
    const l = story('citizen_app', 'C0109', 'routine', at(w1, '07:55'), '小区南门口那盏路灯一连三晚都没亮，晚上进出黑乎乎的，老人孩子容易摔倒。', { id: null, name: 'citizen', role: null }, caller(), 'report');
    const lights = route(l);
    const tl = new Timeline(l.createdAt, l.intake, l.channel)
      .step('register', at(w1, '08:40'), dispatcher, null, { categoryCode: 'C0109', urgency: 'routine', triage: 'government' });
    tl.registrationDue = dueAt(tl.at, l.category.limits!.routine, this.cal);
    tl.step('dispatch', at(w1, '08:52'), dispatcher, null, { departmentId: lights.id, supportDepartmentIds: [] })
      .step('accept', at(w1, '09:30'), this.handlerOf(lights))
      .step('report_back', at(w1, '15:40'), this.handlerOf(lights), '路灯所已更换损坏的灯具和镇流器，当晚试亮正常。');
    out.push(this.finish(l, tl));

    const g = story('hotline', 'E0102', 'routine', at(w1, '16:20'), '来电人反映：菜场东侧空地堆了好几天生活垃圾，天热有异味，一直无人清运。', dispatcher, caller(), 'complaint');
    const bureau = route(g);
    const tg = new Timeline(g.createdAt, dispatcher, g.channel)
      .step('register', at(w1, '16:24'), dispatcher, null, { categoryCode: 'E0102', urgency: 'routine', triage: 'government' });
    tg.registrationDue = dueAt(tg.at, g.category.limits!.routine, this.cal);
    tg.step('dispatch', at(w1, '16:31'), dispatcher, null, { departmentId: bureau.id, supportDepartmentIds: [] });
    out.push(this.finish(g, tg));
    return out;
  }

  private today(): number { return Math.floor((this.now + CST) / DAY); }
  private isWorking(day: number): boolean {
    const key = new Date(day * DAY).toISOString().slice(0, 10);
    const weekday = new Date(day * DAY).getUTCDay();
    return !this.cal.holidays.has(key) && (this.cal.workdays.has(key) || (weekday !== 0 && weekday !== 6));
  }
  /** The local day `n` working days before today. */
  private workingDayBefore(n: number): number {
    let day = this.today();
    for (let counted = 0; counted < n;) if (this.isWorking(--day)) counted++;
    return day;
  }
  private workingDayAfter(day: number): number {
    do day++; while (!this.isWorking(day));
    return day;
  }
  /** The last working Friday at least `n` days ago (days since 1970-01-01 fall on a Thursday). */
  private fridayBefore(n: number): number {
    let day = this.today() - n;
    while ((day + 4) % 7 !== 5 || !this.isWorking(day)) day--;
    return day;
  }
}

function unitRef(u: HistoryUnit) {
  return { id: u.id, code: u.code, name: u.name, level: u.level };
}

function cumulative(weights: number[]): number[] {
  let sum = 0;
  const out = weights.map((w) => (sum += w));
  return out.map((w) => w / sum);
}

/** The first index whose cumulative share exceeds r. */
function search(shares: number[], r: number): number {
  let lo = 0;
  let hi = shares.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (shares[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
