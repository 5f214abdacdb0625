import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, fieldError } from '../api/client';
import { Alert, Button, ScreenTitle, Select, TextField, useErrorMessage } from '../ui';
import { addReportPhoto, publicOutline, rememberReport, submitReport, type PublicReport, type ReportReceipt } from './api';
import { ChallengeField } from './ChallengeField';
import { PhotoInput } from './PhotoInput';
import { PointField, type PickedPoint } from './PointField';
import { ReceiptPanel } from './ReceiptPanel';
import { ServiceSelect } from './ServiceSelect';
import './public.css';
import { PHONE } from '../../../src/core/phone';

const REQUEST_TYPES = ['report', 'complaint', 'help', 'inquiry', 'suggestion'] as const;
const PHOTO_MAX = 10 * 1024 * 1024;

type Problem = 'description' | 'point' | 'challenge' | 'photos' | 'phone';
/** As the server checks it: digits, optionally with +, spaces or dashes. */

/** 我要反映 (随手拍): a citizen reports a problem with a point and photos, without an account. */
export default function ReportScreen() {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [description, setDescription] = useState('');
  const [requestType, setRequestType] = useState<(typeof REQUEST_TYPES)[number]>('report');
  const [categoryCode, setCategoryCode] = useState('');
  const [point, setPoint] = useState<PickedPoint | null>(null);
  const [address, setAddress] = useState('');
  const [photos, setPhotos] = useState<File[]>([]);
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [showPublicly, setShowPublicly] = useState(false);
  const [challengeId, setChallengeId] = useState<string | null>(null);
  const [answer, setAnswer] = useState('');
  const [challengeRound, setChallengeRound] = useState(0);
  const [problems, setProblems] = useState<Set<Problem>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [receipt, setReceipt] = useState<{ receipt: ReportReceipt; photosSent: number; photosFailed: number } | null>(null);

  // A field's error goes as soon as the field is changed, not at the next submit.
  const fixed = useCallback((problem: Problem) => setProblems((found) => {
    if (!found.has(problem)) return found;
    const left = new Set(found);
    left.delete(problem);
    return left;
  }), []);
  // Stable: the challenge field fetches a new question whenever its callbacks change.
  const onAnswer = useCallback((typed: string) => { setAnswer(typed); fixed('challenge'); }, [fixed]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = new Set<Problem>();
    if (!description.trim()) found.add('description');
    if (!point) found.add('point');
    if (!answer.trim() || !challengeId) found.add('challenge');
    if (photos.some((p) => p.size > PHOTO_MAX)) found.add('photos');
    if (phone.trim() && !PHONE.test(phone.trim())) found.add('phone');
    setProblems(found);
    setError(null);
    if (found.size) return;
    setBusy(true);
    const report: PublicReport = {
      description: description.trim(), requestType, location: point!, challenge: { id: challengeId!, answer: answer.trim() },
      showPublicly, ...(categoryCode && { categoryCode }), ...(address.trim() && { address: address.trim() }),
      ...((name.trim() || phone.trim()) && { reporter: { ...(name.trim() && { name: name.trim() }), ...(phone.trim() && { phone: phone.trim() }) } }),
    };
    try {
      const made = await submitReport(report);
      rememberReport({ ticketNo: made.ticketNo, secret: made.secret, at: new Date().toISOString() });
      let sent = 0;
      for (const photo of photos) {
        try { await addReportPhoto(made.ticketNo, made.secret, photo); sent++; } catch { /* counted below; the report stands */ }
      }
      setReceipt({ receipt: made, photosSent: sent, photosFailed: photos.length - sent });
    } catch (err) {
      setError(err);
      // A challenge is good for one report, and a refused answer needs a new question.
      if (err instanceof ApiError && err.field === 'challenge') setChallengeRound((r) => r + 1);
    } finally {
      setBusy(false);
    }
  };

  if (receipt) {
    return (
      <section className="public-page">
        <ScreenTitle>{t('public.receipt.title')}</ScreenTitle>
        <ReceiptPanel {...receipt} />
        <Button variant="primary" onClick={() => { setReceipt(null); setDescription(''); setPhotos([]); setShowPublicly(false); setPoint(null); setAddress(''); setCategoryCode(''); setChallengeRound((r) => r + 1); }}>
          {t('public.receipt.another')}
        </Button>
      </section>
    );
  }

  const general = error !== null && !(error instanceof ApiError && ['challenge', 'location', 'reporter.phone'].includes(error.field ?? ''));
  return (
    <section className="public-page">
      <ScreenTitle>{t('public.reportTitle')}</ScreenTitle>
      <p className="lead">{t('public.report.intro')}</p>
      <Alert kind="info">{t('public.report.emergency')}</Alert>
      {problems.size > 0 && <Alert>{t('public.report.fix')}</Alert>}
      {general && <Alert>{messageOf(error)}</Alert>}
      <form className="form public-form" onSubmit={submit} noValidate>
        <div className={['field', problems.has('description') ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
          <label htmlFor="report-description">{t('public.report.description')}<span className="field-required" aria-hidden="true"> *</span></label>
          <p className="field-hint" id="report-description-hint">{t('public.report.descriptionHint')}</p>
          <textarea id="report-description" name="description" rows={4} maxLength={2000} required value={description} onChange={(e) => { setDescription(e.target.value); fixed('description'); }}
            aria-invalid={problems.has('description') || undefined} aria-describedby="report-description-hint" />
          {problems.has('description') && <p className="field-error">{t('public.report.required')}</p>}
        </div>
        <Select label={t('public.report.requestType')} name="requestType" value={requestType} onChange={(e) => setRequestType(e.target.value as typeof requestType)}
          options={REQUEST_TYPES.map((r) => ({ value: r, label: t(`public.requestType.${r}`) }))} />
        <ServiceSelect value={categoryCode} onChange={setCategoryCode} />
        <PointField legend={t('public.report.where')} value={point} onChange={(p) => { setPoint(p); fixed('point'); }} loadOutline={publicOutline}
          error={problems.has('point') ? t('public.report.pointMissing') : fieldError(error, 'location') ? t('public.report.pointOutside') : undefined} />
        <TextField label={t('public.report.address')} name="address" value={address} onChange={(e) => setAddress(e.target.value)} hint={t('public.report.addressHint')} maxLength={300} />
        <PhotoInput label={t('public.report.photos')} files={photos} onChange={(chosen) => { setPhotos(chosen); fixed('photos'); }} hint={t('public.report.photosHint')}
          error={problems.has('photos') ? t('public.report.photoTooLarge') : undefined} />
        <div className="field">
          <label className="check">
            <input type="checkbox" name="showPublicly" checked={showPublicly} onChange={(e) => setShowPublicly(e.target.checked)} aria-describedby="report-public-hint" />
            {t('public.report.showPublicly')}
          </label>
          <p className="field-hint" id="report-public-hint">{t('public.report.showPubliclyHint')}</p>
        </div>
        <fieldset className="field contact">
          <legend>{t('public.report.contact')}</legend>
          <p className="field-hint">{t('public.report.contactHint')}</p>
          <TextField label={t('public.report.name')} name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} maxLength={50} />
          <TextField label={t('public.report.phone')} name="phone" type="tel" autoComplete="tel" value={phone} onChange={(e) => { setPhone(e.target.value); fixed('phone'); }} error={problems.has('phone') || fieldError(error, 'reporter.phone') ? t('public.report.phoneInvalid') : undefined} />
        </fieldset>
        <ChallengeField answer={answer} onAnswer={onAnswer} onChallenge={setChallengeId} round={challengeRound}
          error={problems.has('challenge') ? t('public.report.required') : fieldError(error, 'challenge') ? t('public.challenge.wrong') : undefined} />
        <Button type="submit" variant="primary" busy={busy} className="wide-button">{t('public.report.submit')}</Button>
      </form>
    </section>
  );
}
