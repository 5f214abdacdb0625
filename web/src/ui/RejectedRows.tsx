import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportProblem } from '../api/types';

/** The server lists at most this many problems (src/core/errors.ts rejectImport). */
const LISTED = 1000;

/**
 * Every rejected row (or GeoJSON feature, counted from 0) of an import with its problems, as a
 * list that reads on a phone too; each problem names its column.
 */
export function RejectedRows({ problems, caption, features = false }: { problems: readonly ImportProblem[]; caption: string; features?: boolean }) {
  const { t } = useTranslation();
  const titleId = useId();
  return (
    <section className="rejected-rows" aria-labelledby={titleId}>
      <h3 id={titleId}>{caption}</h3>
      {problems.length >= LISTED && <p className="field-hint">{t('ui.rejected.firstOnly', { count: LISTED })}</p>}
      <ol aria-labelledby={titleId}>
        {problems.map((p) => (
          <li key={`${p.index}:${p.code ?? ''}`} data-index={p.index}>
            <strong>{t(features ? 'ui.rejected.feature' : 'ui.rejected.row', { n: p.index })}</strong>
            {p.code && <> · <span className="rejected-code">{p.code}</span></>}
            <ul>{p.problems.map((x) => <li key={x}>{x}</li>)}</ul>
          </li>
        ))}
      </ol>
    </section>
  );
}
