import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { unstorableText } from '../../src/core/text.js';
import { encodeText, fillPath, queryString, type JsonSchema, type Operation, type ParameterPlace } from '../openapi.js';
import { boundaryBreakers, HOSTILE_STRINGS, hugeString, slotsOf, validValue, wildString, wrongTyped, type Slot } from './schema-values.js';

/**
 * One request the fuzzer sends, and what the route's schema says of it. Requests are drawn
 * from the route's OpenAPI description: a valid request with one thing broken (so the answer
 * must name that thing), or a request broken below the schema (the body's bytes, its type, its
 * size, the query string's syntax, the headers).
 */
export interface FuzzRequest {
  caller: 'admin' | 'anonymous';
  method: Operation['method'];
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What was done to the request, for the failure message. */
  label: string;
  /** Ajv, over the documented schema, refuses the request: the answer must be a 4xx. */
  schemaInvalid: boolean;
  /** The one field that can be at fault: a 400 invalid_input must name it. */
  faultyField?: string;
  /** Carries an Authorization header that is no valid token: refused with 401 on every route. */
  forgedToken?: boolean;
}

/** Values for path parameters the document types only as text: Open311's `.{format}`. */
const PATH_HINTS: Record<string, readonly string[]> = { format: ['json', 'xml'] };

type Parts = { path: Record<string, unknown>; query: Record<string, unknown>; header: Record<string, unknown>; body?: unknown };

const ajvOptions = { allErrors: true, useDefaults: true, strict: false, allowUnionTypes: true } as const;
const textAjv = new Ajv({ ...ajvOptions, coerceTypes: 'array' });
const jsonAjv = new Ajv({ ...ajvOptions, coerceTypes: false });
for (const ajv of [textAjv, jsonAjv]) addFormats.default(ajv);

/** The schemas Fastify validates each part against, rebuilt from the document's parameter list. */
interface PartValidators { path?: ValidateFunction; query?: ValidateFunction; header?: ValidateFunction; body?: ValidateFunction }

const validators = new WeakMap<Operation, PartValidators>();

function validatorsOf(op: Operation): PartValidators {
  let v = validators.get(op);
  if (!v) {
    const part = (place: ParameterPlace) => {
      const params = op.parameters.filter((p) => p.in === place);
      if (!params.length) return undefined;
      return textAjv.compile({
        type: 'object',
        properties: Object.fromEntries(params.map((p) => [p.name, p.schema])),
        required: params.filter((p) => p.required && p.schema.default === undefined).map((p) => p.name),
      });
    };
    v = { path: part('path'), query: part('query'), header: part('header'), body: op.body ? jsonAjv.compile(op.body) : undefined };
    validators.set(op, v);
  }
  return v;
}

const CONTEXT: Record<keyof PartValidators, string> = { path: 'params', query: 'querystring', header: 'headers', body: 'body' };

/** The field a schema failure is reported under, as src/core/http/errors.ts names it. */
function fieldOf(issue: ErrorObject, context: string): string {
  const parts = issue.instancePath.split('/').filter(Boolean);
  const extra = (issue.params as { missingProperty?: string; additionalProperty?: string }).missingProperty
    ?? (issue.params as { additionalProperty?: string }).additionalProperty;
  if (extra) parts.push(extra);
  return parts.length ? parts.join('.') : context;
}

/** The fields Ajv finds at fault in what the server will receive. */
function faultsOf(op: Operation, received: { path: Record<string, string>; query: Record<string, string | string[]>; header: Record<string, string>; body?: unknown; hasBody: boolean }): Set<string> {
  const v = validatorsOf(op);
  const faults = new Set<string>();
  const check = (part: keyof PartValidators, value: unknown) => {
    const validate = v[part];
    if (!validate) return;
    // Validated as the server does, coercing in place ('x' → ['x'] for a list).
    const data = structuredClone(value);
    if (!validate(data)) for (const issue of validate.errors ?? []) faults.add(fieldOf(issue, CONTEXT[part]));
    // The server also refuses, in every validated part, text the database cannot store.
    for (const path of unstorablePaths(data)) faults.add(path.length ? path.join('.') : CONTEXT[part]);
  };
  check('path', received.path);
  if (op.body) check('body', received.hasBody ? received.body : undefined);
  check('query', received.query);
  // Header names arrive lower-cased.
  check('header', Object.fromEntries(Object.entries(received.header).map(([k, val]) => [k.toLowerCase(), val])));
  return faults;
}

/** Where the server finds text it will not store; as deep as it looks (src/core/http/validation.ts). */
function unstorablePaths(value: unknown, path: string[] = []): string[][] {
  if (typeof value === 'string') return unstorableText(value) ? [path] : [];
  if (value === null || typeof value !== 'object' || path.length > 32) return [];
  return Object.entries(value).flatMap(([k, item]) => unstorablePaths(item, [...path, k]));
}

/**
 * A query value as the server reads it: a lone surrogate travels as bytes that are not UTF-8,
 * and a value that does not decode is kept as sent, percent signs and all.
 */
function asReceived(text: string): string {
  return unstorableText(text)?.includes('surrogate') ? encodeText(text) : text;
}

/** Text as it travels in a URL or header. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

/** A header value Node will send; anything else goes percent-encoded, as a client library would. */
function headerSafe(name: string, value: string): string {
  try {
    validateHeaderValue(name, value);
    return value;
  } catch {
    return encodeText(value);
  }
}

/** Where a broken value can go in a request for `op`. */
type Target =
  | { part: 'path' | 'query' | 'header'; name: string; schema: JsonSchema; required: boolean }
  | { part: 'body'; slot: Slot };

function targetsOf(op: Operation): Target[] {
  const targets: Target[] = op.parameters.map((p) => ({ part: p.in, name: p.name, schema: p.schema, required: p.required }));
  if (op.body) for (const slot of slotsOf(op.body)) targets.push({ part: 'body', slot });
  return targets;
}

/** A replacement for a value of `schema`: past its bounds, of the wrong type, or hostile text. */
function breakerFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const breakers = boundaryBreakers(schema);
  return fc.oneof(
    ...(breakers.length ? [{ arbitrary: fc.constantFrom(...breakers), weight: 4 }] : []),
    { arbitrary: wildString, weight: 3 },
    { arbitrary: wrongTyped, weight: 2 },
  );
}

function setAt(root: unknown, path: string[], value: unknown, remove = false): unknown {
  if (!path.length) return value;
  if (root === null || typeof root !== 'object') return root;
  const copy: Record<string, unknown> = Array.isArray(root) ? [...root] as unknown as Record<string, unknown> : { ...root as Record<string, unknown> };
  const [head, ...rest] = path;
  if (!rest.length) {
    if (remove) delete copy[head];
    else copy[head] = value;
  } else if (head in copy) {
    copy[head] = setAt(copy[head], rest, value, remove);
  }
  return copy;
}

/** A mutation of a valid request, applied to its parts. */
type Mutation =
  | { kind: 'none' }
  | { kind: 'replace'; target: Target; value: unknown }
  | { kind: 'remove'; target: Target }
  | { kind: 'extra'; part: 'query' | 'body'; objectPath: string[]; name: string; value: unknown }
  | { kind: 'repeat'; name: string; values: string[] };

function mutationArbitrary(op: Operation): fc.Arbitrary<Mutation> {
  const targets = targetsOf(op);
  const removable = targets.filter((t) => (t.part === 'body' ? t.slot.required && t.slot.path.length > 0 : t.required));
  const objects = op.body ? slotsOf(op.body).filter((s) => s.schema.type === 'object') : [];
  const queryNames = op.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const extraName = fc.oneof(fc.constantFrom('admin', '__proto__', 'constructor', 'isAdmin', 'role', 'jurisdictionId', 'where', '$where', '中文键'), fc.string({ minLength: 1, maxLength: 12 }));
  const options: fc.WeightedArbitrary<Mutation>[] = [{ arbitrary: fc.constant({ kind: 'none' as const }), weight: 1 }];
  if (targets.length) {
    options.push({
      arbitrary: fc.constantFrom(...targets).chain((target) => breakerFor(target.part === 'body' ? target.slot.schema : target.schema)
        .map((value) => ({ kind: 'replace' as const, target, value }))),
      weight: 6,
    });
  }
  if (removable.length) options.push({ arbitrary: fc.constantFrom(...removable).map((target) => ({ kind: 'remove' as const, target })), weight: 1 });
  options.push({
    arbitrary: fc.tuple(fc.constantFrom<{ part: 'query' | 'body'; path: string[] }>({ part: 'query', path: [] }, ...objects.map((s) => ({ part: 'body' as const, path: s.path }))), extraName, wildString)
      .map(([where, name, value]) => ({ kind: 'extra' as const, part: where.part, objectPath: where.path, name, value })),
    weight: 1,
  });
  if (queryNames.length) {
    options.push({
      arbitrary: fc.tuple(fc.constantFrom(...queryNames.flatMap((n) => [n, `${n}[]`, `${n}[0]`, `${n}[a][b]`])), fc.array(wildString, { minLength: 2, maxLength: 5 }))
        .map(([name, values]) => ({ kind: 'repeat' as const, name, values })),
      weight: 1,
    });
  }
  return fc.oneof(...options);
}

/**
 * Values of records that exist, by the path segment and parameter naming them (`cases/{id}`,
 * `photos/{photoId}`), so that requests reach past "not found" into the services.
 */
export type RecordPools = Record<string, readonly string[]>;

/** `cases/{id}` for the parameter `id` of `/api/v1/cases/{id}/duplicates`. */
export function poolKey(path: string, name: string): string {
  const segments = path.split('/');
  const at = segments.findIndex((s) => s.startsWith(`{${name}}`));
  return `${segments[at - 1]}/{${name}}`;
}

function validParts(op: Operation, pools: RecordPools = {}): fc.Arbitrary<Parts> {
  const place = (where: ParameterPlace) => {
    const params = op.parameters.filter((p) => p.in === where);
    const value = (name: string, schema: JsonSchema) => {
      const generic = validValue(schema, where === 'path' ? PATH_HINTS : {}, name);
      const pool = where === 'path' ? pools[poolKey(op.path, name)] : undefined;
      return pool?.length ? fc.oneof({ arbitrary: fc.constantFrom(...pool), weight: 3 }, { arbitrary: generic, weight: 1 }) : generic;
    };
    return fc.record(
      Object.fromEntries(params.map((p) => [p.name, value(p.name, p.schema)])),
      { requiredKeys: params.filter((p) => p.required).map((p) => p.name) },
    );
  };
  return fc.record({
    path: place('path'),
    query: place('query'),
    header: place('header'),
    body: op.body ? validValue(op.body) : fc.constant(undefined),
  });
}

/** Breaks a valid request in one place, sends it as text, and asks Ajv what is now wrong with it. */
function schemaRequest(op: Operation, pools: RecordPools): fc.Arbitrary<Omit<FuzzRequest, 'caller'>> {
  return fc.tuple(validParts(op, pools), mutationArbitrary(op)).map(([parts, mutation]) => {
    let body = parts.body;
    const path = { ...parts.path };
    const query: Record<string, unknown> = { ...parts.query };
    const header = { ...parts.header };
    const text = { path, query, header } as const;
    switch (mutation.kind) {
      case 'replace':
      case 'remove': {
        const t = mutation.target;
        if (t.part === 'body') body = setAt(body, t.slot.path, mutation.kind === 'replace' ? mutation.value : undefined, mutation.kind === 'remove');
        else if (mutation.kind === 'replace') text[t.part][t.name] = mutation.value;
        else delete text[t.part][t.name];
        break;
      }
      case 'extra':
        if (mutation.part === 'query') query[mutation.name] = mutation.value;
        else body = setAt(body, [...mutation.objectPath, mutation.name], mutation.value);
        break;
      case 'repeat':
        query[mutation.name] = mutation.values;
        break;
    }
    const receivedPath = Object.fromEntries(Object.entries(path).map(([k, v]) => [k, asText(v)]));
    // Arrays travel as repeated keys, as the list filters expect them.
    const receivedQuery = Object.fromEntries(Object.entries(query).filter(([, v]) => !Array.isArray(v) || v.length)
      .map(([k, v]) => [asReceived(k), Array.isArray(v) ? v.map((item) => asReceived(asText(item))) : asReceived(asText(v))]));
    const receivedHeader = Object.fromEntries(Object.entries(header).map(([k, v]) => [k, headerSafe(k, asText(v))]));
    // A path parameter that is empty leaves the route: some other route, or none, answers.
    // So does one the router cannot decode.
    const leavesRoute = Object.values(receivedPath).some((v) => v === '' || unstorableText(v)?.includes('surrogate'));
    const hasBody = body !== undefined && op.method !== 'GET' && op.method !== 'DELETE';
    const payload = hasBody ? JSON.stringify(body) : undefined;
    const faults = leavesRoute ? new Set<string>() : faultsOf(op, { path: receivedPath, query: receivedQuery, header: receivedHeader, body: payload === undefined ? undefined : JSON.parse(payload), hasBody });
    // The document lists the query parameters, not that others are refused; Shiyu's own query schemas refuse them.
    const queryNames = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    if (!leavesRoute && !op.open311 && queryNames.size) for (const name of Object.keys(receivedQuery)) if (!queryNames.has(name)) faults.add(name);
    const faultyField = faults.size === 1 ? [...faults][0] : undefined;
    return {
      method: op.method,
      url: fillPath(op.path, receivedPath) + queryString(receivedQuery),
      headers: { ...receivedHeader, ...(payload !== undefined ? { 'content-type': 'application/json' } : {}) },
      payload,
      label: `${mutation.kind}${describeMutation(mutation)}`,
      schemaInvalid: faults.size > 0,
      faultyField,
    };
  });
}

function describeMutation(m: Mutation): string {
  const short = (v: unknown) => { const s = asText(v); return s.length > 60 ? `${s.slice(0, 60)}…(${s.length})` : s; };
  switch (m.kind) {
    case 'replace': return ` ${m.target.part === 'body' ? `body.${m.target.slot.path.join('.')}` : `${m.target.part}.${m.target.name}`} = ${short(m.value)}`;
    case 'remove': return ` ${m.target.part === 'body' ? `body.${m.target.slot.path.join('.')}` : `${m.target.part}.${m.target.name}`}`;
    case 'extra': return ` ${m.part}.${[...m.objectPath, m.name].join('.')} = ${short(m.value)}`;
    case 'repeat': return ` query.${m.name} × ${m.values.length}`;
    default: return '';
  }
}

/** A 1×1 PNG, so that some uploads get past "is it an image" into storage. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const BROKEN_JSON = [
  '{"a":', '{a:1}', "{'a':1}", '[1,2', '', ' ', 'null', '"text"', '12', '[]', '{"a":1}{"b":2}', 'NaN', '\u0000', '\uFEFF{}',
  '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"admin":true}}}', '{"a":"\\ud800"}', '{"a":1,"a":2}', '{"a":1e999}',
];

const WRONG_TYPES = [
  'text/plain', 'application/xml', 'text/html', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16',
  'application/jsonx', 'multipart/form-data', 'a/b/c; ;;', 'application/octet-stream', 'text/csv', 'image/png', 'application/geo+json',
];

const BROKEN_FORMS = ['a=%zz&&=&b', 'attribute[x][y]=1&attribute[x]=2', '__proto__[admin]=1&constructor[prototype][admin]=1', 'description=a%00b&service_code=%00', '=&=&=', '%E4%B8', 'api_key=demo-open311-key&service_code=%27%20OR%201%3D1%20--&lat=NaN&long=Infinity'];

function multipart(boundary: string, parts: { name: string; filename?: string; type?: string; content: string | Buffer }[], end = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ''}`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`), Buffer.from(p.content), Buffer.from('\r\n'));
  }
  if (end) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** Multipart bodies as clients and attackers get them wrong. */
const brokenMultipart: fc.Arbitrary<{ label: string; contentType: string; payload: Buffer }> = fc.tuple(
  fc.constantFrom('photo', 'file', 'media', 'stage', 'secret', 'x', ''),
  fc.constantFrom('../../etc/passwd', '..\\..\\boot.ini', 'a\u0000.png', '<script>.png', '中文.png', 'x'.repeat(5000), ''),
  fc.constantFrom<{ what: string; content: Buffer }>(
    { what: 'png', content: PNG },
    { what: 'truncated png', content: PNG.subarray(0, 30) },
    { what: 'html', content: Buffer.from('<html><script>alert(1)</script></html>') },
    { what: 'csv', content: Buffer.from("code,name,level,parent_code\n'; drop table cases; --,x,city,\n") },
    { what: 'empty', content: Buffer.alloc(0) },
  ),
  fc.constantFrom('whole', 'no closing boundary', 'wrong boundary', 'two files', 'no boundary', 'field too large', 'garbage'),
).map(([field, filename, file, shape]) => {
  const boundary = '----shiyu-fuzz';
  const filePart = { name: field, filename, type: 'image/png', content: file.content };
  const label = `multipart ${shape}: ${field}=${file.what} as ${filename.slice(0, 30)}`;
  switch (shape) {
    case 'no closing boundary': return { label, contentType: `multipart/form-data; boundary=${boundary}`, payload: multipart(boundary, [filePart], false) };
    case 'wrong boundary': return { label, contentType: 'multipart/form-data; boundary=other', payload: multipart(boundary, [filePart]) };
    case 'two files': return { label, contentType: `multipart/form-data; boundary=${boundary}`, payload: multipart(boundary, [filePart, { ...filePart, name: 'photo' }, { name: 'stage', content: 'report' }]) };
    case 'no boundary': return { label, contentType: 'multipart/form-data', payload: multipart(boundary, [filePart]) };
    case 'field too large': return { label, contentType: `multipart/form-data; boundary=${boundary}`, payload: multipart(boundary, [{ name: 'stage', content: 'x'.repeat(100_000) }, filePart]) };
    case 'garbage': return { label, contentType: `multipart/form-data; boundary=${boundary}`, payload: Buffer.from(`--${boundary}\r\n\u0000\u0000garbage\r\n--${boundary}`) };
    default: return { label, contentType: `multipart/form-data; boundary=${boundary}`, payload: multipart(boundary, [{ name: 'stage', content: 'report' }, { name: 'secret', content: "' OR 1=1 --" }, filePart]) };
  }
});

/** Import files (the geography's CSV and GeoJSON, staff accounts' CSV) whose cells and properties hold hostile text and geometry. */
const hostileFile: fc.Arbitrary<{ label: string; contentType: string; payload: string }> = fc.tuple(
  fc.constantFrom('code,name,level,parent_code', 'grid_code,role,name,phone,organization', 'code,name,community_code,households,geometry', 'username,displayName,role,area,department,phone'),
  fc.array(wildString, { minLength: 1, maxLength: 5 }),
  fc.constantFrom<unknown>(null, 'x', { type: 'Polygon', coordinates: [[[1e309, 0], [0, 1], [1, 1]]] }, { type: 'Point', coordinates: ['a', null] }, { type: 'MultiPolygon', coordinates: [[[]]] }),
).chain(([header, cells, geometry]) => fc.constantFrom(
  { label: `CSV ${header.split(',')[0]} with hostile cells`, contentType: 'text/csv', payload: `${header}\n${header.split(',').map((_, i) => JSON.stringify(cells[i % cells.length])).join(',')}\n` },
  {
    label: 'GeoJSON with hostile properties', contentType: 'application/geo+json',
    payload: JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: Object.fromEntries(header.split(',').map((k, i) => [k, cells[i % cells.length]])), geometry }] }),
  },
));

/** Requests broken below the schema: bytes, media types, sizes, query syntax, headers. */
function rawRequest(op: Operation, pools: RecordPools): fc.Arbitrary<Omit<FuzzRequest, 'caller'>> {
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
  const url = validParts(op, pools).map((parts) => fillPath(op.path, Object.fromEntries(Object.entries(parts.path).map(([k, v]) => [k, asText(v)])))
    + queryString(Object.fromEntries(Object.entries(parts.query).map(([k, v]) => [k, asText(v)]))));
  const pathOnly = validParts(op, pools).map((parts) => fillPath(op.path, Object.fromEntries(Object.entries(parts.path).map(([k, v]) => [k, asText(v)]))));
  const plain = (label: string, extra: Partial<FuzzRequest> = {}) => (u: string) => ({ method: op.method, url: u, headers: {}, label, schemaInvalid: false, ...extra });
  const options: fc.Arbitrary<Omit<FuzzRequest, 'caller'>>[] = [
    // Query strings no form would make.
    fc.tuple(pathOnly, fc.constantFrom(
      '?a=1&a=2&a=3', '?x[]=1&x[]=2', '?x[y][z]=1', '?%E4%B8%AD=%E6%96%87', '?%zz=%', '?=&=&&', `?${'q=1&'.repeat(2000)}`, `?q=${'x'.repeat(200_000)}`,
      '?page=1&page=2', '?pageSize=-1&pageSize=1e9', '?from=2026-01-01&from=2025-01-01', '?%00=%00', '?q=%00', '?q=%27%20OR%201%3D1%20--', '?__proto__[admin]=1', '?constructor=1',
      '?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E', '?q=..%2F..%2Fetc%2Fpasswd', '?token=forged&api_key=%27--',
    )).map(([u, q]) => plain(`query ${q.slice(0, 60)}`)(u + q)),
    // Headers too long, or holding what they should not.
    fc.tuple(url, fc.constantFrom<[string, string]>(
      ['x-request-id', 'r'.repeat(20_000)], ['x-long-header', 'h'.repeat(60_000)], ['cookie', `session=${'c'.repeat(10_000)}`],
      ['if-none-match', Array.from({ length: 2000 }, (_, i) => `"t${i}"`).join(', ')], ['idempotency-key', 'k'.repeat(5000)],
      ['accept-language', '中文;q=abc, *;q=NaN'], ['accept', 'application/xml;q=0.9, */*;q=0'], ['x-forwarded-for', "' OR 1=1 --, 999.1.1.1"],
      ['content-length', '0'], ['x-api-key', "'; drop table api_keys; --"],
    )).map(([u, [name, value]]) => plain(`header ${name} (${value.length} chars)`, { headers: { [name]: value } })(u)),
    // A token that is no token: refused before anything else, whoever sends it.
    fc.tuple(url, fc.constantFrom('Bearer ' + 'a'.repeat(10_000), 'Bearer ' + 'a'.repeat(100), "Bearer ' OR 1=1 --", 'Basic YWRtaW46ZGVtbw==', 'Bearer', 'bearer  x', '\u00e9')).map(([u, auth]) => ({
      ...plain(`authorization ${auth.slice(0, 30)}`)(u), headers: { authorization: headerSafe('authorization', auth) }, forgedToken: true,
    })),
  ];
  if (hasBody) {
    options.push(
      fc.tuple(url, fc.constantFrom(...BROKEN_JSON)).map(([u, body]) => plain(`broken JSON ${JSON.stringify(body).slice(0, 40)}`, { headers: { 'content-type': 'application/json' }, payload: body })(u)),
      fc.tuple(url, fc.constantFrom(...WRONG_TYPES)).map(([u, type]) => plain(`content-type ${type}`, { headers: { 'content-type': type }, payload: '{"description":"x"}' })(u)),
      fc.tuple(url, fc.constantFrom('application/json', 'application/octet-stream', 'text/csv', 'application/x-www-form-urlencoded')).map(([u, type]) => plain(`oversized ${type}`, {
        headers: { 'content-type': type },
        payload: type === 'application/json' ? JSON.stringify({ description: 'x'.repeat(1_100_000) }) : type === 'application/x-www-form-urlencoded' ? `description=${'x'.repeat(1_100_000)}` : Buffer.alloc(1_100_000, 0x41),
      })(u)),
      fc.tuple(url, brokenMultipart).map(([u, m]) => plain(m.label, { headers: { 'content-type': m.contentType }, payload: m.payload })(u)),
      fc.tuple(url, hostileFile).map(([u, f]) => plain(f.label, { headers: { 'content-type': f.contentType }, payload: f.payload })(u)),
      fc.tuple(url, fc.constantFrom(...BROKEN_FORMS)).map(([u, form]) => plain(`form ${form.slice(0, 40)}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form })(u)),
      // A GeoReport submission good enough to reach intake, carrying hostile text in every free field.
      fc.tuple(url, fc.constantFrom(...(pools['services/{service_code}'] ?? ['x'])), wildString, wildString).map(([u, code, text, name]) => plain('Open311 form with hostile text', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ api_key: 'demo-open311-key', service_code: code, address_string: text.slice(0, 300), description: text, first_name: name, last_name: name, email: `${name}@example.com`, phone: name, 'attribute[x]': text })
          .toString().replace(/%EF%BF%BD/g, '%ED%A0%80'),
      })(u)),
      fc.tuple(url, hugeString, fc.constantFrom(...HOSTILE_STRINGS)).map(([u, huge, hostile]) => plain('raw bytes', {
        headers: { 'content-type': 'application/octet-stream' }, payload: Buffer.from(hostile + huge.slice(0, 5000), 'utf8'),
      })(u)),
    );
  }
  return fc.oneof(...options);
}

/** Requests for one operation, by admin or by nobody. */
export function fuzzRequests(op: Operation, pools: RecordPools = {}): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(
    fc.constantFrom<'admin' | 'anonymous'>('admin', 'anonymous'),
    fc.oneof({ arbitrary: schemaRequest(op, pools), weight: 3 }, { arbitrary: rawRequest(op, pools), weight: 2 }),
  ).map(([caller, request]) => ({ caller, ...request }));
}
