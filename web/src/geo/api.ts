import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { ApiError, api, session } from '../api/client';
import type { AdminUnitRef, Page, User } from '../api/types';
import type { AdminLevel, BoundaryLevel, BoundaryProperties, ImportKind, ImportResult, TeamMember, TeamRole } from '../../../src/geo/geo.contract';

/**
 * Shapes of the geography routes (src/geo/geo.service.ts, geo.boundaries.ts, geo-write.service.ts):
 * those in the server's contract (src/geo/geo.contract.ts) from it, the rest kept by hand.
 */

export type { AdminLevel, BoundaryLevel, BoundaryProperties, ImportKind, ImportResult, TeamMember, TeamRole };
export { IMPORT_KINDS } from '../../../src/geo/geo.contract';

/** GET /api/v1/admin-units: the tree under the caller's jurisdiction. */
export interface AdminUnitNode extends AdminUnitRef {
  level: AdminLevel;
  children: AdminUnitNode[];
}

/** One row of GET /api/v1/grids. */
export interface GridSummary {
  id: number;
  code: string;
  name: string;
  community: AdminUnitRef;
  areaM2: number;
  households: number | null;
}

/** A grid member; the phone is masked unless the caller's role needs it. */
export interface GridMember {
  id: number;
  name: string;
  organization: string | null;
  userId: number | null;
  phone: string | null;
}

export interface GridProperties {
  id: number;
  code: string;
  name: string;
  areaM2: number;
  households: number | null;
  adminUnits: AdminUnitRef[];
  workers: GridMember[];
  leader: GridMember | null;
  liaisons: { policeOfficer: GridMember | null; judge: GridMember | null; prosecutor: GridMember | null; lawyer: GridMember | null };
}

/** GET /api/v1/grids/{id}. */
export type GridFeature = Feature<Polygon | MultiPolygon, GridProperties>;


/** GET /api/v1/geo/boundaries.geojson. */
export type BoundaryCollection = FeatureCollection<Polygon | MultiPolygon, BoundaryProperties> & { adminUnitId: number | null; level: BoundaryLevel };

/** GET /api/v1/geo/map-settings. */
export interface Basemap {
  tiles: string[];
  crs: 'wgs84' | 'gcj02';
  attribution: string | null;
}

export function fetchAdminTree(signal?: AbortSignal): Promise<AdminUnitNode[]> {
  return api.get<{ items: AdminUnitNode[] }>('/api/v1/admin-units', { signal }).then((r) => r.items);
}

export function fetchGrids(adminUnitId: number, page: number, signal?: AbortSignal): Promise<Page<GridSummary>> {
  return api.get<Page<GridSummary>>('/api/v1/grids', { query: { adminUnitId, page, pageSize: 20 }, signal });
}

export function fetchGrid(id: number, signal?: AbortSignal): Promise<GridFeature> {
  return api.get<GridFeature>(`/api/v1/grids/${id}`, { signal });
}

/** Replaces a grid's whole team; answers the grid as GET does. */
export function saveGridTeam(id: number, members: TeamMember[]): Promise<GridFeature> {
  return api.put<GridFeature>(`/api/v1/grids/${id}/members`, { members });
}

/** The grid workers whose jurisdiction holds an admin unit: who may join the team of a grid there. */
export function gridWorkersCovering(adminUnitId: number, signal?: AbortSignal): Promise<User[]> {
  return api.get<{ items: User[] }>('/api/v1/users', { query: { role: 'grid_worker', covering: adminUnitId, pageSize: 500 }, signal }).then((r) => r.items);
}

/** Outlines at a level inside an area; the browser revalidates them by ETag, so a repeat costs a 304. */
export function fetchBoundaries(query: { adminUnitId?: number; level?: BoundaryLevel }, signal?: AbortSignal): Promise<BoundaryCollection> {
  return api.get<BoundaryCollection>('/api/v1/geo/boundaries.geojson', { query, signal });
}

export function fetchBasemap(signal?: AbortSignal): Promise<Basemap | null> {
  return api.get<{ basemap: Basemap | null }>('/api/v1/geo/map-settings', { signal }).then((r) => r.basemap);
}

/**
 * Uploads an import file as multipart (field `file`) with XMLHttpRequest, the one browser API
 * that reports upload progress; `onProgress` gets the fraction sent (0–1). Rejects with an
 * ApiError like the rest of the client (a 422 carries the rejected rows in `details.problems`).
 */
export function uploadImport(kind: ImportKind, file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<ImportResult> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/geo/imports?kind=${encodeURIComponent(kind)}`);
    xhr.setRequestHeader('accept', 'application/json');
    const token = session.token();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total); };
    xhr.upload.onload = () => onProgress(1);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) return resolve(xhr.response as ImportResult);
      const error = (xhr.response as { error?: { code?: string; message?: string; field?: string; details?: unknown } } | null)?.error;
      reject(new ApiError(xhr.status, error?.code ?? `http_${xhr.status}`, error?.message ?? xhr.statusText, error?.field, error?.details));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'network error'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}
