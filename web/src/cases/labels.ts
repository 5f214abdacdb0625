import type { TFunction } from 'i18next';
import { CASE_ACTIONS, CHANNELS, type CaseAction, type Channel } from './types';

/** What a timeline entry's action reads as: an action of the loop, the intake, or a photo added. */
export function eventLabel(t: TFunction, action: string): string {
  if ((CASE_ACTIONS as readonly string[]).includes(action)) return t(`cases.action.${action as CaseAction}`);
  if (action === 'receive') return t('cases.event.receive');
  if (action === 'photo') return t('cases.event.photo');
  if (action === 'warn') return t('cases.event.warn');
  return action;
}

/** Where a case came from, in the interface language; a channel this client does not know keeps its code. */
export function channelLabel(t: TFunction, channel: string): string {
  return (CHANNELS as readonly string[]).includes(channel) ? t(`cases.channel.${channel as Channel}`) : channel;
}
