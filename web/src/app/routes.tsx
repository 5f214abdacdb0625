import { Suspense } from 'react';
import { createBrowserRouter, Navigate, type RouteObject } from 'react-router-dom';
import { LoginScreen } from '../auth/LoginScreen';
import { Spinner } from '../ui/Spinner';
import { RequireAuth, useUser } from './auth';
import { homeFor } from './homes';
import { Layout } from './Layout';
import { Forbidden, NotFound } from './NotFound';
import { PublicLayout } from './PublicLayout';
import { APP_ROUTES, rolesOf } from './registry';
import type { AppRoute } from './route-types';

function Loading() {
  return <div className="page-center"><Spinner /></div>;
}

/** A staff screen: open to its roles, "not allowed" to the rest. */
function Guarded({ route }: { route: AppRoute }) {
  const user = useUser();
  if (!rolesOf(route).includes(user.role)) return <Forbidden />;
  return <Suspense fallback={<Loading />}><route.Component /></Suspense>;
}

function HomeRedirect() {
  const user = useUser();
  return <Navigate to={homeFor(user.role)} replace />;
}

/** The router: public screens and sign-in in the light frame, staff screens behind sign-in, by role. */
const routeObjects: RouteObject[] = [
  {
    element: <PublicLayout />,
    children: [
      { path: '/login', element: <LoginScreen /> },
      ...publicOnly().map((r) => ({ path: r.path, element: <Suspense fallback={<Loading />}><r.Component /></Suspense> })),
    ],
  },
  {
    element: <RequireAuth><Layout /></RequireAuth>,
    children: [
      { path: '/', element: <HomeRedirect /> },
      ...APP_ROUTES.filter((r) => !r.public).map((r) => ({ path: r.path, element: <Guarded route={r} /> })),
    ],
  },
  { element: <PublicLayout />, children: [{ path: '*', element: <NotFound /> }] },
];

function publicOnly(): AppRoute[] {
  return APP_ROUTES.filter((r) => r.public);
}

export function createAppRouter() {
  return createBrowserRouter(routeObjects);
}
