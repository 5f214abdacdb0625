import fc from 'fast-check';
import { unstorableText } from '../../src/core/text.js';
import type { JsonSchema } from '../openapi.js';

/**
 * Values for a route's JSON schema: valid ones, to get past the schema into the service, and
 * hostile, boundary and wrong-typed ones, to get refused. Whether a value is in fact valid is
 * decided afterwards by Ajv over the same schema (fuzz-request.ts), not trusted from here.
 */

/** Text an attacker or a careless client sends: injections, markup, traversal, odd Unicode, control characters. */
export const HOSTILE_STRINGS: readonly string[] = [
  "' OR 1=1 --",
  "'; drop table cases; --",
  "1); select pg_sleep(10); --",
  "' union select password_hash from users --",
  '" OR ""="',
  "%' or '1'='1",
  '\\',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}${7*7}#{7*7}',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '..\\..\\windows\\win.ini',
  '/etc/passwd\u0000.png',
  'a\u0000b',
  '\u0000',
  '\u0001\u0007\u001b[31m\u007f',
  '\r\nSet-Cookie: session=stolen',
  '\u2028\u2029',
  '\u202Egnp.exe',
  'zero\u200Bwidth\uFEFF',
  'e\u0301\u0327\u0308',
  '𠜎𠜱𠝹 👩‍👩‍👧‍👦',
  '\uD800',
  '中文 崇川区 通州区',
  '１２３４５',
  '%s%s%s%n%x',
  '%00%zz%',
  '',
  ' ',
  '\t\n',
  '__proto__',
  'constructor',
];

/** Strings a parser of numbers might take for one. */
export const NUMBER_LIKE: readonly string[] = [
  'NaN', 'Infinity', '-Infinity', '1e309', '-0', '0x1F', '0b11', '1_000', '１２', ' 42 ', '42abc', '4.2', '-1', '0',
  '9007199254740993', '99999999999999999999999', '1e3', '.5', '+7', '٣',
];

/** Very long text, made when drawn so the arbitraries stay cheap. */
export const hugeString = fc.constantFrom(10_000, 100_000, 300_000).chain((n) => fc.constantFrom('x', '中', '<', "'").map((c) => c.repeat(n)));

/** Any text at all: random Unicode (lone surrogates and controls included), hostile text, numbers that are not. */
export const wildString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 5 },
  { arbitrary: fc.constantFrom(...NUMBER_LIKE), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

/** A value nested deeper than any schema goes. */
export const deeplyNested = fc.integer({ min: 50, max: 2000 }).map((depth) => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
});

/** Values of the wrong JSON type, or of none JSON knows. */
export const wrongTyped: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, -1e308, 1e308, 2 ** 53 + 2, '', [], {}, [null], JSON.parse('{"__proto__":{"admin":true}}')),
  fc.jsonValue({ maxDepth: 3 }),
  deeplyNested,
  fc.array(fc.integer(), { minLength: 501, maxLength: 1200 }),
);

/** Values that break the schema's own bounds: too long, too short, too big, off-pattern, out of enum. */
export function boundaryBreakers(schema: JsonSchema): unknown[] {
  const out: unknown[] = [];
  if (schema.enum) out.push('not-one-of-them', String(schema.enum[0]).toUpperCase(), ` ${String(schema.enum[0])}`);
  if (schema.anyOf) out.push('not-one-of-them', ...schema.anyOf.flatMap(boundaryBreakers).slice(0, 6));
  switch (schema.type) {
    case 'string':
      if (schema.maxLength !== undefined) out.push('a'.repeat(schema.maxLength + 1), '中'.repeat(schema.maxLength + 1));
      if (schema.minLength) out.push('');
      if (schema.pattern) out.push('has space', '<>', "'--", '\u0000');
      if (schema.format === 'date-time') out.push('2026-13-01T00:00:00Z', '2026-03-01', 'yesterday', '2026-03-01T25:00:00+08:00', '0000-00-00T00:00:00Z', '0000-01-01T00:00:00Z', '0001-01-01T00:00:00+08:00', '2026-12-31T23:59:60Z', '9999-12-31T23:59:59-23:59');
      if (schema.format === 'date') out.push('2026-02-30', '2026/03/01', '20260301', '2026-03-01T00:00:00Z', '0000-01-01');
      out.push(12, true, null);
      break;
    case 'integer':
    case 'number':
      if (schema.minimum !== undefined) out.push(schema.minimum - 1, schema.minimum - 0.5);
      if (schema.exclusiveMinimum !== undefined) out.push(schema.exclusiveMinimum);
      if (schema.maximum !== undefined) out.push(schema.maximum + 1, schema.maximum * 1000);
      if (schema.type === 'integer') out.push(1.5, 2 ** 64, -(2 ** 63));
      out.push('12', 'NaN', true, null, -0);
      break;
    case 'boolean':
      out.push('yes', 1, 0, null, 'TRUE');
      break;
    case 'array':
      if (schema.maxItems !== undefined) out.push(Array.from({ length: schema.maxItems + 1 }, (_, i) => i + 1));
      if (schema.minItems) out.push([]);
      out.push('not-an-array', [{ nested: [[[]]] }]);
      break;
    case 'object':
      out.push('not-an-object', [], 42);
      break;
  }
  return out;
}

/** Values the schema accepts, leaning to small integers so that ids hit records that exist. */
export function validValue(schema: JsonSchema, hints: Record<string, readonly string[]> = {}, name = ''): fc.Arbitrary<unknown> {
  const hint = hints[name];
  if (hint) return fc.constantFrom(...hint);
  const base = validOf(schema, hints);
  return schema.nullable ? fc.oneof({ arbitrary: base, weight: 4 }, { arbitrary: fc.constant(null), weight: 1 }) : base;
}

function validOf(schema: JsonSchema, hints: Record<string, readonly string[]>): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((s) => validValue(s, hints)));
  switch (schema.type) {
    case 'string': return validString(schema);
    case 'integer': {
      const min = schema.minimum ?? -1000;
      const max = schema.maximum ?? 2 ** 31;
      return fc.oneof(
        { arbitrary: fc.integer({ min: Math.max(min, Math.min(1, max)), max: Math.min(max, Math.max(min, 60)) }), weight: 3 },
        { arbitrary: fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }), weight: 1 },
      );
    }
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e6;
      const max = schema.maximum ?? 1e6;
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true })
        .filter((n) => (schema.exclusiveMinimum === undefined || n > schema.exclusiveMinimum) && !Object.is(n, -0));
    }
    case 'boolean': return fc.boolean();
    case 'array': {
      const item = validValue(schema.items ?? {}, hints);
      const bounds = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, Math.max(3, schema.minItems ?? 0)) };
      return schema.uniqueItems ? fc.uniqueArray(item, { ...bounds, selector: (v) => JSON.stringify(v) }) : fc.array(item, bounds);
    }
    case 'object': {
      const properties = schema.properties ?? {};
      if (!Object.keys(properties).length) return fc.constant({});
      const shape = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, validValue(s, hints, k)]));
      const required = (schema.required ?? []).filter((k) => k in shape);
      return fc.record(shape, { requiredKeys: required }).filter((o) => Object.keys(o).length >= (schema.minProperties ?? 0));
    }
    default: return fc.oneof(fc.string({ maxLength: 10 }), fc.integer({ min: 1, max: 60 }));
  }
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 200;
  // Ajv counts code points; text the database cannot store is no valid value (src/core/text.ts).
  const fits = (s: string) => [...s].length >= min && [...s].length <= max && unstorableText(s) === null;
  if (schema.format === 'date-time') {
    return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
      .chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().replace('Z', '+08:00')));
  }
  if (schema.format === 'date') {
    return fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  }
  if (schema.pattern) {
    const pattern = new RegExp(schema.pattern, 'u');
    const fitting = HOSTILE_STRINGS.filter((s) => fits(s) && pattern.test(s));
    // `^[…]+$` with a minimum length: ask for the length, rather than filter out the many short ones.
    const sized = min > 1 && schema.pattern.endsWith('+$') ? new RegExp(`${schema.pattern.slice(0, -2)}{${min},${Math.min(max, min + 20)}}$`, 'u') : pattern;
    const matching = fc.stringMatching(sized, { size: 'small' }).filter(fits);
    return fitting.length ? fc.oneof({ arbitrary: matching, weight: 4 }, { arbitrary: fc.constantFrom(...fitting), weight: 1 }) : matching;
  }
  const hostile = HOSTILE_STRINGS.filter(fits);
  return fc.oneof(
    { arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.min(max, 30) }).filter(fits), weight: 2 },
    ...(hostile.length ? [{ arbitrary: fc.constantFrom(...hostile), weight: 2 }] : []),
  );
}

/** Every place a value can be put in a value of this schema: property paths, array items, nullable leaves. */
export interface Slot {
  path: string[];
  schema: JsonSchema;
  /** Required by its parent object: taking it out is a mistake the schema names. */
  required: boolean;
}

export function slotsOf(schema: JsonSchema, path: string[] = [], required = true, depth = 0): Slot[] {
  const slots: Slot[] = [{ path, schema, required }];
  if (depth > 4) return slots;
  if (schema.type === 'object' && schema.properties) {
    for (const [k, s] of Object.entries(schema.properties)) slots.push(...slotsOf(s, [...path, k], (schema.required ?? []).includes(k), depth + 1));
  }
  if (schema.type === 'array' && schema.items) slots.push(...slotsOf(schema.items, [...path, '0'], false, depth + 1));
  return slots;
}
