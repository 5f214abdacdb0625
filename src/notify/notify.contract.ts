/**
 * Shapes of the outbox API that the web app reads too (web/src/notify/api.ts imports them).
 * Types and constants only, importing nothing, so the browser build can take this file as it is.
 */

/**
 * What a message to staff is about: a new assignment, or pressure on a case the department
 * leads. The web app words each in the reader's language from its kind and params; the stored
 * subject and body keep the Chinese text as it was sent.
 */
export const STAFF_NOTICE_KINDS = ['assigned', 'supervise', 'escalate', 'extend', 'warn'] as const;
export type StaffNoticeKind = (typeof STAFF_NOTICE_KINDS)[number];

/** The values a staff message names: its case's ticket number, and the note given with the action. */
export interface StaffNoticeParams {
  ticketNo: string;
  note?: string;
}

/** One message of GET /api/v1/notifications. */
export interface Message {
  id: number;
  caseId: number | null;
  channel: 'web' | 'email' | 'sms';
  subject: string;
  body: string;
  /** Set for messages to staff written since kinds were kept; null for messages to reporters. */
  kind: StaffNoticeKind | null;
  params: StaffNoticeParams | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  createdAt: string;
  sentAt: string | null;
  userId: number | null;
  departmentId: number | null;
}
