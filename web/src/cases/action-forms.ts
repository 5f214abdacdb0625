/**
 * What each action of the loop asks of the person taking it, as data (src/cases/cases.workflow.ts
 * says who may take it and from which state; cases.service.ts EFFECTS what each field does).
 */
import type { CaseAction, PhotoStage } from './types';

export type ActionField =
  | 'category' // categoryCode (register: required when the case has none)
  | 'triage'
  | 'urgency'
  | 'department' // departmentId: lead department (dispatch: optional, the catalogue decides)
  | 'supportDepartments' // supportDepartmentIds (joint dispatch: at least one)
  | 'suggestedDepartment' // departmentId on a transfer: where the handler thinks it belongs
  | 'satisfaction' // 1–5 (call back: required, unless the reporter rated the case themselves)
  | 'mergeInto' // mergeIntoId
  | 'extension' // {amount, unit}
  | 'referTo'
  | 'photos' // uploaded before the action, at `photoStage`
  | 'note';

export interface ActionForm {
  fields: readonly ActionField[];
  /** The workflow refuses the action without a note (or a response template). */
  noteRequired?: boolean;
  /** Photos taken with the action are stored at this stage. */
  photoStage?: PhotoStage;
  /** How the button looks: the next step forward, an ordinary one, or one that ends or refuses. */
  tone: 'primary' | 'secondary' | 'danger';
}

const NOTE = ['note'] as const;

export const ACTION_FORMS: Record<CaseAction, ActionForm> = {
  register: { fields: ['category', 'triage', 'urgency', 'note'], tone: 'primary' },
  dispatch: { fields: ['department', 'note'], tone: 'primary' },
  joint_dispatch: { fields: ['department', 'supportDepartments', 'note'], tone: 'secondary' },
  accept: { fields: NOTE, tone: 'primary' },
  report_back: { fields: ['photos', 'note'], noteRequired: true, photoStage: 'handling', tone: 'primary' },
  verify_ok: { fields: ['photos', 'note'], photoStage: 'verification', tone: 'primary' },
  verify_fail: { fields: ['photos', 'note'], noteRequired: true, photoStage: 'verification', tone: 'danger' },
  callback: { fields: ['satisfaction', 'note'], tone: 'primary' },
  close: { fields: NOTE, tone: 'primary' },
  return: { fields: NOTE, noteRequired: true, tone: 'danger' },
  transfer: { fields: ['suggestedDepartment', 'note'], noteRequired: true, tone: 'secondary' },
  reopen: { fields: NOTE, noteRequired: true, tone: 'danger' },
  request_extension: { fields: ['extension', 'note'], noteRequired: true, tone: 'secondary' },
  extend: { fields: ['extension', 'note'], tone: 'secondary' },
  defer: { fields: NOTE, noteRequired: true, tone: 'secondary' },
  hang: { fields: NOTE, noteRequired: true, tone: 'secondary' },
  resume: { fields: NOTE, tone: 'secondary' },
  supervise: { fields: NOTE, noteRequired: true, tone: 'secondary' },
  escalate: { fields: NOTE, tone: 'secondary' },
  reject: { fields: NOTE, noteRequired: true, tone: 'danger' },
  refer_out: { fields: ['referTo', 'note'], noteRequired: true, tone: 'danger' },
  merge: { fields: ['mergeInto', 'note'], tone: 'danger' },
  void: { fields: NOTE, noteRequired: true, tone: 'danger' },
  // The reporter's, through the public door; staff never see it offered.
  rate: { fields: ['satisfaction', 'note'], tone: 'secondary' },
};

/** The emergency lines and legal channels a case may be referred to (DOMAIN.md, 12345). */
export const REFER_TO = ['110', '119', '120', '122', 'court', 'arbitration', 'petition'] as const;
