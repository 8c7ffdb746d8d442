// Applies a cell's package to every operator of its segment in the latest segmentation (`cip treatments apply`):
// a count first, then the treatments recorded from a start date, under a name the effect measurement uses.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.ts';
import { fmtInt } from '../../format.ts';
import type { Applied } from '../../../../src/server/routes/plan-schemas.ts';

export function ApplyPanel({
  matrix,
  size,
  risk,
  pkg,
  onClose,
}: {
  matrix: string;
  size: string;
  risk: string;
  pkg: string;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [start, setStart] = useState(new Date().toISOString().slice(0, 10));
  const [name, setName] = useState('');
  const [counted, setCounted] = useState<Applied>();
  const [applied, setApplied] = useState<Applied>();
  const [error, setError] = useState<string>();
  const call = async (dryRun: boolean) => {
    setError(undefined);
    try {
      const r = await post<Applied>(`/api/plan/treatments/${size}/${risk}/apply`, {
        matrix,
        start,
        name: name.trim() || undefined,
        dryRun,
      });
      if (dryRun) setCounted(r);
      else setApplied(r);
    } catch (e) {
      setError((e as Error).message);
      setCounted(undefined);
    }
  };
  return (
    <div className="card" style={{ marginTop: 16 }} data-testid="apply-panel">
      <h3>{t('treat.applyTitle', { size: t(`size.${size}`), risk: t(`level.${risk}`), pkg })}</h3>
      <div className="form-grid">
        <label>
          {t('treat.start')}
          <input
            type="date"
            value={start}
            onChange={(e) => {
              setStart(e.target.value);
              setCounted(undefined);
            }}
            required
          />
        </label>
        <label>
          {t('treat.applyName')}
          <input
            value={name}
            placeholder={t('treat.applyNameDefault')}
            onChange={(e) => {
              setName(e.target.value);
              setCounted(undefined);
            }}
          />
        </label>
        <div className="row">
          <button type="button" className="secondary" onClick={() => void call(true)} data-testid="apply-count">
            {t('treat.count')}
          </button>
          <button
            type="button"
            disabled={!counted || !!applied}
            onClick={() => void call(false)}
            data-testid="apply-do"
          >
            {t('treat.apply')}
          </button>
          <button type="button" className="link" onClick={onClose}>
            {t('app.cancel')}
          </button>
        </div>
      </div>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {counted && !applied && (
        <p data-testid="apply-counted">
          {t('treat.counted', {
            n: fmtInt(counted.operatorsInSegment),
            recorded: fmtInt(counted.recorded),
            already: fmtInt(counted.alreadyRecorded),
            name: counted.treatment,
          })}
        </p>
      )}
      {applied && (
        <div className="ok" role="status" data-testid="apply-done">
          {t('treat.applied', { n: fmtInt(applied.recorded), name: applied.treatment, start: applied.startDate })}
        </div>
      )}
    </div>
  );
}
