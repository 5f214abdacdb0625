/**
 * Shapes of the case routes, kept by hand beside the server's (src/cases/cases.view.ts,
 * cases.service.ts listCases, cases.bulk.ts, cases.templates.ts, cases.photos.ts), except the
 * list's filters, which come from the server's own contract (src/cases/cases.contract.ts).
 */
import { DEPARTMENT_KINDS, type CaseQuery as CaseFilters } from '../../../src/cases/cases.contract';
import type { AdminUnitRef, CaseStatus } from '../api/types';

/** src/cases/cases.service.ts CHANNELS. */
export const CHANNELS = ['patrol', 'hotline', 'citizen_app', 'department', 'detection', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];
export const REQUEST_TYPES = ['inquiry', 'help', 'complaint', 'report', 'suggestion'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export const URGENCIES = ['routine', 'urgent', 'critical'] as const;
export type Urgency = (typeof URGENCIES)[number];
/** 三事分流: who owns it. */
export const TRIAGES = ['government', 'community', 'private'] as const;
export type Triage = (typeof TRIAGES)[number];
/** The kind of department a category goes to where no rule says otherwise (the server's own list). */
export { DEPARTMENT_KINDS };
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];
/** src/cases/calendar.ts TimeUnit. */
export const TIME_UNITS = ['days', 'hours', 'natural_hours'] as const;

/** src/cases/cases.workflow.ts TRANSITIONS, in the order the loop usually takes them. */
export const CASE_ACTIONS = [
  'register', 'dispatch', 'joint_dispatch', 'accept', 'report_back', 'verify_ok', 'callback', 'close',
  'return', 'transfer', 'verify_fail', 'reopen', 'request_extension', 'extend', 'defer', 'hang', 'resume',
  'supervise', 'escalate', 'reject', 'refer_out', 'merge', 'void', 'rate',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** src/cases/cases.bulk.ts BULK_ACTIONS. */
export const BULK_ACTIONS = ['register', 'dispatch', 'joint_dispatch', 'reject', 'close', 'callback', 'supervise'] as const satisfies readonly CaseAction[];
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** States a case can still leave (cases.workflow.ts OPEN_STATUSES). */
export const OPEN_STATUSES: readonly CaseStatus[] = ['received', 'registered', 'dispatched', 'in_progress', 'returned', 'deferred', 'hung', 'reported', 'verified'];

export interface Point {
  lon: number;
  lat: number;
}

/** One row of GET /api/v1/cases. */
export interface CaseSummary {
  id: number;
  ticketNo: string;
  status: CaseStatus;
  channel: Channel;
  requestType: RequestType;
  categoryCode: string | null;
  triage: Triage | null;
  urgency: Urgency;
  /** The first 200 characters. */
  description: string;
  address: string | null;
  location: Point | null;
  gridId: number | null;
  department: { id: number; name: string | null } | null;
  dueAt: string | null;
  overdue: boolean;
  createdAt: string;
}

/** GET /api/v1/cases: `total` is exact only when `totalExact`; otherwise a lower bound ("10,000+"). */
export interface CasePage {
  items: CaseSummary[];
  total: number;
  totalExact: boolean;
  hasMore: boolean;
  page: number;
  pageSize: number;
}

/** The filters of the case list (and of the figures' drill-down links), as the server takes them, and the page. */
export interface CaseQuery extends CaseFilters {
  page?: number;
  pageSize?: number;
}

export interface TimelineEntry {
  at: string;
  /** A username, or a door ('citizen', 'open311:…'). */
  actor: string | null;
  action: string;
  from: CaseStatus | null;
  to: CaseStatus;
  note: string | null;
  detail: Record<string, unknown> | null;
}

/** GET /api/v1/cases/{id} (cases.view.ts presentCase). */
export interface CaseDetail {
  id: number;
  ticketNo: string;
  version: number;
  /** Where the dispatch catalogue would send the case, for whoever may dispatch it now. */
  proposedRoute?: { department: { id: number; name: string } | null; reason: 'rule' | 'category' | 'community' | 'private' | 'none' | 'suggested' | 'returned' };
  status: CaseStatus;
  open: boolean;
  channel: Channel;
  requestType: RequestType;
  category: { code: string; name: string; nameEn: string } | null;
  triage: Triage | null;
  urgency: Urgency;
  description: string;
  address: string | null;
  location: Point | null;
  gridId: number | null;
  adminUnits: AdminUnitRef[];
  departments: { id: number; name: string | null; role: 'lead' | 'support' }[];
  /** Masked by the server unless the caller's role needs it; null when confidential. */
  /** Masked for everyone; `revealable`: this user may fetch them whole (GET /api/v1/cases/{id}/reporter, audited). */
  reporter: ReporterContact & { revealable: boolean };
  confidential: boolean;
  /** The reporter agreed that anyone may read their words, place and the official answers by the ticket number. */
  shownPublicly: boolean;
  dueAt: string | null;
  overdue: boolean;
  registeredAt: string | null;
  dispatchedAt: string | null;
  closedAt: string | null;
  mergedIntoId: number | null;
  satisfaction: number | null;
  /** The reporter's own rating, which a call back keeps without asking again; null when it must ask (src/cases/cases.workflow.ts reporterRating). */
  reporterRating: number | null;
  reopenCount: number;
  extensionCount: number;
  escalationLevel: number;
  /** 0 none, 1 due soon, 2 overdue. */
  warningLevel: number;
  escalatedTo: AdminUnitRef | null;
  createdAt: string;
  allowedActions: CaseAction[];
  timeline: TimelineEntry[];
}

/** A time limit or extension: working hours, working days or natural hours. */
export interface TimeLimit {
  amount: number;
  unit: 'hours' | 'days' | 'natural_hours';
}

/** The body of POST /api/v1/cases/{id}/actions, without action and version. */
export interface ActionParameters {
  note?: string;
  departmentId?: number;
  supportDepartmentIds?: number[];
  categoryCode?: string;
  triage?: Triage;
  urgency?: Urgency;
  satisfaction?: number;
  mergeIntoId?: number;
  extension?: TimeLimit;
  referTo?: string;
  templateId?: number;
}

/** GET /api/v1/case-categories. */
export interface Category {
  code: string;
  parentCode: string | null;
  name: string;
  nameEn: string;
  kind: 'event' | 'component' | 'subject';
  triage: Triage | null;
  departmentKind: DepartmentKind | null;
  registerCondition: string | null;
  closeCondition: string | null;
  limits: Partial<Record<Urgency, TimeLimit>> | null;
  active: boolean;
}

/** GET /api/v1/departments. */
export interface Department {
  id: number;
  code: string;
  name: string;
  kind: string;
  adminUnit: AdminUnitRef | null;
}

/** GET /api/v1/response-templates. */
export interface ResponseTemplate {
  id: number;
  title: string;
  body: string;
  actions: CaseAction[];
  categoryCode: string | null;
  adminUnit: AdminUnitRef | null;
  placeholders: string[];
  editable: boolean;
}

/** GET /api/v1/cases/{id}/response-templates/{templateId}/preview. */
export interface TemplatePreview {
  templateId: number;
  caseId: number;
  title: string;
  text: string;
}

export type PhotoStage = 'report' | 'handling' | 'verification';

/** GET /api/v1/cases/{id}/photos. */
export interface CasePhoto {
  id: number;
  caseId: number;
  stage: PhotoStage;
  mediaType: string;
  width: number;
  height: number;
  createdAt: string;
  url: string;
  thumbUrl: string;
}

/** POST /api/v1/cases/bulk-actions. */
export type BulkResult =
  | { id: number; ok: true; status: CaseStatus; version: number }
  | { id: number; ok: false; error: { code: string; message: string; field?: string } };

export interface BulkAnswer {
  action: BulkAction;
  results: BulkResult[];
  summary: { total: number; succeeded: number; failed: number };
}

/** POST /api/v1/cases (a staff channel). */
export interface NewCase {
  channel: Channel;
  requestType: RequestType;
  categoryCode?: string;
  urgency?: Urgency;
  description: string;
  address?: string;
  location?: Point;
  /** Who called, for the call back (hotline); encrypted on the server and masked to those who do not need it. */
  reporter?: { name?: string; phone?: string };
}

/** What intake answers. */
export interface TakenCase {
  id: number;
  ticketNo: string;
  status: CaseStatus;
  grid: { id: number; code: string; name: string } | null;
  route: { department: { id: number; name: string } | null; reason: string };
  /** Open cases of the same category nearby, reported shortly before: candidates to merge on the case's page. */
  possibleDuplicates?: { id: number; ticketNo: string; distanceM: number }[];
}

/** A reporter's contact; in the case view masked, from GET /api/v1/cases/{id}/reporter whole. */
export interface ReporterContact {
  name: string | null;
  phone: string | null;
  email: string | null;
}
