import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

/** Staff accounts: read by those with users.read in src/core/access.ts, kept by administrators. */
export const accountRoutes: AppRoute[] = [
  { path: '/users', Component: lazy(() => import('./UsersScreen')), roles: ['admin', 'auditor', 'leader'], nav: { label: 'nav.users', order: 55 } },
];
