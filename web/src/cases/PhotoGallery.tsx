import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../i18n/format';
import { Button, Spinner } from '../ui';
import { listPhotos, photoObjectUrl } from './api';
import { useLoad } from './hooks';
import type { CasePhoto } from './types';

/** An image that needs the bearer token: fetched as a blob and shown through an object URL. */
function AuthorizedImage({ src, alt, className }: { src: string; alt: string; className?: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let made: string | null = null;
    photoObjectUrl(src, controller.signal).then((u) => { made = u; setUrl(u); }, () => { if (!controller.signal.aborted) setFailed(true); });
    return () => { controller.abort(); if (made) URL.revokeObjectURL(made); };
  }, [src]);
  if (failed) return <span className="photo-missing">{alt}</span>;
  return url ? <img src={url} alt={alt} className={className} /> : <Spinner size="small" />;
}

/** The case's photos as thumbnails, by stage; a thumbnail opens the photo as sent. */
export function PhotoGallery({ caseId, refreshKey }: { caseId: number; refreshKey?: unknown }) {
  const { t } = useTranslation();
  const photos = useLoad((signal) => listPhotos(caseId, signal), [caseId, refreshKey]);
  const [open, setOpen] = useState<CasePhoto | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => { if (open) dialog.current?.showModal(); }, [open]);
  const items = photos.value?.items ?? [];
  const altOf = (p: CasePhoto) => t('cases.photo.alt', { stage: t(`cases.stage.${p.stage}`), at: formatDateTime(p.createdAt) });
  if (photos.loading && !photos.value) return <Spinner />;
  if (!items.length) return <p className="muted">{t('cases.photo.none')}</p>;
  return (
    <>
      <ul className="photo-gallery">
        {items.map((p) => (
          <li key={p.id}>
            <button type="button" className="photo-thumb" onClick={() => setOpen(p)} aria-label={t('cases.photo.open', { name: altOf(p) })}>
              <AuthorizedImage src={p.thumbUrl} alt={altOf(p)} />
            </button>
            <span className="photo-caption">{t(`cases.stage.${p.stage}`)}</span>
          </li>
        ))}
      </ul>
      <dialog ref={dialog} className="photo-dialog" onClose={() => setOpen(null)} aria-label={open ? altOf(open) : undefined}>
        {open && <AuthorizedImage src={open.url} alt={altOf(open)} className="photo-full" />}
        <form method="dialog"><Button type="submit">{t('ui.close')}</Button></form>
      </dialog>
    </>
  );
}
