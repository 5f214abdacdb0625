import { TRANSITIONS } from '../../src/cases/cases.workflow.js';
import type { Permission } from '../../src/core/access.js';
import { photoBytes, photoForm, PASSWORD, type Caller, type CallerRole, type Where, type World } from './world.js';

/**
 * What the access matrix cannot read from /api/openapi.json: the permission each route's service
 * checks first (src/core/access.ts), and a request that would succeed, for a record inside the
 * caller's jurisdiction and one outside it. A route missing here fails the matrix: a module's new
 * routes join it with one entry each.
 */

export interface MatrixRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer | object;
  /** A session other than the caller's own (one to end, or a user made for the request). */
  token?: string;
}

export interface RouteAccess {
  /** `public`: no token needed (the document says `security: []`); `signed-in`: any valid session; else the permission. */
  needs: 'public' | 'signed-in' | Permission;
  /** The request names a record or an area, which can lie outside the caller's jurisdiction. */
  scoped?: boolean;
  request(world: World, caller: Caller, where: Where): MatrixRequest | Promise<MatrixRequest>;
  /** Past the permission and the jurisdiction, the status when it is not any 2xx: a rule of the service decides. */
  granted?: (role: CallerRole) => number | 'ok';
  /** The status for a record outside the jurisdiction when it is not 404 (a write naming a place elsewhere is bad input), or `same` as inside; by role when it differs. */
  outside?: number | 'same' | ((role: CallerRole) => number | 'same');
  /** What a 2xx must also say, when the answer carries per-record outcomes. */
  answers?: (body: string, where: Where) => boolean;
}

/** The codes of the world's two districts (world.ts), for requests that name an area by code. */
const DISTRICT_CODES: Record<Where, string> = { in: '320613', out: '320612' };
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const period = `from=${encodeURIComponent('2020-01-01T00:00:00+08:00')}&to=${encodeURIComponent('2030-01-01T00:00:00+08:00')}`;
let serial = 0;
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++serial}`;
/** The session a request runs under when it must not be the caller's own. */
const own = (caller: Caller, token: string | undefined) => (caller.role === 'anonymous' ? undefined : token);

const figures = (path: string): RouteAccess => ({
  needs: 'stats.read', scoped: true,
  request: (w, _c, where) => ({ url: `${path}?groupBy=channel&${period}&adminUnitId=${w.districts[where]}` }),
});

export const ROUTE_ACCESS: Record<string, RouteAccess> = {
  'GET /healthz': { needs: 'public', request: () => ({ url: '/healthz' }) },

  'POST /api/v1/auth/login': { needs: 'public', request: () => ({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: 'demo' } }) },
  'POST /api/v1/auth/logout': {
    needs: 'signed-in',
    request: async (w, c) => ({ method: 'POST', url: '/api/v1/auth/logout', token: own(c, c.userId ? await w.freshSession(c.userId) : undefined) }),
  },
  'GET /api/v1/auth/me': { needs: 'signed-in', request: () => ({ url: '/api/v1/auth/me' }) },
  'POST /api/v1/auth/password': {
    // A user of the caller's role made for this: a change of password ends the user's other sessions.
    needs: 'signed-in',
    request: async (w, c) => ({
      method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: PASSWORD, newPassword: 'matrix-pass-2' },
      token: own(c, c.role === 'anonymous' ? undefined : (await w.freshUser(c.role, 'in')).token),
    }),
  },

  'GET /api/v1/users': { needs: 'users.read', request: () => ({ url: '/api/v1/users' }) },
  'GET /api/v1/users/{id}': { needs: 'users.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/users/${w.users[where]}` }) },
  'POST /api/v1/users': {
    needs: 'users.write', scoped: true, outside: 400,
    request: (w, _c, where) => ({ method: 'POST', url: '/api/v1/users', payload: { username: unique('m'), displayName: '新用户', password: 'new-user-pass', role: 'auditor', jurisdictionId: w.districts[where] } }),
  },
  'POST /api/v1/users/import': {
    // One grid worker of a district: a district outside the jurisdiction is a row the import refuses.
    needs: 'users.write', scoped: true, outside: 422,
    request: (_w, _c, where) => ({
      method: 'POST', url: '/api/v1/users/import', headers: { 'content-type': 'text/csv' },
      payload: `username,displayName,role,area\n${unique('i')},导入网格员,grid_worker,${DISTRICT_CODES[where]}\n`,
    }),
  },
  'PATCH /api/v1/users/{id}': {
    needs: 'users.write', scoped: true,
    request: async (w, _c, where) => ({ method: 'PATCH', url: `/api/v1/users/${(await w.freshUser('auditor', where)).id}`, payload: { displayName: '改名', role: 'leader' } }),
  },
  'POST /api/v1/users/{id}/password': {
    needs: 'users.write', scoped: true,
    request: async (w, _c, where) => ({ method: 'POST', url: `/api/v1/users/${(await w.freshUser('auditor', where)).id}/password`, payload: { newPassword: 'reset-pass-1' } }),
  },
  'DELETE /api/v1/users/{id}': {
    needs: 'users.write', scoped: true,
    request: async (w, _c, where) => ({ method: 'DELETE', url: `/api/v1/users/${(await w.freshUser('auditor', where)).id}` }),
  },

  'GET /api/v1/admin-units': { needs: 'geo.read', request: () => ({ url: '/api/v1/admin-units' }) },
  'GET /api/v1/admin-units/{id}': { needs: 'geo.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/admin-units/${w.districts[where]}` }) },
  'GET /api/v1/grids': { needs: 'geo.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/grids?adminUnitId=${w.districts[where]}` }) },
  'GET /api/v1/grids/locate': { needs: 'geo.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/grids/locate?lon=${w.grids[where].lon}&lat=${w.grids[where].lat}` }) },
  'GET /api/v1/grids/{id}': { needs: 'geo.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/grids/${w.grids[where].id}` }) },
  'PUT /api/v1/grids/{id}/members': {
    // The grid's own team sent back, so that the grid worker's other requests still find her grid.
    needs: 'geo.team', scoped: true,
    request: async (w, _c, where) => {
      const rows = await w.t.env.db.selectFrom('grid_members').select(['role', 'name', 'organization', 'user_id']).where('grid_id', '=', w.grids[where].id).orderBy('id').execute();
      const members = rows.map((r) => ({ role: r.role, name: r.name, ...(r.organization ? { organization: r.organization } : {}), ...(r.user_id ? { userId: r.user_id } : {}) }));
      return { method: 'PUT', url: `/api/v1/grids/${w.grids[where].id}/members`, payload: { members } };
    },
  },
  'GET /api/v1/geo/boundaries.geojson': { needs: 'geo.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/geo/boundaries.geojson?adminUnitId=${w.districts[where]}` }) },
  'GET /api/v1/geo/map-settings': { needs: 'geo.read', request: () => ({ url: '/api/v1/geo/map-settings' }) },
  'POST /api/v1/geo/imports': {
    // The members of a grid, replaced: a grid elsewhere is a row the import refuses.
    needs: 'geo.import', scoped: true, outside: 422,
    request: (w, _c, where) => ({
      method: 'POST', url: '/api/v1/geo/imports?kind=grid-members', headers: { 'content-type': 'text/csv' },
      payload: `grid_code,role,name,phone,organization\n${w.grids[where].code},worker,钱七,13500135000,社区居委会\n`,
    }),
  },
  'GET /api/v1/departments': { needs: 'departments.read', request: () => ({ url: '/api/v1/departments' }) },
  'GET /api/v1/audit': { needs: 'audit.read', request: () => ({ url: '/api/v1/audit?limit=5' }) },

  'POST /api/v1/cases': {
    // Each role takes cases in through its own channel. A place in another district is taken in
    // (一号受理) and goes there; but a grid worker's patrol is what she saw in her own area.
    needs: 'cases.create', scoped: true, outside: (role) => (role === 'grid_worker' ? 400 : 201),
    request: (w, c, where) => ({
      method: 'POST', url: '/api/v1/cases',
      payload: {
        channel: c.role === 'grid_worker' ? 'patrol' : c.role === 'department_handler' ? 'department' : 'hotline',
        requestType: 'report', description: '井盖缺失', location: { lon: w.grids[where].lon, lat: w.grids[where].lat },
      },
    }),
  },
  'GET /api/v1/cases': { needs: 'cases.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/cases?adminUnitId=${w.districts[where]}` }) },
  'GET /api/v1/cases/stream': { needs: 'cases.read', request: () => ({ url: '/api/v1/cases/stream' }) },
  'GET /api/v1/cases/{id}': { needs: 'cases.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/cases/${w.cases[where]}` }) },
  'GET /api/v1/cases/{id}/reporter': { needs: 'personal.reveal', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/cases/${w.cases[where]}/reporter` }) },
  'GET /api/v1/cases/{id}/duplicates': { needs: 'cases.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/cases/${w.cases[where]}/duplicates` }) },
  'POST /api/v1/cases/{id}/actions': {
    // Supervision (督办) keeps the case where it is; the workflow lets only some readers take it.
    needs: 'cases.read', scoped: true,
    granted: (role) => ((TRANSITIONS.supervise.roles as readonly string[]).includes(role) ? 200 : 409),
    request: async (w, _c, where) => ({
      method: 'POST', url: `/api/v1/cases/${w.cases[where]}/actions`, payload: { action: 'supervise', version: await w.caseVersion(w.cases[where]), note: '请加快办理' },
    }),
  },
  'POST /api/v1/cases/bulk-actions': {
    // A role that may not take the action at all is refused whole; otherwise 200, and a case
    // outside the jurisdiction is not_found in its own result, as it would be alone.
    needs: 'cases.read', scoped: true, outside: 'same',
    granted: (role) => ((TRANSITIONS.supervise.roles as readonly string[]).includes(role) ? 'ok' : 403),
    answers: (body, where) => {
      const [result] = (JSON.parse(body) as { results: { ok: boolean; error?: { code: string } }[] }).results;
      return where === 'in' ? result.ok : result.error?.code === 'not_found';
    },
    request: async (w, _c, where) => ({
      method: 'POST', url: '/api/v1/cases/bulk-actions', payload: { action: 'supervise', note: '统一督办', items: [{ id: w.cases[where], version: await w.caseVersion(w.cases[where]) }] },
    }),
  },
  'PUT /api/v1/routing-rules': {
    needs: 'cases.configure', scoped: true, outside: 400,
    request: (w, _c, where) => ({ method: 'PUT', url: '/api/v1/routing-rules', payload: { categoryCode: w.leafCategory, adminUnitId: w.districts[where], departmentId: w.departmentId } }),
  },
  'GET /api/v1/routing-rules': { needs: 'cases.configure', request: (w) => ({ url: `/api/v1/routing-rules?categoryCode=${w.leafCategory}` }) },
  'GET /api/v1/routing-rules/route': {
    needs: 'cases.configure', scoped: true, outside: 400,
    request: (w, _c, where) => ({ url: `/api/v1/routing-rules/route?categoryCode=${w.leafCategory}&adminUnitId=${w.districts[where]}` }),
  },
  'DELETE /api/v1/routing-rules/{categoryCode}/{adminUnitId}': {
    needs: 'cases.configure', scoped: true, outside: 400,
    request: async (w, _c, where) => {
      // A rule to remove, each time: the matrix asks once per caller.
      await w.t.env.db.insertInto('routing_rules').values({ category_code: w.leafCategory, admin_unit_id: w.districts[where], department_id: w.departmentId })
        .onConflict((oc) => oc.columns(['category_code', 'admin_unit_id']).doNothing()).execute();
      return { method: 'DELETE', url: `/api/v1/routing-rules/${w.leafCategory}/${w.districts[where]}` };
    },
  },
  'GET /api/v1/case-categories': { needs: 'cases.read', request: () => ({ url: '/api/v1/case-categories' }) },
  // The world's callers are a district's, and the taxonomy is the whole city's (cases.categories.ts).
  'POST /api/v1/case-categories': {
    needs: 'cases.configure', granted: () => 403,
    request: () => ({ method: 'POST', url: '/api/v1/case-categories', payload: { code: unique('Z'), kind: 'event', name: '矩阵大类', nameEn: 'Matrix class' } }),
  },
  'PATCH /api/v1/case-categories/{code}': {
    needs: 'cases.configure', granted: () => 403,
    request: (w) => ({ method: 'PATCH', url: `/api/v1/case-categories/${w.leafCategory}`, payload: { nameEn: 'Renamed by the matrix' } }),
  },

  'GET /api/v1/public/challenge': { needs: 'public', request: () => ({ url: '/api/v1/public/challenge' }) },
  'POST /api/v1/public/cases': {
    needs: 'public',
    request: async (w) => ({ method: 'POST', url: '/api/v1/public/cases', payload: { description: '垃圾未清运', location: { lon: w.grids.in.lon, lat: w.grids.in.lat }, challenge: await w.challenge() } }),
  },
  'GET /api/v1/public/outline.geojson': { needs: 'public', request: () => ({ url: '/api/v1/public/outline.geojson' }) },
  'GET /api/v1/public/cases/{ticketNo}': { needs: 'public', request: (w) => ({ url: `/api/v1/public/cases/${w.publicCase.ticketNo}` }) },
  'POST /api/v1/public/cases/{ticketNo}/rating': {
    // Rated once, after handling: the reporter's open case answers 409 to everyone alike.
    needs: 'public', granted: () => 409,
    request: (w) => ({ method: 'POST', url: `/api/v1/public/cases/${w.publicCase.ticketNo}/rating`, payload: { secret: w.publicCase.secret, satisfaction: 5 } }),
  },
  'POST /api/v1/cases/{id}/photos': {
    // Report photos come from the roles that take cases in; a handler's need her department's
    // assignment and a grid worker's her grid, which these callers have not (cases.photos.ts).
    needs: 'cases.read', scoped: true,
    granted: (role) => (role === 'admin' || role === 'dispatcher' ? 'ok' : 403),
    request: async (w, _c, where) => {
      const form = photoForm('photo', await photoBytes(), { stage: 'report' });
      return { method: 'POST', url: `/api/v1/cases/${w.cases[where]}/photos`, headers: { 'content-type': form.contentType }, payload: form.payload };
    },
  },
  'GET /api/v1/cases/{id}/photos': { needs: 'cases.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/cases/${w.cases[where]}/photos` }) },
  'GET /api/v1/cases/{id}/photos/{photoId}': { needs: 'cases.read', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/cases/${w.cases[where]}/photos/${w.photos[where]}?size=thumb` }) },
  'POST /api/v1/public/cases/{ticketNo}/photos': {
    needs: 'public',
    request: async (w) => {
      const form = photoForm('photo', await photoBytes(), { secret: w.publicCase.secret });
      return { method: 'POST', url: `/api/v1/public/cases/${w.publicCase.ticketNo}/photos`, headers: { 'content-type': form.contentType }, payload: form.payload };
    },
  },
  'GET /api/v1/public/cases/{ticketNo}/photos/{photoId}': { needs: 'public', request: (w) => ({ url: `/api/v1/public/cases/${w.publicCase.ticketNo}/photos/${w.publicCase.photoId}` }) },

  'GET /api/v1/response-templates': { needs: 'templates.read', request: () => ({ url: '/api/v1/response-templates' }) },
  'POST /api/v1/response-templates': {
    needs: 'templates.manage', scoped: true, outside: 400,
    request: (w, _c, where) => ({ method: 'POST', url: '/api/v1/response-templates', payload: { title: '新模板', body: '已处理。', actions: ['close'], adminUnitId: w.districts[where] } }),
  },
  'PUT /api/v1/response-templates/{id}': {
    needs: 'templates.manage', scoped: true,
    request: (w, _c, where) => ({ method: 'PUT', url: `/api/v1/response-templates/${w.templates[where]}`, payload: { title: '改过的模板', body: '已办结。', actions: ['close'] } }),
  },
  'DELETE /api/v1/response-templates/{id}': {
    needs: 'templates.manage', scoped: true,
    request: async (w, _c, where) => ({ method: 'DELETE', url: `/api/v1/response-templates/${await w.freshTemplate(where)}` }),
  },
  'GET /api/v1/cases/{id}/response-templates/{templateId}/preview': {
    needs: 'templates.read', scoped: true,
    request: (w, _c, where) => ({ url: `/api/v1/cases/${w.cases[where]}/response-templates/${w.templates[where]}/preview` }),
  },

  'GET /open311/v2/discovery.{format}': { needs: 'public', request: () => ({ url: '/open311/v2/discovery.json' }) },
  'GET /open311/v2/services.{format}': { needs: 'public', request: () => ({ url: '/open311/v2/services.xml' }) },
  'GET /open311/v2/services/{service_code}.{format}': { needs: 'public', request: (w) => ({ url: `/open311/v2/services/${w.leafCategory}.json` }) },
  'POST /open311/v2/requests.{format}': {
    needs: 'public',
    request: (w) => ({
      method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ api_key: 'demo-open311-key', service_code: w.leafCategory, lat: String(w.grids.in.lat), long: String(w.grids.in.lon), description: '占道经营' }).toString(),
    }),
  },
  'GET /open311/v2/requests.{format}': { needs: 'public', request: () => ({ url: '/open311/v2/requests.json' }) },
  'GET /open311/v2/requests/{service_request_id}.{format}': { needs: 'public', request: (w) => ({ url: `/open311/v2/requests/${w.publicCase.ticketNo}.json` }) },
  // No tokens are issued: the lookup answers 404 to everyone alike.
  'GET /open311/v2/tokens/{token}.{format}': { needs: 'public', granted: () => 404, request: () => ({ url: '/open311/v2/tokens/abc.json' }) },
  'GET /open311/v2/servicerequestupdates.{format}': { needs: 'public', request: () => ({ url: '/open311/v2/servicerequestupdates.json' }) },

  'GET /api/v1/stats/cases': figures('/api/v1/stats/cases'),
  'GET /api/v1/stats/cases.csv': figures('/api/v1/stats/cases.csv'),
  'GET /api/v1/stats/cases.xlsx': figures('/api/v1/stats/cases.xlsx'),
  'GET /api/v1/stats/cases/daily': { needs: 'stats.read', request: () => ({ url: `/api/v1/stats/cases/daily?from=${day(-7)}&to=${day(1)}` }) },
  'GET /api/v1/cases/export.csv': { needs: 'cases.export', scoped: true, request: (w, _c, where) => ({ url: `/api/v1/cases/export.csv?adminUnitId=${w.districts[where]}` }) },
  'GET /api/v1/cases/points.geojson': { needs: 'cases.read', request: () => ({ url: '/api/v1/cases/points.geojson' }) },
  'GET /api/v1/notifications': { needs: 'cases.read', request: () => ({ url: '/api/v1/notifications' }) },
};
