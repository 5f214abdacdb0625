import type { Static } from 'typebox';
import { resolveApiKey } from '../accounts/accounts.service.js';
import { createPublicCase, publicAnswersBetween, publicCategories, searchPublicCases } from '../cases/cases.public.js';
import type { Env } from '../core/env.js';
import { AppError, NotFoundError, ValidationError } from '../core/errors.js';
import * as geo from '../geo/geo.service.js';
import type { Submission } from './open311.form.js';
import type { RequestsQuery, UpdatesQuery } from './open311.schema.js';
import { PHONE } from '../core/phone.js';

/**
 * The GeoReport v2 adapter over cases (wiki.open311.org/GeoReport_v2, with mySociety's
 * servicerequestupdates and the page/page_size extension): services are the taxonomy's
 * leaves, service requests are cases by ticket number. Answers plain values the routes
 * render as JSON or XML; errors are the usual domain errors, which the routes put in the
 * spec's error format.
 */

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** When the service list or definitions last changed shape (discovery's changeset). */
const CHANGESET = '2026-11-24T00:00:00Z';
const DAY_MS = 24 * 3600_000;

/** A time in the spec's w3 format, in UTC, without fractions of a second. */
export function w3(at: Date | string | null | undefined): string | null {
  if (!at) return null;
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The end of a range whose `end_date` is the latest time to include (the spec's words): times are
 * published to the second, so the whole second it names is in, fractions the client never saw too.
 */
function throughSecond(end: Date): Date {
  return new Date(Math.floor(end.getTime() / 1000) * 1000 + 1000);
}

/** The discovery document for this endpoint. */
export function discovery(baseUrl: string, production: boolean) {
  return {
    changeset: CHANGESET,
    contact: 'Shiyu 市域社会治理平台: ask the city platform\'s administrators (市域社会治理中心).',
    key_service: 'API keys for POST requests are issued by the city platform\'s administrators; reading needs no key.',
    endpoints: [{
      specification: SPECIFICATION,
      url: baseUrl,
      changeset: CHANGESET,
      type: production ? 'production' : 'test',
      formats: ['text/xml', 'application/json'],
    }],
  };
}

/** One service per active leaf category. */
export async function listServices(env: Env) {
  return (await publicCategories(env)).map((c) => ({
    service_code: c.code,
    service_name: c.name,
    description: c.registerCondition ?? c.name,
    metadata: true,
    type: 'realtime',
    keywords: [c.name, c.nameEn, c.group].filter(Boolean).join(', '),
    group: c.group,
  }));
}

/** An attribute a client may send as attribute[code], as data. */
interface AttributeSpec {
  code: string;
  datatype: 'string' | 'singlevaluelist';
  description: string;
  datatype_description: string;
  maxLength?: number;
  values?: { key: string; name: string }[];
}

/** The attributes every service takes; neither is required. */
const ATTRIBUTES: AttributeSpec[] = [
  {
    code: 'urgency', datatype: 'singlevaluelist', description: '紧急程度 (urgency)',
    datatype_description: 'routine（一般）或 urgent（紧急），默认一般',
    values: [{ key: 'routine', name: '一般' }, { key: 'urgent', name: '紧急' }],
  },
  {
    code: 'location_detail', datatype: 'string', description: '位置补充说明：楼栋、单元、路口或附近地标 (where exactly)',
    datatype_description: '一行文字，不超过 200 字', maxLength: 200,
  },
];

async function findService(env: Env, code: string) {
  const service = (await publicCategories(env)).find((c) => c.code === code);
  if (!service) throw new NotFoundError('service', `service_code ${code} was not found`);
  return service;
}

/** A service's definition: its registration condition shown as information, then the attributes. */
export async function serviceDefinition(env: Env, code: string) {
  const service = await findService(env, code);
  const info = service.registerCondition ? [{
    variable: false, code: 'register_condition', datatype: 'string', required: false,
    datatype_description: null, order: 1, description: `立案条件：${service.registerCondition}`,
  }] : [];
  return {
    service_code: service.code,
    attributes: [
      ...info,
      ...ATTRIBUTES.map((a, i) => ({
        variable: true, code: a.code, datatype: a.datatype, required: false,
        datatype_description: a.datatype_description, order: info.length + i + 1, description: a.description,
        ...(a.values ? { values: a.values } : {}),
      })),
    ],
  };
}

/** Reads single-valued form fields: an empty one counts as absent, as the spec says. */
function reader(fields: Map<string, string[]>) {
  return (name: string, maxLength = 200): string | undefined => {
    const values = (fields.get(name) ?? []).map((v) => v.trim()).filter((v) => v !== '');
    if (values.length > 1) throw new ValidationError(name, `${name} was given more than once`);
    if (values[0] !== undefined && [...values[0]].length > maxLength) throw new ValidationError(name, `${name} is longer than ${maxLength} characters`);
    return values[0];
  };
}

function readNumber(field: (name: string) => string | undefined, name: 'lat' | 'long', limit: number): number | undefined {
  const raw = field(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^[+-]?\d+(\.\d+)?$/.test(raw) || Math.abs(value) > limit) throw new ValidationError(name, `${name} must be a WGS84 number from -${limit} to ${limit}`);
  return value;
}

/** attribute[code]=value pairs checked against the definition; answers what intake takes from them. */
function readAttributes(fields: Map<string, string[]>) {
  const given = new Map<string, string[]>();
  for (const [name, values] of fields) {
    const m = /^attribute\[([^\]]*)\](\[\])?$/.exec(name);
    if (!m) continue;
    const present = values.map((v) => v.trim()).filter((v) => v !== '');
    if (present.length) given.set(m[1], [...(given.get(m[1]) ?? []), ...present]);
  }
  const out: { urgency?: 'routine' | 'urgent'; locationDetail?: string } = {};
  for (const [code, values] of given) {
    const spec = ATTRIBUTES.find((a) => a.code === code);
    if (!spec) throw new ValidationError(`attribute[${code}]`, `attribute[${code}] is not an attribute of this service; see its service definition`);
    if (values.length > 1) throw new ValidationError(`attribute[${code}]`, `attribute[${code}] takes one value`);
    const value = values[0];
    if (spec.values && !spec.values.some((v) => v.key === value)) {
      throw new ValidationError(`attribute[${code}]`, `attribute[${code}] must be one of ${spec.values.map((v) => v.key).join(', ')}`);
    }
    if (spec.datatype === 'string' && /[\r\n]/.test(value)) throw new ValidationError(`attribute[${code}]`, `attribute[${code}] is one line of text`);
    if (spec.maxLength && [...value].length > spec.maxLength) throw new ValidationError(`attribute[${code}]`, `attribute[${code}] is longer than ${spec.maxLength} characters`);
    if (code === 'urgency') out.urgency = value as 'routine' | 'urgent';
    if (code === 'location_detail') out.locationDetail = value;
  }
  return out;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CJK = /^[\u3400-\u9fff·]+$/;

function readReporter(field: ReturnType<typeof reader>) {
  const first = field('first_name', 50);
  const last = field('last_name', 50);
  const phone = field('phone', 30);
  const email = field('email', 254);
  if (phone !== undefined && !PHONE.test(phone)) throw new ValidationError('phone', 'phone must be digits, optionally with +, spaces or dashes');
  if (email !== undefined && !EMAIL.test(email)) throw new ValidationError('email', 'email is not an email address');
  // A Chinese name is written family name first, without a space.
  const name = first && last && CJK.test(first) && CJK.test(last) ? `${last}${first}` : [first, last].filter(Boolean).join(' ');
  if (!name && !phone && !email) return undefined;
  // Each part is at most 50 characters; the name is kept whole.
  return { name: name || undefined, phone, email };
}

export type ApiClient = NonNullable<Awaited<ReturnType<typeof resolveApiKey>>>;

/**
 * The client a POST's api_key names, read as every other field is (blank values left out, one
 * value at most); refused with the spec's 403 when missing or unknown. The route asks first, so
 * that nothing else (a photo's decoding) is done for a caller without a key.
 */
export async function requestClient(env: Env, fields: Map<string, string[]>): Promise<ApiClient> {
  const key = reader(fields)('api_key');
  if (!key) throw new AppError(403, 'forbidden', 'api_key was not provided', 'api_key');
  const client = await resolveApiKey(env, key);
  if (!client) throw new AppError(403, 'forbidden', 'invalid api_key received -- cannot create the request', 'api_key');
  return client;
}

/**
 * POST Service Request: checks the service, the place and the attributes, then takes
 * the case in through the public door. A point must lie in the city's grids; an address
 * alone files the case under the key's jurisdiction for the dispatcher to place.
 */
export async function submitRequest(env: Env, submission: Submission, client: ApiClient, ip?: string) {
  const field = reader(submission.fields);
  field('jurisdiction_id', 100);
  const code = field('service_code', 40);
  if (!code) throw new ValidationError('service_code', 'service_code was not provided');
  const service = await findService(env, code);

  const lat = readNumber(field, 'lat', 90);
  const lon = readNumber(field, 'long', 180);
  if ((lat === undefined) !== (lon === undefined)) throw new ValidationError(lat === undefined ? 'lat' : 'long', 'lat and long must be sent together');
  const address = field('address_string', 300);
  field('address_id', 100);
  if (lat === undefined && !address) throw new ValidationError('lat', 'a location is required: lat and long, or address_string');
  const attributes = readAttributes(submission.fields);
  const description = field('description', 4000);
  const reporter = readReporter(field);
  const accountId = field('account_id', 100);
  field('device_id', 100);
  field('media_url', 2000);

  if (lat !== undefined) await requireWithinKey(env, client.jurisdictionId, lon!, lat);

  const text = [description ?? service.name, attributes.locationDetail && `【位置补充】${attributes.locationDetail}`].filter(Boolean).join('\n');
  const created = await createPublicCase(env, { channel: 'open311', apiKey: { id: client.id, name: client.name }, ip }, {
    requestType: 'report',
    categoryCode: service.code,
    urgency: attributes.urgency,
    description: text,
    address,
    location: lat === undefined ? undefined : { lon: lon!, lat },
    adminUnitId: lat === undefined ? client.jurisdictionId : undefined,
    reporter,
    // GeoReport's requests are public: its GET requests lists them for every client to show.
    shownPublicly: true,
  });
  return {
    service_request_id: created.ticketNo,
    service_notice: `已受理，工单号 ${created.ticketNo}。${service.name}问题将按时限派交责任部门处置，可凭工单号查询进度。`,
    account_id: accountId ?? null,
  };
}

/**
 * A key is issued for a jurisdiction (a district's app, say): it files requests there only,
 * so one district's client cannot fill another's queue. A point outside every grid is
 * refused by intake itself.
 */
async function requireWithinKey(env: Env, jurisdictionId: number, lon: number, lat: number): Promise<void> {
  const [found, keyPath] = await Promise.all([geo.locatePoint(env, lon, lat), geo.unitPath(env, jurisdictionId)]);
  if (found && keyPath !== null && !found.path.startsWith(keyPath)) {
    throw new ValidationError('lat', `the point ${lat}, ${lon} lies outside the area this api_key serves`);
  }
}

type PublicRecord = Awaited<ReturnType<typeof searchPublicCases>>[number];

/** A case as a GeoReport v2 request. Never the reporter's name, phone or email. */
function toRequest(v: PublicRecord) {
  const answered = v.timeline.filter((e) => e.answer);
  return {
    service_request_id: v.ticketNo,
    status: v.open ? 'open' : 'closed',
    status_notes: answered.at(-1)?.answer ?? null,
    service_name: v.category?.name ?? null,
    service_code: v.category?.code ?? null,
    description: v.description,
    agency_responsible: v.agency,
    service_notice: null,
    requested_datetime: w3(v.createdAt),
    updated_datetime: w3(v.open ? v.updatedAt : v.closedAt ?? v.updatedAt),
    expected_datetime: w3(v.dueAt),
    address: v.address,
    lat: v.location?.lat ?? null,
    long: v.location?.lon ?? null,
    media_url: null,
  };
}

const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** GET Service Requests: by ticket numbers, or filtered and paged (the last 90 days unless a range is given). */
export async function listRequests(env: Env, q: Static<typeof RequestsQuery>) {
  const ids = list(q.service_request_id);
  if (ids.length > 200) throw new ValidationError('service_request_id', 'ask for at most 200 service_request_id at once');
  if (ids.length) return (await searchPublicCases(env, { ticketNos: ids, limit: ids.length, offset: 0 })).map(toRequest);
  const end = q.end_date ? new Date(q.end_date) : undefined;
  const from = q.start_date ? new Date(q.start_date) : new Date((end?.getTime() ?? Date.now()) - 90 * DAY_MS);
  if (end && from > end) throw new ValidationError('start_date', 'start_date is after end_date');
  const to = end ? throughSecond(end) : undefined;
  const statuses = new Set(list(q.status));
  const open = statuses.size === 1 ? statuses.has('open') : undefined;
  const codes = list(q.service_code);
  const found = await searchPublicCases(env, {
    categoryCodes: codes.length ? codes : undefined, open, from, to, limit: q.page_size, offset: (q.page - 1) * q.page_size,
  });
  return found.map(toRequest);
}

/** GET Service Request: one case by ticket number. */
export async function getRequest(env: Env, ticketNo: string) {
  const [found] = await searchPublicCases(env, { ticketNos: [ticketNo], limit: 1, offset: 0 });
  if (!found) throw new NotFoundError('service request', `service_request_id ${ticketNo} was not found`);
  return [toRequest(found)];
}

/** What each answering action tells an Open311 client, in mySociety's extended statuses. */
export const UPDATE_STATUS: Record<string, string> = {
  report_back: 'fixed',
  close: 'closed',
  reject: 'no_further_action',
  refer_out: 'not_councils_responsibility',
  merge: 'duplicate',
};

/** The most updates one answer holds: a client that gets this many asks again from the last one's time. */
export const UPDATES_LIMIT = 10_000;

/**
 * mySociety's GET servicerequestupdates: one update per official answer given in the range
 * (the last day unless given), oldest first. The update id is the ticket number and the answer's
 * place in the timeline, which never changes as the timeline only grows.
 */
export async function listUpdates(env: Env, q: Static<typeof UpdatesQuery>) {
  if (q.api_key !== undefined && !(await resolveApiKey(env, q.api_key))) throw new AppError(403, 'forbidden', 'invalid api_key received', 'api_key');
  const to = q.end_date ? new Date(q.end_date) : new Date();
  const from = q.start_date ? new Date(q.start_date) : new Date(to.getTime() - DAY_MS);
  if (from > to) throw new ValidationError('start_date', 'start_date is after end_date');
  const answers = await publicAnswersBetween(env, from, throughSecond(to), Object.keys(UPDATE_STATUS), UPDATES_LIMIT);
  return answers.map((a) => ({
    update_id: `${a.ticketNo}-${a.position}`, service_request_id: a.ticketNo, status: UPDATE_STATUS[a.action],
    description: a.answer ?? '', updated_datetime: w3(a.at), media_url: null,
  }));
}
