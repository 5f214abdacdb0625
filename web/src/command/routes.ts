import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

/** The command centre: the city at a glance, for leaders (map and charts). */
export const commandRoutes: AppRoute[] = [
  { path: '/command', Component: lazy(() => import('./CommandScreen')), roles: ['leader', 'admin'], nav: { label: 'nav.command', order: 5 } },
];
