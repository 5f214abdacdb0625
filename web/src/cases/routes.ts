import { lazy } from 'react';
import type { AppRoute } from '../app/route-types';

/** The closed loop: the queues each role works from, the case list and a case, response templates and the dispatch catalogue. */
export const caseRoutes: AppRoute[] = [
  { path: '/queue/dispatch', Component: lazy(() => import('./DispatchQueueScreen')), roles: ['dispatcher', 'admin'], nav: { label: 'nav.dispatchQueue', order: 10 } },
  { path: '/queue/department', Component: lazy(() => import('./DepartmentQueueScreen')), roles: ['department_handler'], nav: { label: 'nav.departmentQueue', order: 11 } },
  { path: '/queue/grid', Component: lazy(() => import('./GridQueueScreen')), roles: ['grid_worker'], nav: { label: 'nav.gridQueue', order: 12 } },
  { path: '/cases', Component: lazy(() => import('./CaseListScreen')), nav: { label: 'nav.cases', order: 20 } },
  { path: '/cases/:id', Component: lazy(() => import('./CaseDetailScreen')) },
  { path: '/templates', Component: lazy(() => import('./TemplatesScreen')), roles: ['admin', 'dispatcher'], nav: { label: 'nav.templates', order: 45 } },
  { path: '/catalogue', Component: lazy(() => import('./DispatchCatalogueScreen')), roles: ['admin'], nav: { label: 'nav.catalogue', order: 50 } },
];
