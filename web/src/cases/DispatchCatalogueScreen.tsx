import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAddressParams } from '../app/address';
import { positiveInt } from '../app/record-id';
import { formatDateTime } from '../i18n/format';
import { Alert, Button, ConfirmButton, ScreenTitle, Select, Spinner, Table, useErrorMessage, useSubmit, useToast, type Column } from '../ui';
import { areaTree, deleteRoutingRule, listRoutingRules, previewRoute, setRoutingRule, type RoutePreview, type RoutingRule } from './api';
import { areaOptions } from './area-options';
import { CategoryEditor } from './CategoryEditor';
import { CategorySelect } from './CategorySelect';
import { DepartmentPicker } from './DepartmentPicker';
import { useCatalogue, useCategoryName, useLoad } from './hooks';
import './cases.css';

/** Says where a case would go and why, in words. */
function RouteSentence({ preview }: { preview: RoutePreview }) {
  const { t } = useTranslation();
  const department = preview.department?.name ?? '';
  return <p className={`route-preview route-${preview.reason}`} data-testid="route-preview">{t(`cases.catalogue.reason.${preview.reason}`, { department, unit: preview.ruleAt?.name ?? '' })}</p>;
}

/**
 * 派单目录: which department each category goes to, set on an area and inherited by every area
 * under it. Pick a category and an area to see where a case would go now and why, set the
 * department there, or remove a rule so the area above (or the category's department kind)
 * decides again.
 */
export default function DispatchCatalogueScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const toast = useToast();
  const categoryName = useCategoryName();
  const { categories, departments, reload: reloadCatalogue } = useCatalogue();
  const areas = useLoad(() => areaTree(), []);
  const areaChoices = useMemo(() => areaOptions(areas.value ?? []), [areas.value]);
  const [params, updateAddress] = useAddressParams();
  const categoryCode = params.get('categoryCode') ?? '';
  // An id, or nothing chosen: ?adminUnitId=abc must not preview the route of area NaN.
  const adminUnitId = positiveInt(params.get('adminUnitId'))?.toString() ?? '';
  const [round, setRound] = useState(0);
  const rules = useLoad((signal) => listRoutingRules(categoryCode || undefined, signal), [categoryCode, round]);
  const preview = useLoad(
    (signal) => (categoryCode && adminUnitId ? previewRoute(categoryCode, Number(adminUnitId), signal) : Promise.resolve(null)),
    [categoryCode, adminUnitId, round],
  );
  const [departmentId, setDepartmentId] = useState<number | undefined>();
  const { saving, submit } = useSubmit();
  const byCode = useMemo(() => new Map(categories.map((c) => [c.code, c])), [categories]);
  const areaName = areaChoices.find((a) => a.value === adminUnitId)?.label.trim() ?? '';

  const choose = (change: Record<string, string>) => updateAddress((next) => {
    for (const [key, value] of Object.entries(change)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
  }, { replace: true });
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (departmentId === undefined) return;
    void submit(
      () => setRoutingRule({ categoryCode, adminUnitId: Number(adminUnitId), departmentId }),
      () => t('cases.catalogue.saved', { category: categoryName(byCode.get(categoryCode)), area: areaName }),
      () => { setDepartmentId(undefined); setRound((r) => r + 1); },
    );
  };
  const remove = async (rule: RoutingRule) => {
    try {
      await deleteRoutingRule(rule.categoryCode, rule.adminUnit!.id);
      toast.show('success', t('cases.catalogue.removed', { category: categoryName(byCode.get(rule.categoryCode)), area: rule.adminUnit!.name }));
      setRound((r) => r + 1);
    } catch (err) {
      toast.error(err);
    }
  };

  const columns: Column<RoutingRule>[] = [
    { key: 'category', header: t('cases.field.category'), render: (r) => <>{categoryName(byCode.get(r.categoryCode))} <span className="muted">{r.categoryCode}</span></> },
    { key: 'area', header: t('cases.field.area'), render: (r) => r.adminUnit?.name ?? '—' },
    { key: 'department', header: t('cases.column.department'), render: (r) => r.department?.name ?? '—' },
    { key: 'updated', header: t('cases.catalogue.updated'), render: (r) => formatDateTime(r.updatedAt), wideOnly: true },
    {
      key: 'remove', header: <span className="visually-hidden">{t('cases.catalogue.remove')}</span>,
      render: (r) => {
        const names = { category: categoryName(byCode.get(r.categoryCode)), area: r.adminUnit?.name ?? '' };
        return (
          <ConfirmButton onConfirm={() => remove(r)} aria-label={t('cases.catalogue.removeRule', names)}
            question={t('cases.catalogue.removeAsk', names)} confirmLabel={t('cases.catalogue.removeConfirm')}>
            {t('cases.catalogue.remove')}
          </ConfirmButton>
        );
      },
    },
  ];

  return (
    <section className="dispatch-catalogue">
      <ScreenTitle>{t('cases.catalogue.title')}</ScreenTitle>
      <p className="muted">{t('cases.catalogue.intro')}</p>
      <div className="catalogue-pick">
        <CategorySelect label={t('cases.field.category')} categories={categories} value={categoryCode} onChange={(code) => choose({ categoryCode: code })} placeholder={t('cases.catalogue.anyCategory')} name="categoryCode" />
        <Select label={t('cases.field.area')} name="adminUnitId" value={adminUnitId} onChange={(e) => choose({ adminUnitId: e.target.value })} placeholder={t('cases.catalogue.pickArea')} options={areaChoices} />
      </div>
      {preview.error !== null && <Alert>{messageOf(preview.error)}</Alert>}
      {!(categoryCode && adminUnitId) && <p className="muted">{t('cases.catalogue.pickBoth')}</p>}
      {preview.value && (preview.value.reason === 'community' || preview.value.reason === 'private') && (
        // Rules route government matters only: a community or private matter never reaches them.
        <div className="catalogue-set"><RouteSentence preview={preview.value} /></div>
      )}
      {preview.value && preview.value.reason !== 'community' && preview.value.reason !== 'private' && (
        <form className="catalogue-set" onSubmit={save} aria-label={t('cases.catalogue.setTitle')}>
          <RouteSentence preview={preview.value} />
          <DepartmentPicker key={round} label={t('cases.catalogue.sendTo', { area: areaName })} departments={departments} value={departmentId} onChange={setDepartmentId} placeholder={t('cases.catalogue.pickDepartment')} />
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={saving} disabled={departmentId === undefined}>{t('cases.catalogue.save')}</Button>
          </div>
        </form>
      )}
      {byCode.has(categoryCode) && (
        // Keyed by what the server holds, so a saved change becomes the form's new starting point.
        <CategoryEditor key={JSON.stringify(byCode.get(categoryCode))} category={byCode.get(categoryCode)!} onSaved={() => { reloadCatalogue(); setRound((r) => r + 1); }} />
      )}
      {rules.error !== null && <Alert>{messageOf(rules.error)}</Alert>}
      {!rules.value ? <Spinner /> : (
        <Table caption={t('cases.catalogue.rules')} columns={columns} rows={rules.value.items} rowKey={(r) => `${r.categoryCode}@${r.adminUnit?.id}`} busy={rules.loading} empty={t('cases.catalogue.noRules')} />
      )}
    </section>
  );
}
