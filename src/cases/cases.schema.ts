import { Type } from 'typebox';
import { ACTIONS } from './cases.workflow.js';
import { CHANNELS, REQUEST_TYPES, TRIAGES, URGENCIES } from './cases.service.js';

/** JSON schemas of the case routes; doc strings become the OpenAPI descriptions. */

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Phone = Type.String({ pattern: '^\\+?[0-9][0-9 -]{4,19}$', description: 'digits, optionally with +, spaces or dashes' });
const CategoryCode = Type.String({ minLength: 1, maxLength: 20, pattern: '^[A-Za-z0-9]+$' });

export const Location = Type.Object({
  lon: Type.Number({ minimum: -180, maximum: 180, description: 'WGS84 longitude' }),
  lat: Type.Number({ minimum: -90, maximum: 90, description: 'WGS84 latitude' }),
}, { additionalProperties: false });

export const NewCaseBody = Type.Object({
  channel: literals(CHANNELS),
  requestType: literals(REQUEST_TYPES),
  categoryCode: Type.Optional(CategoryCode),
  triage: Type.Optional(literals(TRIAGES)),
  urgency: Type.Optional(literals(URGENCIES)),
  description: Type.String({ minLength: 1, maxLength: 4000 }),
  address: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  location: Type.Optional(Location),
  adminUnitId: Type.Optional(Type.Integer({ minimum: 1, description: 'where the case belongs when it has no point' })),
  reporter: Type.Optional(Type.Object({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    phone: Type.Optional(Phone),
  }, { additionalProperties: false })),
  confidential: Type.Optional(Type.Boolean({ description: 'the reporter asked for their identity to be kept from staff' })),
}, { additionalProperties: false });

export const IntakeHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7e]+$' })),
});

export const ActionBody = Type.Object({
  action: literals(ACTIONS),
  version: Type.Integer({ minimum: 1, description: 'the version the decision was made on' }),
  note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
  departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
  supportDepartmentIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 20, uniqueItems: true })),
  categoryCode: Type.Optional(CategoryCode),
  triage: Type.Optional(literals(TRIAGES)),
  urgency: Type.Optional(literals(URGENCIES)),
  satisfaction: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
  mergeIntoId: Type.Optional(Type.Integer({ minimum: 1 })),
  extension: Type.Optional(Type.Object({
    amount: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
    unit: literals(['hours', 'days', 'natural_hours'] as const),
  }, { additionalProperties: false })),
  referTo: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '110, 119, 120, 122, or the legal channel named' })),
}, { additionalProperties: false });

export const CaseListQuery = Type.Object({
  status: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 20 })),
  categoryCode: Type.Optional(CategoryCode),
  channel: Type.Optional(literals(CHANNELS)),
  adminUnitId: Type.Optional(Type.Integer({ minimum: 1 })),
  departmentId: Type.Optional(Type.Integer({ minimum: 1 })),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'ticket number, or words in the description or address' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
}, { additionalProperties: false });

export const RoutingRuleBody = Type.Object({
  categoryCode: CategoryCode,
  adminUnitId: Type.Integer({ minimum: 1, description: 'the rule holds here and in every unit below, unless a lower unit has its own' }),
  departmentId: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

export const StreamQuery = Type.Object({
  token: Type.Optional(Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'the bearer token, for clients that cannot send headers' })),
}, { additionalProperties: false });
