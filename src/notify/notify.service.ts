import type { Insertable, Transaction } from 'kysely';
import { requireAccess, type RequestContext } from '../core/access.js';
import type { DB, NotificationsTable } from '../core/db.types.js';
import type { Env } from '../core/env.js';
import type { Job } from '../core/scheduler.js';
import * as geo from '../geo/geo.service.js';
import type { StaffNoticeKind, StaffNoticeParams } from './notify.contract.js';
import * as repo from './notify.repo.js';
import { smtpSender, webhookSmsSender, webSender, type Sender } from './notify.senders.js';

/** Public words for each state, as a reporter reads them. */
const STATUS_ZH: Record<string, string> = {
  received: '已受理', registered: '已立案', dispatched: '已派遣至承办单位', in_progress: '正在办理', returned: '重新派遣中',
  deferred: '缓办', hung: '挂账督办', reported: '已办结待核查', verified: '已核查', closed: '已结案',
  rejected: '不予立案', void: '已作废', merged: '已与相同诉求合并办理', referred: '已告知法定途径或移交',
};

/** One change of a case, as the cases module reports it inside its transaction. */
export interface CaseNotice {
  caseId: number;
  eventId: number;
  ticketNo: string;
  path: string;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  /** The official answer, when this action gives one. */
  answer: string | null;
  reporter: { emailEnc: string | null; phoneEnc: string | null };
  /** Departments newly given the case (dispatch), and the lead department to warn. */
  newDepartments: number[];
  leadDepartment: number | null;
}

/**
 * Queues what a change means for people, in the caller's transaction: the reporter hears
 * of every change of state and the official answer; departments hear of new assignments
 * and of pressure on their cases (extension, supervision, escalation, deadlines).
 */
export async function queueCaseNotices(trx: Transaction<DB>, n: CaseNotice | CaseNotice[]): Promise<void> {
  await repo.enqueue(trx, (Array.isArray(n) ? n : [n]).flatMap(noticeRows));
}

/** The messages one change of a case sends, for callers that write them in their own statement. */
export function noticeRows(n: CaseNotice): Insertable<NotificationsTable>[] {
  const rows: Insertable<NotificationsTable>[] = [];
  const key = (who: string) => `case:${n.caseId}:event:${n.eventId}:${who}`;
  if (n.fromStatus !== n.toStatus || n.answer) {
    const subject = `【市域】您的诉求 ${n.ticketNo} ${STATUS_ZH[n.toStatus] ?? n.toStatus}`;
    const body = `您反映的问题（工单号 ${n.ticketNo}）当前状态：${STATUS_ZH[n.toStatus] ?? n.toStatus}。${n.answer ? `答复：${n.answer}` : ''}`;
    if (n.reporter.emailEnc) rows.push({ dedupe_key: key('reporter:email'), case_id: n.caseId, channel: 'email', address_enc: n.reporter.emailEnc, subject, body, path: n.path });
    if (n.reporter.phoneEnc) rows.push({ dedupe_key: key('reporter:sms'), case_id: n.caseId, channel: 'sms', address_enc: n.reporter.phoneEnc, subject, body, path: n.path });
  }
  const toDepartment = (department: number, kind: StaffNoticeKind, subject: string, body: string): Insertable<NotificationsTable> => {
    const params: StaffNoticeParams = n.answer ? { ticketNo: n.ticketNo, note: n.answer } : { ticketNo: n.ticketNo };
    return {
      dedupe_key: key(`department:${department}`), case_id: n.caseId, channel: 'web', department_id: department,
      subject, body, kind, params: JSON.stringify(params), path: n.path,
    };
  };
  for (const department of n.newDepartments) {
    rows.push(toDepartment(department, 'assigned', `新派单 ${n.ticketNo}`, `工单 ${n.ticketNo} 已派至本单位，请及时签收办理。`));
  }
  const pressure = Object.hasOwn(PRESSURE, n.action) ? PRESSURE[n.action as StaffNoticeKind] : undefined;
  if (n.leadDepartment !== null && pressure) {
    rows.push(toDepartment(n.leadDepartment, n.action as StaffNoticeKind, `${pressure} ${n.ticketNo}`, `工单 ${n.ticketNo}：${pressure}。${n.answer ?? ''}`));
  }
  return rows;
}

/** The actions that put pressure on the lead department's case, in the words its message is sent with. */
const PRESSURE: Partial<Record<StaffNoticeKind, string>> = { supervise: '督办', escalate: '升级', extend: '延期已批准', warn: '即将超期' };

/** Channels and the sender for each; a channel without one keeps its messages in the outbox. */
export type Senders = Partial<Record<'web' | 'email' | 'sms', Sender>>;

const MAX_ATTEMPTS = 5;

/** How one delivery run goes; the defaults suit a gateway that answers in tens of milliseconds and gives up at ten seconds. */
export interface DeliveryOptions {
  /** Messages claimed at once. */
  limit: number;
  /** Messages on their way at once: a slow gateway does not hold up the rest. */
  concurrency: number;
  /** How long a claim keeps other processes off the claimed messages. */
  leaseMs: number;
  /** No send starts later than this after the claim… */
  startWithinMs: number;
  /** …and none is waited on longer than this, so every send ends while the claim still holds. */
  sendDeadlineMs: number;
}

const DELIVERY: DeliveryOptions = { limit: 100, concurrency: 8, leaseMs: 120_000, startWithinMs: 60_000, sendDeadlineMs: 30_000 };

/**
 * Sends what is due on the channels that have a sender. Failures are retried with a
 * growing delay, then marked failed. Safe to run from several processes at once: a claimed
 * message is sent only while the claim holds, and what a slow gateway left unstarted is
 * handed back at once rather than sent after another process may have claimed it.
 */
export async function deliverDue(env: Env, senders: Senders, options: Partial<DeliveryOptions> = {}): Promise<{ sent: number; failed: number; handedBack: number }> {
  const o = { ...DELIVERY, ...options };
  if (o.startWithinMs + o.sendDeadlineMs >= o.leaseMs) throw new Error('a delivery must end within its lease');
  const channels = Object.keys(senders);
  if (channels.length === 0) return { sent: 0, failed: 0, handedBack: 0 };
  const claimedAt = Date.now();
  const due = await repo.claimDue(env.db, channels, o.limit, o.leaseMs / 1000);
  let sent = 0;
  let failed = 0;
  const unstarted: number[] = [];
  let next = 0;
  const deliverSome = async () => {
    for (let message = due[next++]; message; message = due[next++]) {
      if (Date.now() - claimedAt > o.startWithinMs) {
        unstarted.push(message.id);
        continue;
      }
      try {
        const address = message.address_enc ? env.cipher.decrypt(message.address_enc) : null;
        const send = senders[message.channel as keyof Senders]!;
        await withDeadline(send({ key: message.dedupe_key, address, subject: message.subject, body: message.body }), o.sendDeadlineMs);
        await repo.markSent(env.db, message.id);
        sent += 1;
      } catch (err) {
        const retryAt = message.attempts < MAX_ATTEMPTS ? new Date(Date.now() + 30_000 * 2 ** message.attempts) : null;
        await repo.markFailed(env.db, message.id, (err as Error).message.slice(0, 500), retryAt);
        failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, due.length) }, deliverSome));
  await repo.handBack(env.db, unstarted);
  return { sent, failed, handedBack: unstarted.length };
}

/** The send's own outcome, or a failure once `ms` have passed (the send may still land: its key lets the receiver drop a repeat). */
async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The caller's outbox: their own messages, their department's, and reporters' in their jurisdiction. */
export async function listNotifications(env: Env, ctx: RequestContext, f: Pick<repo.InboxFilter, 'limit' | 'beforeId' | 'audience' | 'caseId'>) {
  requireAccess(ctx.actor, 'cases.read');
  const pathPrefix = ctx.actor.jurisdictionPath;
  const unitPaths = pathPrefix === null || f.audience === 'staff' ? undefined : await geo.fewUnitPaths(env, pathPrefix);
  const rows = await repo.inbox(env.db, { userId: ctx.actor.id, departmentId: ctx.actor.departmentId, pathPrefix, unitPaths, ...f });
  return { items: rows };
}

/** The senders this instance has: the web outbox always, email and text messages when their gateways are configured. */
export function configuredSenders(env: Env): Senders {
  const { smtpUrl, smtpFrom, smsWebhookUrl, smsWebhookSecret } = env.config;
  return {
    web: webSender,
    ...(smtpUrl ? { email: smtpSender(smtpUrl, smtpFrom) } : {}),
    ...(smsWebhookUrl && smsWebhookSecret ? { sms: webhookSmsSender(smsWebhookUrl, smsWebhookSecret) } : {}),
  };
}

/** The scheduled delivery: every few seconds, from whichever process claims it. */
export function deliveryJob(senders: Senders): Job {
  return {
    name: 'notifications.deliver',
    everySeconds: 5,
    async run({ env }) {
      // Drain what is due, a batch at a time, within one run.
      for (let i = 0; i < 20; i++) {
        const { sent, failed } = await deliverDue(env, senders);
        if (sent + failed === 0) break;
      }
    },
  };
}
