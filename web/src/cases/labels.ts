import type { TFunction } from 'i18next';
import { CASE_ACTIONS, type CaseAction } from './types';

/** What a timeline entry's action reads as: an action of the loop, the intake, or a photo added. */
export function eventLabel(t: TFunction, action: string): string {
  if ((CASE_ACTIONS as readonly string[]).includes(action)) return t(`cases.action.${action as CaseAction}`);
  if (action === 'receive') return t('cases.event.receive');
  if (action === 'photo') return t('cases.event.photo');
  if (action === 'warn') return t('cases.event.warn');
  return action;
}
