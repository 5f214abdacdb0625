import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

/** Geography: the map of admin units and grids (loads MapLibre). */
export const geoRoutes: AppRoute[] = [
  { path: '/map', Component: lazy(() => import('./MapScreen')), nav: { label: 'nav.map', order: 30 } },
];
