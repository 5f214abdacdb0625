import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { FeatureCollection } from 'geojson';
import { fieldError } from '../api/client';
import { PointField, type PickedPoint } from '../public/PointField';
import { Alert, Button, Select, TextField, useErrorMessage } from '../ui';
import { createCase, uploadPhoto } from './api';
import { CategorySelect } from './CategorySelect';
import { PhotoInput } from '../public/PhotoInput';
import { URGENCIES, type Category, type TakenCase, type Urgency } from './types';

/** A key that makes a retried intake answer the first case (works without a secure context, unlike randomUUID). */
function intakeKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The grid worker's patrol report (网格巡查): with a category it is registered to her grid at once. */
export function PatrolReportForm({ categories, outline, onReported }: { categories: readonly Category[]; outline?: FeatureCollection; onReported: (taken: TakenCase) => void }) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [key, setKey] = useState(intakeKey);
  const [categoryCode, setCategoryCode] = useState('');
  const [urgency, setUrgency] = useState<Urgency>('routine');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [point, setPoint] = useState<PickedPoint | null>(null);
  const [photos, setPhotos] = useState<File[]>([]);
  const [missing, setMissing] = useState<{ description?: boolean; point?: boolean }>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [taken, setTaken] = useState<TakenCase | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const lacking = { description: !description.trim(), point: !point };
    setMissing(lacking);
    setError(null);
    if (lacking.description || lacking.point) return;
    setBusy(true);
    try {
      const answer = await createCase({
        channel: 'patrol', requestType: 'report', categoryCode: categoryCode || undefined, urgency,
        description: description.trim(), address: address.trim() || undefined, location: point!,
      }, key);
      for (const photo of photos) await uploadPhoto(answer.id, photo, 'report');
      setTaken(answer);
      setKey(intakeKey());
      setCategoryCode(''); setDescription(''); setAddress(''); setPoint(null); setPhotos([]); setUrgency('routine');
      onReported(answer);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form patrol-form" onSubmit={submit} noValidate aria-labelledby="patrol-title">
      <h2 id="patrol-title">{t('cases.patrol.title')}</h2>
      {taken && (
        <Alert kind="success">
          {t(taken.status === 'registered' ? 'cases.patrol.registered' : 'cases.patrol.received', { ticketNo: taken.ticketNo })}{' '}
          <Link to={`/cases/${taken.id}`}>{t('cases.openCase')}</Link>
        </Alert>
      )}
      {error !== null && !fieldError(error, 'location') && <Alert>{messageOf(error)}</Alert>}
      <CategorySelect label={t('cases.field.category')} categories={categories} value={categoryCode} onChange={setCategoryCode} placeholder={t('cases.patrol.categoryLater')} name="categoryCode" />
      <Select label={t('cases.field.urgency')} value={urgency} onChange={(e) => setUrgency(e.target.value as Urgency)} options={URGENCIES.map((u) => ({ value: u, label: t(`cases.urgency.${u}`) }))} />
      <div className={['field', missing.description ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
        <label htmlFor="patrol-description">{t('cases.patrol.description')}<span className="field-required" aria-hidden="true"> *</span></label>
        <textarea id="patrol-description" name="description" rows={3} required maxLength={4000} value={description} onChange={(e) => setDescription(e.target.value)}
          aria-invalid={missing.description || undefined} aria-describedby={missing.description ? 'patrol-description-error' : undefined} />
        {missing.description && <p id="patrol-description-error" className="field-error">{t('cases.invalid.required')}</p>}
      </div>
      <TextField label={t('cases.field.address')} name="address" value={address} onChange={(e) => setAddress(e.target.value)} />
      <PointField legend={t('cases.patrol.where')} value={point} onChange={setPoint} outline={outline}
        error={missing.point ? t('cases.invalid.point') : fieldError(error, 'location') ? t('cases.invalid.outside') : undefined} />
      <PhotoInput label={t('cases.field.photos')} files={photos} onChange={setPhotos} hint={t('cases.patrol.photoHint')} />
      <Button type="submit" variant="primary" busy={busy}>{t('cases.patrol.submit')}</Button>
    </form>
  );
}
