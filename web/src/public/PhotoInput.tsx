import { useEffect, useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import './fields.css';

export interface PhotoInputProps {
  label: string;
  files: readonly File[];
  onChange: (files: File[]) => void;
  error?: string;
  hint?: string;
  camera?: boolean;
}

/**
 * Photos from the phone's camera or its gallery (files on a desktop), previewed before they are
 * sent. `camera` opens the camera straight away (a grid worker's photo of what she sees now); else
 * the phone offers its gallery too, for a photo taken a moment ago.
 */
export function PhotoInput({ label, files, onChange, error, hint, camera = false }: PhotoInputProps) {
  const { t } = useTranslation();
  const id = useId();
  const previews = useMemo(() => files.map((f) => ({ file: f, url: URL.createObjectURL(f) })), [files]);
  useEffect(() => () => previews.forEach((p) => URL.revokeObjectURL(p.url)), [previews]);
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', 'photo-input', error ? 'field-invalid' : ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {hint && <p id={`${id}-hint`} className="field-hint">{hint}</p>}
      <input
        id={id}
        type="file"
        accept="image/*"
        capture={camera ? 'environment' : undefined}
        multiple
        aria-describedby={describedBy}
        onChange={(e) => { onChange([...files, ...Array.from(e.target.files ?? [])]); e.target.value = ''; }}
      />
      {previews.length > 0 && (
        <ul className="photo-previews">
          {previews.map((p, i) => (
            <li key={p.url}>
              <img src={p.url} alt={t('public.photo.chosen', { name: p.file.name })} />
              {/* The name only for screen readers: a phone's long file names would push the page wide. */}
              <button type="button" className="btn btn-link" aria-label={t('public.photo.remove', { name: p.file.name })} onClick={() => onChange(files.filter((_, j) => j !== i))}>
                {t('public.photo.removeShort')}
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p id={`${id}-error`} className="field-error">{error}</p>}
    </div>
  );
}
