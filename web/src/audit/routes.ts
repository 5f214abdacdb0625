import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

/** The audit trail, for the roles with audit.read in src/core/access.ts. */
export const auditRoutes: AppRoute[] = [
  { path: '/audit', Component: lazy(() => import('./AuditScreen')), roles: ['admin', 'auditor'], nav: { label: 'nav.audit', order: 60 } },
];
