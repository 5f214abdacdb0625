import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../ui/Button';
import { fetchChallenge, type Challenge } from './api';

/** "3 加 4 等于几？" in the interface language. */
function useQuestion(): (c: Challenge) => string {
  const { t } = useTranslation();
  return (c) => {
    const m = /(\d+)\s*(加|减)\s*(\d+)/.exec(c.question);
    return m ? t('public.challenge.question', { a: m[1], op: t(m[2] === '加' ? 'public.challenge.plus' : 'public.challenge.minus'), b: m[3] }) : c.question;
  };
}

export interface ChallengeFieldProps {
  answer: string;
  onAnswer: (answer: string) => void;
  /** The current challenge's id, or null while none is loaded. */
  onChallenge: (id: string | null) => void;
  error?: string;
  /** Changing it fetches a new question (after one was used or refused). */
  round: number;
}

/** The small sum that keeps scripts from filing reports (GET /api/v1/public/challenge). */
export function ChallengeField({ answer, onAnswer, onChallenge, error, round }: ChallengeFieldProps) {
  const { t } = useTranslation();
  const id = useId();
  const question = useQuestion();
  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [failed, setFailed] = useState(false);
  const load = useCallback(() => {
    setFailed(false);
    onChallenge(null);
    fetchChallenge().then((c) => { setChallenge(c); onChallenge(c.id); }, () => setFailed(true));
    onAnswer('');
  }, [onChallenge, onAnswer]);
  useEffect(load, [load, round]);
  return (
    <div className={['field', 'challenge', error ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{challenge ? question(challenge) : t('public.challenge.loading')}</label>
      <p className="field-hint" id={`${id}-hint`}>{failed ? t('public.challenge.failed') : t('public.challenge.hint')}</p>
      <div className="challenge-row">
        <input id={id} name="challenge" inputMode="numeric" autoComplete="off" value={answer} onChange={(e) => onAnswer(e.target.value)} required
          aria-invalid={error ? true : undefined} aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')} />
        <Button onClick={load}>{t('public.challenge.another')}</Button>
      </div>
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </div>
  );
}
