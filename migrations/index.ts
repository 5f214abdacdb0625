import type { Migration } from 'kysely';
import * as foundation from './202611240500_foundation.js';
import * as cases from './202611240600_cases.js';
import * as casePublic from './202611240700_case_public.js';
import * as scheduler from './202611240800_scheduler.js';
import * as notifications from './202611240900_notifications.js';
import * as caseFigureIndexes from './202611241000_case_figure_indexes.js';
import * as casePhotos from './202611241100_case_photos.js';
import * as caseResponseTemplates from './202611241200_case_response_templates.js';
import * as routingRuleRevision from './202611241400_routing_rule_revision.js';
import * as caseIdsByDefault from './202611241600_case_ids_by_default.js';
import * as caseListIndexes from './202611241500_case_list_indexes.js';
import * as caseDuplicateIndex from './202611241700_case_duplicate_index.js';
import * as caseDailyCounts from './202611241800_case_daily_counts.js';
import * as notificationCaseIndex from './202611241900_notification_case_index.js';
import * as auditLookups from './202611242000_audit_lookups.js';
import * as notificationReporterIndex from './202611250300_notification_reporter_index.js';
import * as auditAppendOnlyColumns from './202611250600_audit_append_only_columns.js';
import * as notificationDueByChannel from './202611250700_notification_due_by_channel.js';
import * as casePartialIndexes from './202611250800_case_partial_indexes.js';
import * as caseIntakeFingerprint from './202611250900_case_intake_fingerprint.js';
import * as notificationKind from './202611251000_notification_kind.js';
import * as caseShownPublicly from './202611251100_case_shown_publicly.js';
import * as caseReporterPhoneIndex from './202611251200_case_reporter_phone_index.js';

/** Every migration in order; names sort by the time they were written. */
export const migrations: Record<string, Migration> = {
  '202611240500_foundation': foundation,
  '202611240600_cases': cases,
  '202611240700_case_public': casePublic,
  '202611240800_scheduler': scheduler,
  '202611240900_notifications': notifications,
  '202611241000_case_figure_indexes': caseFigureIndexes,
  '202611241100_case_photos': casePhotos,
  '202611241200_case_response_templates': caseResponseTemplates,
  '202611241400_routing_rule_revision': routingRuleRevision,
  '202611241500_case_list_indexes': caseListIndexes,
  '202611241600_case_ids_by_default': caseIdsByDefault,
  '202611241700_case_duplicate_index': caseDuplicateIndex,
  '202611241800_case_daily_counts': caseDailyCounts,
  '202611241900_notification_case_index': notificationCaseIndex,
  '202611242000_audit_lookups': auditLookups,
  '202611250300_notification_reporter_index': notificationReporterIndex,
  '202611250600_audit_append_only_columns': auditAppendOnlyColumns,
  '202611250700_notification_due_by_channel': notificationDueByChannel,
  '202611250800_case_partial_indexes': casePartialIndexes,
  '202611250900_case_intake_fingerprint': caseIntakeFingerprint,
  '202611251000_notification_kind': notificationKind,
  '202611251100_case_shown_publicly': caseShownPublicly,
  '202611251200_case_reporter_phone_index': caseReporterPhoneIndex,
};
