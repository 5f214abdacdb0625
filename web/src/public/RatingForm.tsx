import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { Alert, Button, TextField, useErrorMessage } from '../ui';
import { rateCase, type PublicCase } from './api';

export interface RatingFormProps {
  view: PublicCase;
  /** From the link or this browser; without it the reporter types the code from the link. */
  secret: string | null;
  rated: boolean;
  onRated: (view: PublicCase) => void;
}

/** The reporter rates the outcome, 1 to 5, once the case is handled (1 or 2 sends it back to be handled again). */
export function RatingForm({ view, secret, rated, onRated }: RatingFormProps) {
  const { t } = useTranslation();
  const messageOf = useErrorMessage();
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState('');
  const [typedSecret, setTypedSecret] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [thanks, setThanks] = useState<number | null>(null);

  if (thanks !== null) return <Alert kind="success">{t(thanks <= 2 ? 'public.rating.reopened' : 'public.rating.thanks')}</Alert>;
  if (rated) return <p className="muted">{t('public.rating.already')}</p>;
  if (view.status !== 'verified' && view.status !== 'closed') return <p className="muted">{t('public.rating.notYet')}</p>;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const code = secret ?? typedSecret.trim();
    setMissing(score === null || !code);
    setError(null);
    if (score === null || !code) return;
    setBusy(true);
    try {
      const next = await rateCase(view.ticketNo, code, score, comment.trim() || undefined);
      setThanks(score);
      onRated(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const wrongSecret = error instanceof ApiError && error.status === 403;
  return (
    <form className="rating-form" onSubmit={submit} noValidate aria-labelledby="rating-title">
      <h3 id="rating-title">{t('public.rating.title')}</h3>
      {missing && <Alert>{t('public.rating.missing')}</Alert>}
      {error !== null && <Alert>{wrongSecret ? t('public.rating.wrongSecret') : messageOf(error)}</Alert>}
      <fieldset className="field stars">
        <legend>{t('public.rating.score')}</legend>
        <p className="field-hint">{t('public.rating.reopens')}</p>
        <div className="star-choices">
          {[1, 2, 3, 4, 5].map((n) => (
            <label key={n} className="star-choice">
              <input type="radio" name="satisfaction" value={n} checked={score === n} onChange={() => setScore(n)} />
              <span aria-hidden="true" className="stars-shown">{'★'.repeat(n)}{'☆'.repeat(5 - n)}</span>
              <span>{t(`public.rating.level${n as 1 | 2 | 3 | 4 | 5}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <TextField label={t('public.rating.comment')} name="comment" value={comment} onChange={(e) => setComment(e.target.value)} maxLength={500} />
      {!secret && <TextField label={t('public.rating.secret')} name="secret" hint={t('public.rating.secretHint')} value={typedSecret} onChange={(e) => setTypedSecret(e.target.value)} />}
      <Button type="submit" variant="primary" busy={busy} className="wide-button">{t('public.rating.submit')}</Button>
    </form>
  );
}
