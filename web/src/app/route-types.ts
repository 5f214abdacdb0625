import type { ComponentType, LazyExoticComponent } from 'react';
import type { Role } from '../api/types';
import type zhCN from '../i18n/zh-CN.json';

/** A key under "nav" in the translations. */
export type NavLabel = `nav.${keyof typeof zhCN.nav}`;

/** One screen of the app, registered by its area (web/src/<area>/routes.ts). */
export interface AppRoute {
  /** React Router path: '/cases', '/cases/:id'. */
  path: string;
  /** The screen, loaded on first visit: `lazy(() => import('./CaseListScreen'))` (a default export). */
  Component: LazyExoticComponent<ComponentType>;
  /** Staff roles that may open it; omitted means every signed-in staff member. Not used for public routes. */
  roles?: readonly Role[];
  /** Open without signing in (the citizen portal), in the light public layout. */
  public?: boolean;
  /** Puts the screen in the navigation (for the roles above), in this order, with `Badge` beside its label (a count of what is new there). */
  nav?: { label: NavLabel; order: number; Badge?: ComponentType };
}
