import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../ui';
import { listTemplates, previewTemplate } from './api';
import { useLoad } from './hooks';
import type { CaseAction } from './types';

export interface TemplatePickerProps {
  action: CaseAction;
  categoryCode: string | null;
  /** The case to fill the template from, for the preview; without one (bulk) the wording shows with its placeholders. */
  caseId?: number;
  templateId: number | undefined;
  onChange: (templateId: number | undefined) => void;
  /** Copies the filled-in wording into the note, to edit it there instead. */
  onUseText: (text: string) => void;
}

/** Response templates (回复模板) fitting this action and case, with the wording filled in for it. */
export function TemplatePicker({ action, categoryCode, caseId, templateId, onChange, onUseText }: TemplatePickerProps) {
  const { t } = useTranslation();
  const id = useId();
  const templates = useLoad(() => listTemplates(action, categoryCode), [action, categoryCode]);
  const chosen = templates.value?.items.find((x) => x.id === templateId);
  const preview = useLoad(
    async () => (chosen && caseId ? (await previewTemplate(caseId, chosen.id)).text : chosen?.body ?? ''),
    [chosen?.id, caseId],
  );
  const items = templates.value?.items ?? [];
  if (!items.length) return null;
  return (
    <div className="template-picker">
      <div className="field">
        <label htmlFor={id}>{t('cases.template.label')}</label>
        <select id={id} value={templateId ?? ''} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : undefined)}>
          <option value="">{t('cases.template.none')}</option>
          {items.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
        </select>
      </div>
      {chosen && (
        <div className="template-preview" aria-live="polite">
          <p className="template-preview-label">{caseId ? t('cases.template.preview') : t('cases.template.wording')}</p>
          <blockquote data-testid="template-preview">{preview.value ?? '…'}</blockquote>
          <p className="field-hint">{t('cases.template.noteAdds')}</p>
          {preview.value && (
            <Button variant="link" onClick={() => { onUseText(preview.value!); onChange(undefined); }}>{t('cases.template.editAsNote')}</Button>
          )}
        </div>
      )}
    </div>
  );
}
