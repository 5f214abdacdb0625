import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Alert, Button } from '../ui';
import { secretLink, type ReportReceipt } from './api';

/** After reporting: the ticket number, and the link with the secret to follow and rate it (shown once). */
export function ReceiptPanel({ receipt, photosSent, photosFailed }: { receipt: ReportReceipt; photosSent: number; photosFailed: number }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const link = secretLink(receipt.ticketNo, receipt.secret);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied('yes');
    } catch {
      // No clipboard (an older phone, a page not served over https): say so, and the link is there to press and hold.
      setCopied('failed');
    }
  };
  return (
    <div className="receipt" data-testid="receipt">
      <Alert kind="success">{t('public.receipt.thanks')}</Alert>
      <p className="receipt-label">{t('public.receipt.ticket')}</p>
      <p className="ticket-number" data-testid="ticket-number">{receipt.ticketNo}</p>
      {photosSent > 0 && <p>{t('public.receipt.photos', { count: photosSent })}</p>}
      {photosFailed > 0 && <Alert>{t('public.receipt.photosFailed', { count: photosFailed })}</Alert>}
      <p className="receipt-label">{t('public.receipt.linkLabel')}</p>
      <p className="field-hint">{t('public.receipt.linkHint')}</p>
      <p className="secret-link"><a href={link} data-testid="secret-link">{link}</a></p>
      <div className="form-actions">
        <Button onClick={copy}>{t('public.receipt.copy')}</Button>
        <Link to={`/track/${encodeURIComponent(receipt.ticketNo)}`} className="btn btn-secondary">{t('public.receipt.follow')}</Link>
      </div>
      <p role="status" className="muted">{copied === 'yes' ? t('public.receipt.copied') : copied === 'failed' ? t('public.receipt.copyFailed') : ''}</p>
    </div>
  );
}
