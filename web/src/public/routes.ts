import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

/** The citizen portal: no account, light pages (no map or chart libraries unless a screen imports them). */
export const publicRoutes: AppRoute[] = [
  { path: '/report', Component: lazy(() => import('./ReportScreen')), public: true, nav: { label: 'nav.report', order: 1 } },
  { path: '/track/:ticketNo?', Component: lazy(() => import('./TrackScreen')), public: true, nav: { label: 'nav.track', order: 2 } },
];
