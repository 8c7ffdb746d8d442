// Downloads: plan workbook and document (written by jobs of the server), selectivity list and post-clearance-audit plan.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { withQuery } from '../api.ts';
import { JobDownload } from '../components/JobDownload.tsx';
import { can, useMe } from '../session.tsx';

export function ExportsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [pseudo, setPseudo] = useState(!can(me, 'taxpayer.read'));
  const [capacity, setCapacity] = useState(100);
  const [minLevel, setMinLevel] = useState('medium');
  return (
    <section>
      <h1>{t('exp.title')}</h1>
      {can(me, 'exports.read') && (
        <div className="card">
          <h3>{t('exp.plan')}</h3>
          <p className="muted small">{t('exp.planHelp')}</p>
          <label className="inline">
            <input
              type="checkbox"
              checked={pseudo}
              disabled={!can(me, 'taxpayer.read')}
              onChange={(e) => setPseudo(e.target.checked)}
            />{' '}
            {t('exp.pseudonymise')}
          </label>
          <div className="row" style={{ marginTop: 8 }}>
            <JobDownload
              request={{ kind: 'plan-export', params: { format: 'xlsx', pseudonymise: pseudo } }}
              testId="export-xlsx"
            >
              {t('exp.xlsx')}
            </JobDownload>
            <JobDownload
              request={{ kind: 'plan-export', params: { format: 'docx', pseudonymise: pseudo } }}
              testId="export-docx"
            >
              {t('exp.docx')}
            </JobDownload>
          </div>
        </div>
      )}
      {can(me, 'taxpayer.read') && (
        <div className="card" style={{ marginTop: 16 }}>
          <h3>{t('exp.lists')}</h3>
          <p className="muted small">
            {t('exp.listsHelp')}
            {me.offices ? ' ' + t('seg.scoped', { offices: me.offices.join(', ') }) : ''}
          </p>
          <div className="row">
            <label>
              {t('exp.minLevel')}
              <select value={minLevel} onChange={(e) => setMinLevel(e.target.value)}>
                {['low', 'medium', 'high'].map((l) => (
                  <option key={l} value={l}>
                    {t(`level.${l}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('exp.capacity')}
              <input type="number" min={1} value={capacity} onChange={(e) => setCapacity(Number(e.target.value))} />
            </label>
          </div>
          <div className="row" style={{ marginTop: 8 }}>
            <a
              className="button"
              href={withQuery('/api/exports/selectivity.csv', { min_level: minLevel })}
              download
              data-testid="export-selectivity"
            >
              {t('exp.selectivity')}
            </a>
            <a
              className="button"
              href={withQuery('/api/exports/pca.csv', { capacity, min_level: minLevel })}
              download
              data-testid="export-pca"
            >
              {t('exp.pca')}
            </a>
          </div>
        </div>
      )}
    </section>
  );
}
