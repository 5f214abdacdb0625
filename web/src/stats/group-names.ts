import type { TFunction } from 'i18next';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { channelLabel } from '../cases/labels';
import type { Grouping } from './api';

/** What the server says of a group's name (src/cases/cases.stats.ts): the Chinese name, and the English one where there is one. */
export interface NamedGroup {
  key: unknown;
  name: string;
  nameEn: string | null;
}

/**
 * A group's name in the interface language. The server names groups in Chinese: a category
 * carries its English name too, a channel is named as everywhere else in the app, and the
 * group of cases with no key (not dispatched, uncategorised…) is named here. Departments,
 * areas, grids and staff have only the names they were given.
 */
export function groupName(t: TFunction, language: string, groupBy: Grouping, group: NamedGroup): string {
  if (group.key === null && groupBy !== 'staff') return t(`stats.noKey.${groupBy}`);
  if (groupBy === 'channel') return channelLabel(t, String(group.key));
  if (language === 'en' && group.nameEn) return group.nameEn;
  return group.name;
}

/** groupName in the current language. */
export function useGroupName(): (groupBy: Grouping, group: NamedGroup) => string {
  const { t, i18n } = useTranslation();
  return useCallback((groupBy, group) => groupName(t, i18n.language, groupBy, group), [t, i18n.language]);
}
