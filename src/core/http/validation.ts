import type { FastifyInstance, FastifySchema } from 'fastify';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { unstorableText } from '../text.js';

type DataValidationCxt = Parameters<ValidateFunction>[1];

const common: Options = { allErrors: false, useDefaults: true, removeAdditional: false, strict: false };

/** The JSON pointer of the first text that cannot be stored, and why, or null. */
function unstorableAt(value: unknown, pointer = '', depth = 0): { pointer: string; reason: string } | null {
  if (typeof value === 'string') {
    const reason = unstorableText(value);
    return reason ? { pointer, reason } : null;
  }
  if (value === null || typeof value !== 'object' || depth > 32) return null;
  for (const [key, item] of Object.entries(value)) {
    const found = unstorableAt(item, `${pointer}/${key}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * Text the database cannot hold (NUL, lone surrogates: src/core/text.ts) passes a schema and
 * would fail in the database as a 500. Refused here instead, as a schema failure naming the field.
 */
function refusingUnstorable(validate: ValidateFunction): ValidateFunction {
  const check = ((data: unknown, cxt?: DataValidationCxt) => {
    if (!validate(data, cxt)) {
      check.errors = validate.errors;
      return false;
    }
    // Ajv may have replaced a coerced root in its parent.
    const found = unstorableAt(cxt ? (cxt.parentData as Record<string | number, unknown>)[cxt.parentDataProperty] : data);
    if (!found) {
      check.errors = null;
      return true;
    }
    const issue: ErrorObject = { instancePath: found.pointer, schemaPath: '#', keyword: 'storableText', params: {}, message: found.reason };
    check.errors = [issue];
    return false;
  }) as ValidateFunction;
  // Fastify hands Ajv's own functions their parent, so that a coerced root sticks.
  return Object.assign(check, { schemaEnv: validate.schemaEnv, schema: validate.schema });
}

/** The numbers a query string or a path may spell: decimals, as JavaScript writes them (an exponent for a fraction). */
const DECIMAL = { integer: /^-?\d+$/, number: /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i } as const;

/** The top-level fields of a query or path schema that take numbers, by kind (an array's items too). */
function numericFields(schema: unknown): Map<string, keyof typeof DECIMAL> {
  const fields = new Map<string, keyof typeof DECIMAL>();
  const kindOf = (s: unknown): keyof typeof DECIMAL | null => {
    const type = (s as { type?: unknown } | null)?.type;
    const types = Array.isArray(type) ? type : [type];
    return types.includes('integer') ? 'integer' : types.includes('number') ? 'number' : null;
  };
  const properties = (schema as { properties?: Record<string, unknown> } | null)?.properties ?? {};
  for (const [name, property] of Object.entries(properties)) {
    const kind = kindOf(property) ?? kindOf((property as { items?: unknown }).items);
    if (kind) fields.set(name, kind);
  }
  return fields;
}

/**
 * Ajv coerces a query's or path's text as JavaScript's Number() does, so "0x10", " 1", "+1" and
 * "1e1" became numbers: /cases/0x10 was case 16. Numbers there must be written as plain decimals.
 */
function plainNumbers(schema: unknown, validate: ValidateFunction): ValidateFunction {
  const fields = numericFields(schema);
  if (fields.size === 0) return validate;
  const check = ((data: unknown, cxt?: DataValidationCxt) => {
    if (data !== null && typeof data === 'object') {
      for (const [name, kind] of fields) {
        const given = (data as Record<string, unknown>)[name];
        for (const value of Array.isArray(given) ? given : [given]) {
          if (typeof value !== 'string' || DECIMAL[kind].test(value)) continue;
          check.errors = [{ instancePath: `/${name}`, schemaPath: '#', keyword: 'type', params: { type: kind }, message: `must be ${kind === 'integer' ? 'a whole number' : 'a number'} written in decimals` }];
          return false;
        }
      }
    }
    const valid = validate(data, cxt);
    check.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  return Object.assign(check, { schemaEnv: validate.schemaEnv, schema: validate.schema });
}

/**
 * Every integer a route takes is one JavaScript holds exactly, whatever the schema says:
 * 1e300 is an "integer" to JSON Schema, and would reach the database to fail there as a 500.
 */
function boundedIntegers(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(boundedIntegers);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = key === 'default' || key === 'const' || key === 'enum' ? value : boundedIntegers(value);
  const type = copy.type;
  if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) {
    copy.maximum = Math.min(typeof copy.maximum === 'number' ? copy.maximum : Infinity, Number.MAX_SAFE_INTEGER);
    copy.minimum = Math.max(typeof copy.minimum === 'number' ? copy.minimum : -Infinity, Number.MIN_SAFE_INTEGER);
  }
  return copy;
}

/**
 * The times a city's records can carry: years 1900 to 2999. Wide enough for any case, audit entry
 * or period asked about, and far enough inside what JavaScript and PostgreSQL hold (years 1 to
 * 9999) that the arithmetic done on a period (a second added to an end, 90 days back from it, a
 * day's midnight in China) cannot step outside.
 */
const EARLIEST = Date.parse('1900-01-01T00:00:00Z');
const AFTER_LATEST = Date.parse('3000-01-01T00:00:00Z');

/**
 * RFC 3339 allows what no Date holds: a leap second (23:59:60 is an invalid Date, whose ISO
 * string throws), and years that arithmetic would carry past PostgreSQL's. Refused here, naming
 * the field, rather than failing later as a 500.
 */
function representableTimes(ajv: Ajv): void {
  // ajv-formats defines both as { validate, compare } on strings (its fmtDef).
  type StringFormat = { validate: (s: string) => boolean; compare: (a: string, b: string) => number | undefined };
  const narrowed = (format: StringFormat, also: (s: string) => boolean) => ({
    type: 'string' as const, compare: format.compare, validate: (s: string) => format.validate(s) && also(s),
  });
  const dateTime = ajv.formats['date-time'] as unknown as StringFormat;
  const date = ajv.formats.date as unknown as StringFormat;
  ajv.addFormat('date-time', narrowed(dateTime, (s) => {
    const at = Date.parse(s);
    return at >= EARLIEST && at < AFTER_LATEST;
  }));
  ajv.addFormat('date', narrowed(date, (s) => s >= '1900' && s < '3000'));
}

/**
 * Query strings and path parameters arrive as text, so they are coerced ("42" → 42);
 * JSON bodies are not: a number where a string belongs is the caller's mistake to hear about.
 */
export function registerValidation(app: FastifyInstance): void {
  const text = new Ajv({ ...common, coerceTypes: 'array' });
  const json = new Ajv({ ...common, coerceTypes: false });
  for (const ajv of [text, json]) {
    addFormats.default(ajv);
    representableTimes(ajv);
  }
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const bounded = boundedIntegers(schema) as FastifySchema & object;
    if (httpPart === 'body') return refusingUnstorable(json.compile(bounded));
    return refusingUnstorable(plainNumbers(bounded, text.compile(bounded)));
  });
}
