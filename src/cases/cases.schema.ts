import { Type } from 'typebox';
import { ACTIONS, STATUSES } from './cases.workflow.js';
import { DEPARTMENT_KINDS } from './taxonomy.js';
import { CHANNELS, REQUEST_TYPES, TRIAGES, URGENCIES } from './cases.service.js';
import { PHONE_PATTERN } from '../core/phone.js';

/** JSON schemas of the case routes; doc strings become the OpenAPI descriptions. */

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Phone = Type.String({ pattern: PHONE_PATTERN, description: 'digits, optionally with +, spaces or dashes' });
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
  satisfaction: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'callback: how satisfied the reporter is; 1 or 2 reopens the case. Required unless the reporter rated the case themselves (the case\'s `reporterRating`), whose rating is then kept' })),
  mergeIntoId: Type.Optional(Type.Integer({ minimum: 1 })),
  extension: Type.Optional(Type.Object({
    amount: Type.Number({ exclusiveMinimum: 0, maximum: 1000 }),
    unit: literals(['hours', 'days', 'natural_hours'] as const),
  }, { additionalProperties: false })),
  referTo: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: '110, 119, 120, 122, or the legal channel named' })),
  templateId: Type.Optional(Type.Integer({ minimum: 1, description: 'a response template fitting this action and case: filled in from the case as the action leaves it, it becomes the note, followed by `note` on a line of its own when both are given' })),
}, { additionalProperties: false });

/** The filters of the case list, which its CSV export takes too. */
const caseFilterFields = {
  status: Type.Optional(Type.Array(literals(STATUSES), { maxItems: 20, description: 'one or more statuses (repeat the parameter); a misspelt one is refused, not matched by nothing' })),
  categoryCode: Type.Optional(CategoryCode),
  channel: Type.Optional(literals(CHANNELS)),
  adminUnitId: Type.Optional(Type.Integer({ minimum: 1 })),
  departmentId: Type.Optional(Type.Integer({ minimum: 1, description: 'the lead or a supporting department' })),
  gridId: Type.Optional(Type.Integer({ minimum: 1, description: 'the cases located in one grid (a grid worker\'s round)' })),
  overdue: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a ticket number (13 or more digits) finds that case; a phone number (7 to 12 digits, + spaces and dashes allowed) the cases its caller reported; other text, words in the description or address' })),
  from: Type.Optional(Type.String({ format: 'date-time', description: 'received at or after (RFC 3339)' })),
  to: Type.Optional(Type.String({ format: 'date-time', description: 'received before' })),
  closedFrom: Type.Optional(Type.String({ format: 'date-time', description: 'closed at or after (RFC 3339): with status=closed, the cases a period\'s `closed` figure counts' })),
  closedTo: Type.Optional(Type.String({ format: 'date-time', description: 'closed before' })),
  dueFrom: Type.Optional(Type.String({ format: 'date-time', description: 'with dueTo: the cases a period\'s `due` figure (应结案) counts, by its rule (README, "Figures")' })),
  dueTo: Type.Optional(Type.String({ format: 'date-time', description: 'the end of that period, exclusive' })),
};

export const CaseFilterQuery = Type.Object(caseFilterFields, { additionalProperties: false });

export const CaseListQuery = Type.Object({
  ...caseFilterFields,
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1, description: 'a page starts within the first 10,000 cases: narrow the filter, or download the export' }),
  pageSize: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
}, { additionalProperties: false });

export const CaseListPage = Type.Object({
  items: Type.Array(Type.Unknown(), { description: 'the cases of the page, newest first' }),
  total: Type.Integer({ description: 'how many cases match: exact when totalExact, otherwise a lower bound ("1,000 or more")' }),
  totalExact: Type.Boolean({ description: 'false when more cases match than are counted (1,000) and this is not the last page: show "1,000+"' }),
  hasMore: Type.Boolean({ description: 'whether a next page has cases' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const RoutingRuleBody = Type.Object({
  categoryCode: CategoryCode,
  adminUnitId: Type.Integer({ minimum: 1, description: 'the rule holds here and in every unit below, unless a lower unit has its own' }),
  departmentId: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

export const RoutingRuleQuery = Type.Object({
  categoryCode: Type.Optional(CategoryCode),
}, { additionalProperties: false });

export const RoutePreviewQuery = Type.Object({
  categoryCode: CategoryCode,
  adminUnitId: Type.Integer({ minimum: 1 }),
}, { additionalProperties: false });

export const RoutingRuleParams = Type.Object({
  categoryCode: CategoryCode,
  adminUnitId: Type.Integer({ minimum: 1 }),
});

export const StreamQuery = Type.Object({
  token: Type.Optional(Type.String({ minLength: 20, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$', description: 'the bearer token, for clients that cannot send headers' })),
}, { additionalProperties: false });

const TimeLimitSchema = Type.Object({
  amount: Type.Number({ exclusiveMinimum: 0, maximum: 8760, description: 'positive; whole for working days' }),
  unit: literals(['hours', 'days', 'natural_hours'] as const),
}, { additionalProperties: false });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const categoryFields = {
  name: Type.String({ minLength: 1, maxLength: 60, description: 'zh-CN name' }),
  nameEn: Type.String({ minLength: 1, maxLength: 120 }),
  triage: Nullable(literals(TRIAGES)),
  departmentKind: Nullable(literals(DEPARTMENT_KINDS)),
  registerCondition: Nullable(Type.String({ maxLength: 500, description: '立案条件' })),
  closeCondition: Nullable(Type.String({ maxLength: 500, description: '结案条件' })),
  limits: Nullable(Type.Object({
    routine: Type.Optional(TimeLimitSchema), urgent: Type.Optional(TimeLimitSchema), critical: Type.Optional(TimeLimitSchema),
  }, { additionalProperties: false, description: 'handling limit by urgency' })),
  active: Type.Boolean({ description: 'false stops new cases being filed under it and its subclasses' }),
};

export const NewCategoryBody = Type.Object({
  code: CategoryCode,
  parentCode: Type.Optional(CategoryCode),
  kind: Type.Optional(literals(['event', 'component', 'subject'] as const)),
  name: categoryFields.name,
  nameEn: categoryFields.nameEn,
  triage: Type.Optional(categoryFields.triage),
  departmentKind: Type.Optional(categoryFields.departmentKind),
  registerCondition: Type.Optional(categoryFields.registerCondition),
  closeCondition: Type.Optional(categoryFields.closeCondition),
  limits: Type.Optional(categoryFields.limits),
  active: Type.Optional(categoryFields.active),
}, { additionalProperties: false });

export const CategoryPatchBody = Type.Partial(Type.Object(categoryFields), { additionalProperties: false, minProperties: 1 });

export const CategoryParams = Type.Object({ code: CategoryCode });
