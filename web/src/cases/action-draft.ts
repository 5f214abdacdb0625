import { ACTION_FORMS, type ActionField } from './action-forms';
import type { ActionParameters, CaseAction, TimeLimit, Triage, Urgency } from './types';

/** What the person has filled in for an action so far. */
export interface ActionDraft {
  categoryCode: string;
  triage: Triage | '';
  urgency: Urgency | '';
  departmentId?: number;
  supportDepartmentIds: number[];
  satisfaction?: number;
  mergeIntoId?: number;
  extensionAmount: string;
  extensionUnit: TimeLimit['unit'];
  referTo: string;
  note: string;
  templateId?: number;
  photos: File[];
}

export const EMPTY_DRAFT: ActionDraft = {
  categoryCode: '', triage: '', urgency: '', supportDepartmentIds: [], extensionAmount: '', extensionUnit: 'days', referTo: '', note: '', photos: [],
};

/** What the case already holds, which spares fields: its category (registration may keep it), the reporter's own rating (a call back keeps it). */
export interface CaseFacts {
  hasCategory: boolean;
  reporterRating: number | null;
}

/** A problem with one field, as a translation key under cases.invalid. */
export type DraftProblems = Partial<Record<ActionField, 'required' | 'noteOrTemplate' | 'amount' | 'support'>>;

/** What must be filled before sending, as the server would refuse it otherwise. */
export function checkDraft(action: CaseAction, d: ActionDraft, { hasCategory, reporterRating }: CaseFacts): DraftProblems {
  const form = ACTION_FORMS[action];
  const problems: DraftProblems = {};
  if (form.noteRequired && !d.note.trim() && d.templateId === undefined) problems.note = 'noteOrTemplate';
  if (action === 'register' && !d.categoryCode && !hasCategory) problems.category = 'required';
  if (action === 'joint_dispatch' && d.supportDepartmentIds.length === 0) problems.supportDepartments = 'support';
  if (action === 'callback' && d.satisfaction === undefined && reporterRating === null) problems.satisfaction = 'required';
  if (action === 'merge' && d.mergeIntoId === undefined) problems.mergeInto = 'required';
  if (form.fields.includes('extension') && !(Number(d.extensionAmount) > 0)) problems.extension = 'amount';
  return problems;
}

/** The draft as the action's body: only the fields the action takes, and only those filled. */
export function draftParameters(action: CaseAction, d: ActionDraft): ActionParameters {
  const fields = ACTION_FORMS[action].fields;
  const p: ActionParameters = {};
  const has = (f: ActionField) => fields.includes(f);
  if (has('category') && d.categoryCode) p.categoryCode = d.categoryCode;
  if (has('triage') && d.triage) p.triage = d.triage;
  if (has('urgency') && d.urgency) p.urgency = d.urgency;
  if ((has('department') || has('suggestedDepartment')) && d.departmentId !== undefined) p.departmentId = d.departmentId;
  if (has('supportDepartments') && d.supportDepartmentIds.length) p.supportDepartmentIds = d.supportDepartmentIds;
  if (has('satisfaction') && d.satisfaction !== undefined) p.satisfaction = d.satisfaction;
  if (has('mergeInto') && d.mergeIntoId !== undefined) p.mergeIntoId = d.mergeIntoId;
  if (has('extension') && Number(d.extensionAmount) > 0) p.extension = { amount: Number(d.extensionAmount), unit: d.extensionUnit };
  if (has('referTo') && d.referTo) p.referTo = d.referTo;
  if (d.note.trim()) p.note = d.note.trim();
  if (d.templateId !== undefined) p.templateId = d.templateId;
  return p;
}

/** The server names the request field it refuses; this is the form field that shows it. */
export const SERVER_FIELDS: Record<string, ActionField> = {
  categoryCode: 'category', triage: 'triage', urgency: 'urgency', departmentId: 'department', supportDepartmentIds: 'supportDepartments',
  satisfaction: 'satisfaction', mergeIntoId: 'mergeInto', extension: 'extension', referTo: 'referTo', note: 'note', templateId: 'note', photo: 'photos',
};
