import type { ColumnType, Generated } from 'kysely';

/** Column types of the tables, as the migrations make them. */

type Id = Generated<number>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** jsonb: written as a JSON string, read back parsed. */
type Json<T> = ColumnType<T, string, string>;

export interface AdminUnitsTable {
  id: Id;
  code: string;
  name: string;
  level: 'city' | 'district' | 'township' | 'community';
  parent_id: number | null;
  path: string;
  boundary: Json<unknown> | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface DepartmentsTable {
  id: Id;
  code: string;
  name: string;
  kind: string;
  admin_unit_id: number;
  created_at: CreatedAt;
}

export interface UsersTable {
  id: Id;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  jurisdiction_id: number | null;
  department_id: number | null;
  phone_enc: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  password_changed_at: UpdatedAt;
}

export interface SessionsTable {
  token_hash: string;
  user_id: number;
  created_at: CreatedAt;
  expires_at: Date | string;
  ip: string | null;
}

export interface ApiKeysTable {
  id: Id;
  name: string;
  key_hash: string;
  jurisdiction_id: number;
  created_at: CreatedAt;
  revoked_at: Date | null;
}

export interface GridsTable {
  id: Id;
  code: string;
  name: string;
  community_id: number;
  path: string;
  boundary: Json<unknown>;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  area_m2: number;
  households: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface GridMembersTable {
  id: Id;
  grid_id: number;
  role: 'worker' | 'leader' | 'police_officer' | 'judge' | 'prosecutor' | 'lawyer';
  name: string;
  organization: string | null;
  phone_enc: string | null;
  user_id: number | null;
}

export interface AuditLogTable {
  id: Id;
  at: ColumnType<Date, Date | string | undefined, never>;
  actor_id: number | null;
  actor_name: string;
  actor_role: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  scope_path: string | null;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  ip: string | null;
  request_id: string | null;
  chain_no: number | null;
  prev_hash: string | null;
  hash: string | null;
}

export interface CaseCategoriesTable {
  code: string;
  parent_code: string | null;
  name: string;
  name_en: string;
  kind: 'event' | 'component' | 'subject';
  triage: 'government' | 'community' | 'private' | null;
  department_kind: string | null;
  register_condition: string | null;
  close_condition: string | null;
  limits: Json<unknown> | null;
  active: Generated<boolean>;
  updated_at: UpdatedAt;
}

export interface CalendarDaysTable {
  day: string;
  working: boolean;
  note: string | null;
}

export interface RoutingRulesTable {
  id: Id;
  category_code: string;
  admin_unit_id: number;
  department_id: number;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CasesTable {
  id: Id;
  ticket_no: string;
  city_id: number;
  channel: string;
  request_type: string;
  category_code: string | null;
  triage: string | null;
  urgency: string;
  status: string;
  description: string;
  address: string | null;
  lon: number | null;
  lat: number | null;
  grid_id: number | null;
  admin_unit_id: number;
  path: string;
  department_id: number | null;
  reporter_name_enc: string | null;
  reporter_phone_enc: string | null;
  /** A keyed hash of the number's digits, to find a repeat caller's cases (Cipher.phoneIndex). */
  reporter_phone_index: string | null;
  confidential: Generated<boolean>;
  /** The reporter agreed that anyone may see their description, address, point and photos. */
  shown_publicly: Generated<boolean>;
  created_by: number | null;
  intake_key: string | null;
  intake_fingerprint: string | null;
  due_at: Date | null;
  registered_at: Date | null;
  dispatched_at: Date | null;
  closed_at: Date | null;
  merged_into_id: number | null;
  satisfaction: number | null;
  reopen_count: Generated<number>;
  extension_count: Generated<number>;
  escalation_level: Generated<number>;
  version: Generated<number>;
  /** Settable: the demo's two years of history and imports from earlier systems carry their own. */
  created_at: UpdatedAt;
  updated_at: UpdatedAt;
  public_secret_hash: string | null;
  reporter_email_enc: string | null;
  api_key_id: number | null;
  rating_comment: string | null;
  /** 0 none, 1 yellow, 2 red (cases.deadlines.ts). */
  warning_level: Generated<number>;
  escalated_to_unit_id: number | null;
  last_escalated_at: Date | null;
}

export interface CaseAssignmentsTable {
  case_id: number;
  department_id: number;
  role: 'lead' | 'support';
  assigned_at: CreatedAt;
  active: Generated<boolean>;
}

export interface CaseEventsTable {
  id: Id;
  case_id: number;
  at: CreatedAt;
  actor_id: number | null;
  actor_name: string;
  action: string;
  from_status: string | null;
  to_status: string;
  note: string | null;
  detail: Json<unknown> | null;
}

export interface NotificationsTable {
  id: Id;
  dedupe_key: string;
  case_id: number | null;
  channel: 'web' | 'email' | 'sms';
  user_id: number | null;
  department_id: number | null;
  address_enc: string | null;
  subject: string;
  body: string;
  /** What a message to staff says, as data (notify.service: StaffNoticeKind); null for messages to reporters. */
  kind: string | null;
  params: Json<Record<string, string>> | null;
  path: string | null;
  status: Generated<'pending' | 'sending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  locked_until: Date | null;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
}

/** The durable scheduler's recurring jobs (core/scheduler.ts). */
export interface JobsTable {
  name: string;
  period_seconds: number;
  run_at: ColumnType<Date, Date | string, Date | string>;
  locked_by: string | null;
  locked_until: Date | null;
  last_started_at: Date | null;
  last_run_at: Date | null;
  last_error: string | null;
  last_error_at: Date | null;
  attempts: Generated<number>;
  runs: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** A photo of a case; its bytes live under DATA_DIR/photos by sha256 (cases.photos.ts). */
export interface CasePhotosTable {
  id: Id;
  case_id: number;
  sha256: string;
  media_type: 'image/jpeg' | 'image/png' | 'image/webp';
  bytes: number;
  width: number;
  height: number;
  stage: 'report' | 'handling' | 'verification';
  uploaded_by: number | null;
  /** The door it came through: staff, citizen or open311. */
  via: string;
  created_at: CreatedAt;
}

/** A response template (回复模板); `path` is its owner unit's, '' for the whole instance (cases.templates.ts). */
export interface CaseResponseTemplatesTable {
  id: Id;
  title: string;
  body: string;
  actions: Json<string[]>;
  category_prefix: string | null;
  admin_unit_id: number | null;
  path: string;
  created_by: number | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  deleted_at: Date | null;
}

export interface DB {
  admin_units: AdminUnitsTable;
  departments: DepartmentsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  grids: GridsTable;
  grid_members: GridMembersTable;
  audit_log: AuditLogTable;
  case_categories: CaseCategoriesTable;
  calendar_days: CalendarDaysTable;
  routing_rules: RoutingRulesTable;
  cases: CasesTable;
  case_assignments: CaseAssignmentsTable;
  case_events: CaseEventsTable;
  jobs: JobsTable;
  notifications: NotificationsTable;
  case_photos: CasePhotosTable;
  case_response_templates: CaseResponseTemplatesTable;
}
