/** The case routes the staff screens call (README, API). */
import type { MultiPolygon, Polygon } from 'geojson';
import { api, session } from '../api/client';
import type { AdminUnitRef } from '../api/types';
import type {
  ActionParameters, BulkAction, BulkAnswer, CaseAction, CaseDetail, CasePage, CasePhoto, CaseQuery, Category, Department,
  NewCase, PhotoStage, ReporterContact, ResponseTemplate, TakenCase, TemplatePreview,
} from './types';

export function listCases(query: CaseQuery, signal?: AbortSignal): Promise<CasePage> {
  return api.get<CasePage>('/api/v1/cases', { query: { ...query }, signal });
}

export function getCase(id: number, signal?: AbortSignal): Promise<CaseDetail> {
  return api.get<CaseDetail>(`/api/v1/cases/${id}`, { signal });
}

/** The reporter whole, to call them back; the server audits each call. */
export function revealReporter(id: number): Promise<ReporterContact> {
  return api.get<ReporterContact>(`/api/v1/cases/${id}/reporter`);
}

/** One step of the loop, decided on `version`; answers the case as it now stands (409 when someone acted first). */
export function takeAction(id: number, action: CaseAction, version: number, parameters: ActionParameters): Promise<CaseDetail> {
  return api.post<CaseDetail>(`/api/v1/cases/${id}/actions`, { action, version, ...parameters });
}

export function bulkAction(action: BulkAction, items: { id: number; version: number }[], parameters: ActionParameters): Promise<BulkAnswer> {
  return api.post<BulkAnswer>('/api/v1/cases/bulk-actions', { action, items, ...parameters });
}

/** A staff intake; the same idempotency key twice answers the first case. */
export function createCase(input: NewCase, idempotencyKey: string): Promise<TakenCase> {
  return api.post<TakenCase>('/api/v1/cases', input, { headers: { 'idempotency-key': idempotencyKey } });
}

/** Open cases of the same category nearby, reported shortly before: candidates to merge into. */
export function duplicatesOf(id: number): Promise<{ items: { id: number; ticketNo: string; status: string; distanceM: number }[] }> {
  return api.get(`/api/v1/cases/${id}/duplicates`);
}

export function listPhotos(caseId: number, signal?: AbortSignal): Promise<{ items: CasePhoto[] }> {
  return api.get(`/api/v1/cases/${caseId}/photos`, { signal });
}

export function uploadPhoto(caseId: number, file: Blob, stage?: PhotoStage): Promise<CasePhoto> {
  const form = new FormData();
  if (stage) form.append('stage', stage);
  form.append('photo', file);
  return api.post<CasePhoto>(`/api/v1/cases/${caseId}/photos`, form);
}

/** A photo needs the bearer token, so it is fetched here and shown through an object URL. */
export async function photoObjectUrl(url: string, signal?: AbortSignal): Promise<string> {
  const token = session.token();
  const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal });
  if (!response.ok) throw new Error(`photo ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

export function listTemplates(action: CaseAction, categoryCode?: string | null): Promise<{ items: ResponseTemplate[] }> {
  return api.get('/api/v1/response-templates', { query: { action, categoryCode: categoryCode ?? undefined } });
}

/** Every template serving the caller's jurisdiction, for those who keep them. */
export function allTemplates(signal?: AbortSignal): Promise<{ items: ResponseTemplate[] }> {
  return api.get('/api/v1/response-templates', { signal });
}

export interface TemplateInput {
  title: string;
  body: string;
  actions: CaseAction[];
  categoryCode?: string;
}

/** A new template, owned by `adminUnitId` (by default the writer's own unit) and shared with everything under it. */
export function createTemplate(input: TemplateInput & { adminUnitId?: number }): Promise<ResponseTemplate> {
  return api.post('/api/v1/response-templates', input);
}

export function updateTemplate(id: number, input: TemplateInput): Promise<ResponseTemplate> {
  return api.put(`/api/v1/response-templates/${id}`, input);
}

export function withdrawTemplate(id: number): Promise<unknown> {
  return api.delete(`/api/v1/response-templates/${id}`);
}

export function previewTemplate(caseId: number, templateId: number): Promise<TemplatePreview> {
  return api.get(`/api/v1/cases/${caseId}/response-templates/${templateId}/preview`);
}

export interface GridSummary {
  id: number;
  code: string;
  name: string;
  community: AdminUnitRef;
}

export interface GridFeature {
  type: 'Feature';
  id: number;
  geometry: Polygon | MultiPolygon;
  properties: { id: number; code: string; name: string; workers: { userId: number | null; name: string }[] };
}

export function listGrids(adminUnitId: number | undefined): Promise<{ items: GridSummary[]; total: number }> {
  return api.get('/api/v1/grids', { query: { adminUnitId, pageSize: 200 } });
}

export function getGrid(id: number, signal?: AbortSignal): Promise<GridFeature> {
  return api.get(`/api/v1/grids/${id}`, { signal });
}

export interface AdminUnitNode extends AdminUnitRef {
  children: AdminUnitNode[];
}

// The taxonomy, departments and areas change rarely: read once per session.
const cached = new Map<string, Promise<unknown>>();
function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  const full = `${session.token() ?? ''}:${key}`;
  let hit = cached.get(full) as Promise<T> | undefined;
  if (!hit) {
    hit = load();
    cached.set(full, hit);
    hit.catch(() => cached.delete(full));
  }
  return hit;
}

export function categories(): Promise<Category[]> {
  return once('categories', () => api.get<{ items: Category[] }>('/api/v1/case-categories').then((r) => r.items));
}

/** Changes a category (administrators); the next read of the taxonomy asks the server again. */
export async function updateCategory(code: string, patch: Partial<Omit<Category, 'code' | 'parentCode' | 'kind'>>): Promise<Category> {
  const updated = await api.patch<Category>(`/api/v1/case-categories/${encodeURIComponent(code)}`, patch);
  cached.delete(`${session.token() ?? ''}:categories`);
  return updated;
}

export function departments(): Promise<Department[]> {
  return once('departments', () => api.get<{ items: Department[] }>('/api/v1/departments').then((r) => r.items));
}

/** The admin tree of the jurisdiction down to townships: enough to filter by area. */
export function areaTree(): Promise<AdminUnitNode[]> {
  return once('areas', () => api.get<{ items: AdminUnitNode[] }>('/api/v1/admin-units', { query: { maxLevel: 'township' } }).then((r) => r.items));
}

/** One rule of the dispatch catalogue (派单目录), as GET /api/v1/routing-rules lists it. */
export interface RoutingRule {
  categoryCode: string;
  adminUnit: AdminUnitRef | null;
  department: { id: number; name: string } | null;
  updatedAt: string;
}

/** Where a case of a category taken in at a unit would go now, and why. */
export interface RoutePreview {
  department: { id: number; name: string; kind: string } | null;
  reason: 'rule' | 'category' | 'community' | 'private' | 'none';
  ruleAt: AdminUnitRef | null;
}

export function listRoutingRules(categoryCode: string | undefined, signal?: AbortSignal): Promise<{ items: RoutingRule[] }> {
  return api.get('/api/v1/routing-rules', { query: { categoryCode }, signal });
}

export function previewRoute(categoryCode: string, adminUnitId: number, signal?: AbortSignal): Promise<RoutePreview> {
  return api.get('/api/v1/routing-rules/route', { query: { categoryCode, adminUnitId }, signal });
}

export function setRoutingRule(rule: { categoryCode: string; adminUnitId: number; departmentId: number }): Promise<unknown> {
  return api.put('/api/v1/routing-rules', rule);
}

export function deleteRoutingRule(categoryCode: string, adminUnitId: number): Promise<unknown> {
  return api.delete(`/api/v1/routing-rules/${encodeURIComponent(categoryCode)}/${adminUnitId}`);
}
