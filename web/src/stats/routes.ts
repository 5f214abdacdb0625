import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

/** Performance figures (loads ECharts); roles with stats.read in src/core/access.ts. */
export const statsRoutes: AppRoute[] = [
  { path: '/stats', Component: lazy(() => import('./StatsScreen')), roles: ['admin', 'dispatcher', 'leader', 'auditor', 'department_handler'], nav: { label: 'nav.stats', order: 40 } },
];
