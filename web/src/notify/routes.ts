import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';
import { NewMessagesBadge } from './NewMessagesBadge';

/** The outbox (GET /api/v1/notifications), for every staff role; the badge counts what is new. */
export const notifyRoutes: AppRoute[] = [
  { path: '/messages', Component: lazy(() => import('./MessagesScreen')), nav: { label: 'nav.messages', order: 15, Badge: NewMessagesBadge } },
];
