import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { FeatureCollection } from 'geojson';
import { fieldError } from '../api/client';
import { PointField, type PickedPoint } from '../public/PointField';
import { publicOutline } from '../public/api';
import { Alert, Button, Select, TextField, useErrorMessage } from '../ui';
import { createCase, uploadPhoto } from './api';
import { CategorySelect } from './CategorySelect';
import { PhotoInput } from '../public/PhotoInput';
import { REQUEST_TYPES, URGENCIES, type Category, type RequestType, type TakenCase, type Urgency } from './types';

/** A key that makes a retried intake answer the first case (works without a secure context, unlike randomUUID). */
function intakeKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The texts the patrol and the call forms each word their own way. */
type Word = 'title' | 'description' | 'categoryLater' | 'where' | 'photoHint' | 'submit' | 'registered' | 'received' | 'outside';

/**
 * A case taken in by staff: the grid worker's patrol report (网格巡查), registered to her grid at once
 * when it has a category, or a 12345 call the dispatcher types in while on the line (来电登记), with
 * the kind of request and who called.
 */
export function StaffIntakeForm({ categories, outline, onReported, channel = 'patrol' }: {
  categories: readonly Category[]; outline?: FeatureCollection; onReported: (taken: TakenCase) => void; channel?: 'patrol' | 'hotline';
}) {
  const { t } = useTranslation();
  const words = (key: Word, values: { ticketNo?: string } = {}) => t(`cases.${channel}.${key}`, values);
  const [requestType, setRequestType] = useState<RequestType>('complaint');
  const [callerName, setCallerName] = useState('');
  const [callerPhone, setCallerPhone] = useState('');
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
  // After each submit the outcome is where the eyes and the keyboard go: the form clears, and on a
  // phone its top (where the outcome shows) is a screen or more above the button just pressed.
  const form = useRef<HTMLFormElement>(null);
  const outcome = useRef<HTMLDivElement>(null);
  const [submits, setSubmits] = useState(0);
  useEffect(() => {
    if (submits === 0) return;
    const invalid = form.current?.querySelector<HTMLElement>('.field-invalid');
    const target = invalid?.querySelector<HTMLElement>('input, textarea, select, button') ?? outcome.current;
    (invalid ?? target)?.scrollIntoView?.({ block: 'center' });
    target?.focus({ preventScroll: true });
  }, [submits]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const lacking = { description: !description.trim(), point: !point };
    setMissing(lacking);
    setError(null);
    if (lacking.description || lacking.point) return setSubmits((n) => n + 1);
    setBusy(true);
    try {
      const reporter = channel === 'hotline' && (callerName.trim() || callerPhone.trim())
        ? { name: callerName.trim() || undefined, phone: callerPhone.trim() || undefined } : undefined;
      const answer = await createCase({
        channel, requestType: channel === 'hotline' ? requestType : 'report', categoryCode: categoryCode || undefined, urgency,
        description: description.trim(), address: address.trim() || undefined, location: point!, reporter,
      }, key);
      for (const photo of photos) await uploadPhoto(answer.id, photo, 'report');
      setTaken(answer);
      setKey(intakeKey());
      setCategoryCode(''); setDescription(''); setAddress(''); setPoint(null); setPhotos([]); setUrgency('routine');
      setRequestType('complaint'); setCallerName(''); setCallerPhone('');
      onReported(answer);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setSubmits((n) => n + 1);
    }
  };

  return (
    <form ref={form} className="form patrol-form" onSubmit={submit} noValidate aria-labelledby={`${channel}-title`}>
      <h2 id={`${channel}-title`}>{words('title')}</h2>
      <div ref={outcome} tabIndex={-1} className="form-outcome">
        {taken && (
          <Alert kind="success">
            {words(taken.status === 'registered' ? 'registered' : 'received', { ticketNo: taken.ticketNo })}{' '}
            {taken.possibleDuplicates && taken.possibleDuplicates.length > 0 && <>{t('cases.intakeDuplicates', { count: taken.possibleDuplicates.length })}{' '}</>}
            <Link to={`/cases/${taken.id}`}>{t('cases.openCase')}</Link>
          </Alert>
        )}
        {error !== null && !fieldError(error, 'location') && <Alert>{messageOf(error)}</Alert>}
      </div>
      {channel === 'hotline' && (
        <>
          <Select label={t('cases.hotline.requestType')} value={requestType} onChange={(e) => setRequestType(e.target.value as RequestType)}
            options={REQUEST_TYPES.map((r) => ({ value: r, label: t(`cases.requestType.${r}`) }))} />
          {/* Who is calling first: the operator asks it first. */}
          <TextField label={t('cases.hotline.callerName')} name="callerName" maxLength={50} value={callerName} onChange={(e) => setCallerName(e.target.value)} />
          <TextField label={t('cases.hotline.callerPhone')} name="callerPhone" type="tel" maxLength={30} value={callerPhone} onChange={(e) => setCallerPhone(e.target.value)}
            error={fieldError(error, 'reporter.phone') ? t('cases.hotline.badPhone') : undefined} />
        </>
      )}
      <CategorySelect label={t('cases.field.category')} categories={categories} value={categoryCode} onChange={setCategoryCode} placeholder={words('categoryLater')} name="categoryCode" searchable />
      <Select label={t('cases.field.urgency')} value={urgency} onChange={(e) => setUrgency(e.target.value as Urgency)} options={URGENCIES.map((u) => ({ value: u, label: t(`cases.urgency.${u}`) }))} />
      <div className={['field', missing.description ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
        <label htmlFor={`${channel}-description`}>{words('description')}<span className="field-required" aria-hidden="true"> *</span></label>
        <textarea id={`${channel}-description`} name="description" rows={3} required maxLength={4000} value={description} onChange={(e) => { setDescription(e.target.value); if (missing.description) setMissing({ ...missing, description: false }); }}
          aria-invalid={missing.description || undefined} aria-describedby={missing.description ? `${channel}-description-error` : undefined} />
        {missing.description && <p id={`${channel}-description-error`} className="field-error">{t('cases.invalid.required')}</p>}
      </div>
      <TextField label={t('cases.field.address')} name="address" value={address} onChange={(e) => setAddress(e.target.value)} />
      {/* A caller's place is not the desk's: no GPS on the line, and the city's districts to find it by on the map. */}
      <PointField legend={words('where')} value={point} outline={outline} gps={channel === 'patrol'} loadOutline={channel === 'hotline' ? publicOutline : undefined}
        onChange={(p) => { setPoint(p); if (p && missing.point) setMissing({ ...missing, point: false }); if (fieldError(error, 'location')) setError(null); }}
        error={missing.point ? t('cases.invalid.point') : fieldError(error, 'location') ? words('outside') : undefined} />
      <PhotoInput label={t('cases.field.photos')} files={photos} onChange={setPhotos} hint={words('photoHint')} camera={channel === 'patrol'} />
      <Button type="submit" variant="primary" busy={busy}>{words('submit')}</Button>
    </form>
  );
}
