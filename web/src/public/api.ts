/** The citizen's door (src/cases/cases.public.routes.ts): no account, no token. */
import type { FeatureCollection } from 'geojson';
import { api } from '../api/client';
import type { CaseStatus } from '../api/types';

export interface Challenge {
  id: string;
  /** "3 加 4 等于几？" */
  question: string;
  expiresAt: string;
}

export interface PublicReport {
  description: string;
  categoryCode?: string;
  requestType?: 'inquiry' | 'help' | 'complaint' | 'report' | 'suggestion';
  location: { lon: number; lat: number };
  address?: string;
  reporter?: { name?: string; phone?: string };
  /** Lets anyone with the ticket number see the description, place and photos. */
  showPublicly?: boolean;
  challenge: { id: string; answer: string };
}

/** The secret is shown once: it rates the outcome and adds photos. */
export interface ReportReceipt {
  ticketNo: string;
  status: CaseStatus;
  secret: string;
}

export interface PublicCase {
  ticketNo: string;
  /** Whether the reporter agreed to show what they wrote, where, the answers and their photos; if not, only their secret shows them (photos aside). */
  shownPublicly: boolean;
  description: string | null;
  address: string | null;
  location: { lon: number; lat: number } | null;
  /** The photos the reporter sent, without their metadata. */
  photos?: { id: number; url: string; thumbnailUrl: string }[];
  status: CaseStatus;
  open: boolean;
  category: { code: string; name: string; nameEn: string } | null;
  requestType: string;
  createdAt: string;
  dueAt: string | null;
  closedAt: string | null;
  satisfaction: number | null;
  /** No staff names; `answer` is the official answer of answering steps. */
  timeline: { at: string; action: string; status: CaseStatus; answer: string | null }[];
}

/** The city's districts, for the map a resident picks a point on (fetched when it opens). */
export function publicOutline(): Promise<FeatureCollection> {
  return api.get<FeatureCollection>('/api/v1/public/outline.geojson', { anonymous: true });
}

/** A category the public may file under (Open311's service list: active leaves). */
export interface PublicService {
  service_code: string;
  service_name: string;
  group: string;
  keywords: string;
}

export function fetchChallenge(): Promise<Challenge> {
  return api.get<Challenge>('/api/v1/public/challenge', { anonymous: true });
}

export function fetchServices(): Promise<PublicService[]> {
  return api.get<PublicService[]>('/open311/v2/services.json', { anonymous: true });
}

export function submitReport(report: PublicReport): Promise<ReportReceipt> {
  return api.post<ReportReceipt>('/api/v1/public/cases', report, { anonymous: true });
}

export function addReportPhoto(ticketNo: string, secret: string, photo: Blob): Promise<{ id: number; thumbUrl: string }> {
  const form = new FormData();
  form.append('secret', secret);
  form.append('photo', photo);
  return api.post(`/api/v1/public/cases/${encodeURIComponent(ticketNo)}/photos`, form, { anonymous: true });
}

/** The case as anyone sees it; with its secret, as its reporter does (their words and the answers). */
export function fetchPublicCase(ticketNo: string, secret: string | null, signal?: AbortSignal): Promise<PublicCase> {
  return api.get<PublicCase>(`/api/v1/public/cases/${encodeURIComponent(ticketNo)}`, { anonymous: true, signal, headers: secret ? { 'x-case-secret': secret } : {} });
}

export function rateCase(ticketNo: string, secret: string, satisfaction: number, comment?: string): Promise<PublicCase> {
  return api.post<PublicCase>(`/api/v1/public/cases/${encodeURIComponent(ticketNo)}/rating`, { secret, satisfaction, comment }, { anonymous: true });
}

// This browser remembers the reports made from it, so the reporter can follow and rate them without the link.
const MINE = 'shiyu.myReports';

export interface RememberedReport {
  ticketNo: string;
  secret: string;
  at: string;
}

export function rememberedReports(): RememberedReport[] {
  try {
    const list = JSON.parse(localStorage.getItem(MINE) ?? '[]') as RememberedReport[];
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}

export function rememberReport(r: RememberedReport): void {
  localStorage.setItem(MINE, JSON.stringify([r, ...rememberedReports().filter((x) => x.ticketNo !== r.ticketNo)].slice(0, 20)));
}

/** The link that follows a case and carries its secret, in the fragment (never sent to the server). */
export function secretLink(ticketNo: string, secret: string): string {
  return `${window.location.origin}/track/${encodeURIComponent(ticketNo)}#k=${encodeURIComponent(secret)}`;
}
