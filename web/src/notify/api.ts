/** The outbox routes the staff screens call (README, API: GET /api/v1/notifications). */
import { api } from '../api/client';

/** staff: addressed to the caller or their department; reporters: what reporters in their jurisdiction were told. */
export type Audience = 'staff' | 'reporters';

export type { Message } from '../../../src/notify/notify.contract';
import type { Message } from '../../../src/notify/notify.contract';

export interface MessageQuery {
  audience?: Audience;
  caseId?: number;
  beforeId?: number;
  limit?: number;
}

export function listMessages(query: MessageQuery, signal?: AbortSignal): Promise<{ items: Message[] }> {
  return api.get('/api/v1/notifications', { query: { ...query }, signal });
}
