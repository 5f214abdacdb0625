import type { TFunction } from 'i18next';

/** The kinds of action an auditor picks from (the server takes `family.*` or one action). */
export const ACTION_FAMILIES: readonly string[] = [
  'case.*', 'case.create', 'case.export', 'personal_data.read', 'session.*', 'user.*', 'routing_rule.*', 'category.*',
  'response_template.*', 'grid.*', 'grid_member.*', 'department.*', 'api_key.*', 'geography.*',
];

/** What audit rows are about, as src/ writes targetType. */
export const TARGET_TYPES = [
  'case', 'user', 'grid', 'grid_member', 'admin_unit', 'department', 'case_category', 'routing_rule', 'response_template', 'api_key', 'geography',
] as const;

/**
 * An action as people say it: its own label, or for a case a step of the workflow
 * (`case.dispatch` is the dispatch every case screen names), or, unknown, as recorded.
 */
export function actionLabel(t: TFunction, action: string): string {
  const [family, ...rest] = action.split('.');
  const step = rest.join('.');
  return t(`audit.action.${family}.${step}`, {
    defaultValue: family === 'case' ? t(`cases.action.${step}`, { defaultValue: action }) : action,
  });
}
