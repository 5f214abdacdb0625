import { expect } from 'vitest';
import { pointInArea, polygonsOf, type Area } from '../src/geo/geometry.js';
import type { TestInstance } from './app.js';

/** A point clearly inside an area: a triangle-fan centroid with room around it. */
export function interiorPoint(area: Area): { lon: number; lat: number } {
  const ring = polygonsOf(area)[0][0];
  for (let i = 1; i < ring.length - 1; i++) {
    const lon = (ring[0][0] + ring[i][0] + ring[i + 1][0]) / 3;
    const lat = (ring[0][1] + ring[i][1] + ring[i + 1][1]) / 3;
    if (pointInArea(lon, lat, area) && pointInArea(lon + 1e-6, lat + 1e-6, area) && pointInArea(lon - 1e-6, lat - 1e-6, area)) return { lon, lat };
  }
  throw new Error('no interior point');
}

/** Signs in a handler of a department (city-wide), creating the account on first use. */
export async function departmentHandler(t: TestInstance, departmentId: number): Promise<ReturnType<TestInstance['as']>> {
  const username = `handler_${departmentId}`;
  if (!(await t.env.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst())) {
    const city = await t.env.db.selectFrom('admin_units').select('id').where('code', '=', '320600').executeTakeFirstOrThrow();
    const admin = t.as(await t.login('admin'));
    const made = await admin({ method: 'POST', url: '/api/v1/users', payload: { username, displayName: '处置人员', password: 'handler-pass', role: 'department_handler', jurisdictionId: city.id, departmentId } });
    expect(made.statusCode, made.body).toBe(201);
  }
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'handler-pass' } });
  return t.as(res.json().token);
}
