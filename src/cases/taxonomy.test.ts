import { describe, expect, it } from 'vitest';
import { CITY_DEPARTMENTS } from '../demo/departments.js';
import { CATEGORY_SEEDS, EMERGENCY_REFERRALS, type CategorySeed, type TimeLimit } from './taxonomy.js';

const byCode = new Map(CATEGORY_SEEDS.map((c) => [c.code, c]));
const parentCodes = new Set(CATEGORY_SEEDS.flatMap((c) => (c.parentCode ? [c.parentCode] : [])));
const leaves = CATEGORY_SEEDS.filter((c) => !parentCodes.has(c.code));
const branches = CATEGORY_SEEDS.filter((c) => parentCodes.has(c.code));
const majors = CATEGORY_SEEDS.filter((c) => c.parentCode === null);
/** The kinds a category may route to: the dispatch catalogue's, less the hotline and command centre themselves, plus the community committee. */
const routable = new Set([...CITY_DEPARTMENTS.map(([kind]) => kind).filter((k) => k !== 'hotline' && k !== 'command'), 'community']);

/** A working-time limit in working hours, a working day counted as eight. */
function workingHours(limit: TimeLimit): number {
  return limit.unit === 'days' ? limit.amount * 8 : limit.amount;
}

/** The one leaf whose name contains the word. */
function leafNamed(word: string): CategorySeed {
  const found = leaves.filter((c) => c.name.includes(word));
  expect(found.map((c) => c.name), word).toHaveLength(1);
  return found[0];
}

describe('category taxonomy', () => {
  it('gives every category a unique code', () => {
    expect(byCode.size).toBe(CATEGORY_SEEDS.length);
  });

  it('spells codes as a kind letter and two digits per level, events and components on two levels', () => {
    const letter = { event: 'E', component: 'C', subject: 'H' } as const;
    for (const c of CATEGORY_SEEDS) {
      expect(c.code, c.code).toMatch(c.kind === 'subject' ? /^H(\d{2}){1,3}$/ : /^[EC](\d{2}){1,2}$/);
      expect(c.code.charAt(0), c.code).toBe(letter[c.kind]);
    }
  });

  it('hangs every subclass under an existing class of its kind, one level up, listed before it', () => {
    const position = new Map(CATEGORY_SEEDS.map((c, i) => [c.code, i]));
    for (const c of CATEGORY_SEEDS) {
      if (c.code.length === 3) {
        expect(c.parentCode, c.code).toBeNull();
        continue;
      }
      expect(c.parentCode, c.code).toBe(c.code.slice(0, -2));
      const parent = byCode.get(c.parentCode!);
      expect(parent, c.code).toBeDefined();
      expect(parent!.kind, c.code).toBe(c.kind);
      expect(position.get(parent!.code)!, c.code).toBeLessThan(position.get(c.code)!);
    }
  });

  it('has 15 to 20 major classes and 120 to 250 leaves', () => {
    expect(majors.length).toBeGreaterThanOrEqual(15);
    expect(majors.length).toBeLessThanOrEqual(20);
    expect(leaves.length).toBeGreaterThanOrEqual(120);
    expect(leaves.length).toBeLessThanOrEqual(250);
    for (const kind of ['event', 'component', 'subject'] as const) expect(leaves.some((c) => c.kind === kind), kind).toBe(true);
  });

  it('keeps the major classes of GB/T 30428.2 under their standard numbers', () => {
    const names = (codes: string[]) => codes.map((code) => byCode.get(code)?.name);
    expect(names(['E01', 'E02', 'E03', 'E04', 'E05'])).toEqual(['市容环境', '宣传广告', '施工管理', '突发事件', '街面秩序']);
    expect(names(['C01', 'C02', 'C03', 'C04', 'C05', 'C06'])).toEqual(['公用设施', '道路交通', '市容环境', '园林绿化', '房屋土地', '其他设施']);
  });

  it('names every category in both languages, siblings distinctly', () => {
    for (const c of CATEGORY_SEEDS) {
      expect(c.name.trim(), c.code).not.toBe('');
      expect(c.nameEn.trim(), c.code).not.toBe('');
    }
    // The standard has a 市容环境 class of events and one of components: names are unique per kind and parent.
    const siblings = new Set(CATEGORY_SEEDS.map((c) => `${c.kind}/${c.parentCode}/${c.name}`));
    expect(siblings.size).toBe(CATEGORY_SEEDS.length);
  });

  it('gives every leaf an owner, a routable department kind, both conditions and a limit per urgency', () => {
    for (const c of leaves) {
      expect(['government', 'community', 'private'], c.code).toContain(c.triage);
      expect(routable.has(c.departmentKind!), `${c.code} ${c.departmentKind}`).toBe(true);
      if (c.triage !== 'government') expect(c.departmentKind, c.code).toBe('community');
      expect(c.registerCondition?.trim(), c.code).toBeTruthy();
      expect(c.closeCondition?.trim(), c.code).toBeTruthy();
      expect(Object.keys(c.limits ?? {}).sort(), c.code).toEqual(['critical', 'routine', 'urgent']);
      for (const limit of Object.values(c.limits!)) {
        expect(Number.isFinite(limit.amount) && limit.amount > 0, c.code).toBe(true);
        if (limit.unit === 'days') expect(Number.isInteger(limit.amount), c.code).toBe(true);
      }
    }
  });

  it('counts critical limits in natural hours and the others in working time, urgent no longer than routine', () => {
    for (const c of leaves) {
      const { routine, urgent, critical } = c.limits!;
      expect(critical.unit, c.code).toBe('natural_hours');
      expect(critical.amount, c.code).toBeLessThanOrEqual(48);
      expect(routine.unit, c.code).not.toBe('natural_hours');
      expect(urgent.unit, c.code).not.toBe('natural_hours');
      expect(workingHours(urgent), c.code).toBeLessThanOrEqual(workingHours(routine));
    }
  });

  it('leaves the handling fields off classes that have subclasses', () => {
    for (const c of branches) {
      for (const field of ['triage', 'departmentKind', 'registerCondition', 'closeCondition', 'limits'] as const) {
        expect(c, `${c.code}.${field}`).not.toHaveProperty(field);
      }
    }
  });
});

describe('categories the stories need', () => {
  it.each([
    ['占道经营', 'government', 'urban_management'],
    ['社会生活噪声', 'government', 'police'],
    ['户内管道漏水', 'private', 'community'],
    ['小区化粪池', 'community', 'community'],
    ['供水管道破裂', 'government', 'water_supply'],
    ['群租房', 'government', 'police'],
    ['私拉乱接电线', 'government', 'fire'],
    ['暴露垃圾', 'government', 'urban_management'],
    ['私搭乱建', 'government', 'law_enforcement'],
    ['路灯', 'government', 'urban_management'],
    ['邻里纠纷', 'community', 'community'],
  ])('has a leaf named like %s, owned by %s and handled by %s', (word, triage, departmentKind) => {
    const leaf = word === '路灯' ? leaves.find((c) => c.name === '路灯') : leafNamed(word);
    expect(leaf, word).toBeDefined();
    expect(leaf).toMatchObject({ triage, departmentKind });
  });

  it('files the late-night bar under noise nuisance', () => {
    expect(byCode.get(leafNamed('社会生活噪声').parentCode!)?.name).toBe('噪声扰民');
  });

  it('sends a missing manhole cover out within two working hours when urgent', () => {
    const covers = leaves.filter((c) => c.name.includes('井盖'));
    expect(covers.length).toBeGreaterThan(3);
    for (const c of covers) {
      expect(c.registerCondition, c.code).toContain('缺失');
      expect(c.limits!.urgent, c.code).toEqual({ amount: 2, unit: 'hours' });
    }
  });

  it('gives exposed garbage a working day and illegal construction five', () => {
    expect(leafNamed('暴露垃圾').limits!.routine).toEqual({ amount: 1, unit: 'days' });
    expect(leafNamed('私搭乱建').limits!.routine).toEqual({ amount: 5, unit: 'days' });
  });
});

describe('emergency referrals', () => {
  it('point at leaves by their own names and cover 110, 119, 120 and 122', () => {
    for (const r of EMERGENCY_REFERRALS) {
      const leaf = byCode.get(r.code);
      expect(leaf && !parentCodes.has(leaf.code), r.code).toBe(true);
      expect(leaf!.name).toBe(r.name);
      expect(leaf!.limits!.critical.amount, r.code).toBeLessThanOrEqual(1);
    }
    expect(new Set(EMERGENCY_REFERRALS.map((r) => r.code)).size).toBe(EMERGENCY_REFERRALS.length);
    expect(new Set(EMERGENCY_REFERRALS.map((r) => r.number))).toEqual(new Set(['110', '119', '120', '122']));
  });
});
