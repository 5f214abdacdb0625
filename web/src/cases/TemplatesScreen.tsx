import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert, Button, ConfirmButton, ScreenTitle, Spinner, useErrorMessage, useToast } from '../ui';
import { allTemplates, withdrawTemplate } from './api';
import { useCatalogue, useCategoryName, useLoad } from './hooks';
import { TemplateForm } from './TemplateForm';
import type { ResponseTemplate } from './types';
import './cases.css';

/**
 * 回复模板: the answers staff send most often, written once. Each fits some steps of the loop and,
 * optionally, one category or class; an area's templates serve everything under it, and those
 * written above the user's area are shown but kept by their owners.
 */
export default function TemplatesScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const toast = useToast();
  const categoryName = useCategoryName();
  const { categories } = useCatalogue();
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const [round, setRound] = useState(0);
  const list = useLoad((signal) => allTemplates(signal), [round]);
  const [editing, setEditing] = useState<ResponseTemplate | 'new' | null>(null);
  const withdraw = async (template: ResponseTemplate) => {
    try {
      await withdrawTemplate(template.id);
      toast.show('success', t('cases.templateAdmin.withdrawn', { title: template.title }));
      if (editing !== 'new' && editing?.id === template.id) setEditing(null);
      setRound((r) => r + 1);
    } catch (err) {
      toast.error(err);
    }
  };

  return (
    <section className="templates-screen">
      <ScreenTitle>{t('cases.templateAdmin.screenTitle')}</ScreenTitle>
      <p className="muted">{t('cases.templateAdmin.intro')}</p>
      {editing === null && <Button variant="primary" onClick={() => setEditing('new')}>{t('cases.templateAdmin.new')}</Button>}
      {editing !== null && (
        <TemplateForm key={editing === 'new' ? 'new' : editing.id} template={editing === 'new' ? null : editing} categories={categories}
          onSaved={() => { setEditing(null); setRound((r) => r + 1); }} onCancel={() => setEditing(null)} />
      )}
      {list.error !== null && <Alert>{messageOf(list.error)}</Alert>}
      {!list.value ? <Spinner /> : list.value.items.length === 0 ? <p className="muted">{t('cases.templateAdmin.none')}</p> : (
        <ul className="template-cards">
          {list.value.items.map((tpl) => (
            <li key={tpl.id} className="template-card" data-template-id={tpl.id}>
              <div className="template-card-head">
                <strong>{tpl.title}</strong>
                <span className="muted">
                  {t('cases.templateAdmin.serves', {
                    area: tpl.adminUnit?.name ?? t('cases.templateAdmin.everywhere'),
                    category: tpl.categoryCode ? categoryName(byCode.get(tpl.categoryCode)) || tpl.categoryCode : t('cases.catalogue.anyCategory'),
                  })}
                </span>
              </div>
              <p className="template-card-body">{tpl.body}</p>
              <ul className="chips" aria-label={t('cases.templateAdmin.actions')}>
                {tpl.actions.map((a) => <li key={a}><span className="chip-label">{t(`cases.action.${a}`)}</span></li>)}
              </ul>
              {tpl.editable && (
                <div className="form-actions">
                  <Button onClick={() => setEditing(tpl)} aria-label={t('cases.templateAdmin.editOne', { title: tpl.title })}>{t('cases.templateAdmin.edit')}</Button>
                  <ConfirmButton onConfirm={() => withdraw(tpl)} aria-label={t('cases.templateAdmin.withdrawOne', { title: tpl.title })}
                    question={t('cases.templateAdmin.withdrawAsk', { title: tpl.title })} confirmLabel={t('cases.templateAdmin.withdrawConfirm')}>
                    {t('cases.templateAdmin.withdraw')}
                  </ConfirmButton>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
