import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, type ButtonProps } from './Button';

export interface ConfirmButtonProps extends Omit<ButtonProps, 'onClick' | 'type' | 'ref'> {
  /** What is about to happen, asked in the button's place: "撤下模板“X”？". */
  question: string;
  /** The button that does it: "确认撤下". */
  confirmLabel: string;
  /** Does it; the question stays, busy, until it is done. */
  onConfirm: () => Promise<unknown> | void;
  /** Checked before asking: false leaves the question unasked (a form shows what is missing instead). */
  ready?: () => boolean;
}

/**
 * A button for what one click must not do alone: delete, withdraw, deactivate, end cases.
 * Pressed, it asks in its own place, in the page and not in a browser dialog: the question,
 * a button that does it and one that does not. Focus moves to "cancel", the safe choice;
 * Escape cancels too, and focus comes back to the button.
 */
export function ConfirmButton({ question, confirmLabel, onConfirm, ready, children, ...button }: ConfirmButtonProps) {
  const { t } = useTranslation();
  const questionId = useId();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const backToTrigger = useRef(false);
  useEffect(() => {
    if (asking) cancelButton.current?.focus();
    else if (backToTrigger.current) trigger.current?.focus();
    backToTrigger.current = false;
  }, [asking]);

  const cancel = () => {
    backToTrigger.current = true;
    setAsking(false);
  };
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };

  if (!asking) {
    return <Button {...button} ref={trigger} onClick={() => { if (!ready || ready()) setAsking(true); }}>{children}</Button>;
  }
  return (
    <span className="confirm" role="group" aria-labelledby={questionId} onKeyDown={(e) => { if (e.key === 'Escape' && !busy) { e.preventDefault(); cancel(); } }}>
      <span id={questionId} className="confirm-question">{question}</span>
      <Button variant="danger" busy={busy} onClick={() => void confirm()}>{confirmLabel}</Button>
      <Button ref={cancelButton} onClick={cancel} disabled={busy}>{t('ui.cancel')}</Button>
    </span>
  );
}
