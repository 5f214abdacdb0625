/** The audit trail's route (README, API: /api/v1/audit). */
import { api } from '../api/client';

export interface AuditEntry {
  id: number;
  at: string;
  actor: { id: number | null; username: string; role: string | null };
  action: string;
  target: { type: string; id: string | null };
  before: unknown;
  after: unknown;
  ip: string | null;
  requestId: string | null;
  /** Sealed into the hash chain (it is, within a second or two of being written). */
  sealed: boolean;
}

export interface AuditQuery {
  /** One action, or a family of them such as `case.*`. */
  action?: string;
  /** The username of whoever acted. */
  actor?: string;
  targetType?: string;
  targetId?: string;
  /** RFC 3339; `to` is exclusive. */
  from?: string;
  to?: string;
  beforeId?: number;
  limit: number;
}

export function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<{ items: AuditEntry[] }> {
  return api.get('/api/v1/audit', { query: { ...query }, signal });
}
