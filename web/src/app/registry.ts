import type { Role } from '../api/types';
import { STAFF_ROLES } from '../api/types';
import { accountRoutes } from '../accounts/routes';
import { auditRoutes } from '../audit/routes';
import { caseRoutes } from '../cases/routes';
import { commandRoutes } from '../command/routes';
import { geoRoutes } from '../geo/routes';
import { notifyRoutes } from '../notify/routes';
import { publicRoutes } from '../public/routes';
import { statsRoutes } from '../stats/routes';
import type { AppRoute } from './route-types';

/**
 * Every screen of the app. An area adds its screens to its own routes.ts (web/src/<area>/routes.ts)
 * with React.lazy, so each screen, and the libraries only it imports (MapLibre, ECharts), load on first visit.
 */
export const APP_ROUTES: AppRoute[] = [...caseRoutes, ...notifyRoutes, ...geoRoutes, ...statsRoutes, ...commandRoutes, ...accountRoutes, ...auditRoutes, ...publicRoutes];

/** The roles that may open a staff route. */
export function rolesOf(route: AppRoute): readonly Role[] {
  return route.roles ?? STAFF_ROLES;
}

/** The link for a nav entry: optional parameters dropped ('/track/:ticketNo?' → '/track'). */
export function navPath(route: AppRoute): string {
  return route.path.replace(/\/:[^/]+\?/g, '') || '/';
}

/** The nav entries a role sees, in order. */
export function navFor(role: Role | null): AppRoute[] {
  return APP_ROUTES
    .filter((r) => r.nav && (role === null ? r.public : !r.public && rolesOf(r).includes(role)))
    .sort((a, b) => (a.nav?.order ?? 0) - (b.nav?.order ?? 0));
}
