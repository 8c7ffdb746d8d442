// Treatment matrix (Table 6): a package per size × risk cell, edited by plan editors — or proposed to the
// committee while it requires approval — and applied to the operators of a segment.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, put } from '../api.ts';
import type { Settings } from '../../../src/server/routes/governance-schemas.ts';
import type { TreatmentCell as Cell, TreatmentMatrix as Matrix } from '../../../src/server/routes/plan-schemas.ts';
import { ApplyPanel } from './treatments/ApplyPanel.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { EditorPanel } from '../components/EditorPanel.tsx';
import { useApi } from '../components/useApi.ts';
import { can, useMe } from '../session.tsx';

const SIZES = ['large', 'medium', 'small'];
const RISKS = ['high', 'medium', 'low'];

export function TreatmentsPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { data, error, loading, reload } = useApi(
    () => get<Matrix>('/api/plan/treatments', { lang: i18n.language }),
    [i18n.language],
  );
  const settings = useApi(() => get<Settings>('/api/governance/settings'), []);
  const gated = settings.data?.['approval.treatment'] === true;
  const [edit, setEdit] = useState<Cell | null>(null);
  const [apply, setApply] = useState<Cell | null>(null);
  const [summary, setSummary] = useState('');
  const [err, setErr] = useState<string>();
  const [note, setNote] = useState<string>();
  const save = async () => {
    if (!edit) return;
    setErr(undefined);
    const patch = {
      package: edit.package,
      intervention: edit.intervention,
      what: edit.what.filter((w) => w.trim()),
      how: edit.how,
      when: edit.when,
      responsibleUnit: edit.responsibleUnit,
      monitoringUnit: edit.monitoringUnit,
    };
    try {
      if (gated) {
        const p = await post<{ id: string }>('/api/governance/proposals', {
          kind: 'treatment',
          summary,
          payload: { matrix: data!.matrix, size: edit.size, risk: edit.risk, patch },
        });
        setNote(t('treat.proposed', { id: p.id }));
      } else await put(`/api/plan/treatments/${edit.size}/${edit.risk}`, { matrix: data!.matrix, ...patch });
      setEdit(null);
      setSummary('');
      reload();
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  return (
    <section>
      <h1>{t('treat.title')}</h1>
      <ErrorBox error={error ?? err} />
      {note && (
        <div className="ok" role="status">
          {note}
        </div>
      )}
      {gated && <p className="small">{t('treat.gatedNote')}</p>}
      <Loading show={loading && !data} />
      {data && (
        <table className="matrix" data-testid="treatments">
          <thead>
            <tr>
              <th>
                {t('seg.size')} \ {t('seg.level')}
              </th>
              {RISKS.map((r) => (
                <th key={r} className={`level-${r}`}>
                  {t(`level.${r}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {SIZES.map((s) => (
              <tr key={s}>
                <th>
                  {t(`size.${s}`)}
                  <div className="muted small">
                    {t(`treat.interventions.${data.cells.find((c) => c.size === s)?.intervention ?? 'one_to_one'}`)}
                  </div>
                </th>
                {RISKS.map((r) => {
                  const c = data.cells.find((x) => x.size === s && x.risk === r)!;
                  return (
                    <td key={r} className="cell">
                      <b>{c.package}</b>
                      <ul>
                        {c.what.map((w, i) => (
                          <li key={i}>{w}</li>
                        ))}
                      </ul>
                      {(c.responsibleUnit || c.when) && (
                        <div className="muted small">{[c.responsibleUnit, c.when].filter(Boolean).join(' · ')}</div>
                      )}
                      {c.version > 0 && (
                        <div className="muted small">
                          v{c.version} · {c.changedBy}
                        </div>
                      )}
                      {c.needsTranslation && (
                        <div className="small level-medium" data-testid="needs-translation">
                          {t('treat.needsTranslation', { lang: t(`languages.${c.language}`) })}
                        </div>
                      )}
                      {can(me, 'plan.write') && (
                        <>
                          <button
                            type="button"
                            className="link"
                            onClick={() => {
                              setApply(null);
                              setEdit({ ...c });
                            }}
                          >
                            {gated ? t('treat.proposeChange') : t('app.edit')}
                          </button>{' '}
                          <button
                            type="button"
                            className="link"
                            onClick={() => {
                              setEdit(null);
                              setApply({ ...c });
                            }}
                            data-testid={`apply-${s}-${r}`}
                          >
                            {t('treat.applyLink')}
                          </button>
                        </>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {edit && (
        <EditorPanel title={`${t(`size.${edit.size}`)} × ${t(`level.${edit.risk}`)}`} testId="treatment-editor">
          <label>
            {t('treat.package')}
            <input value={edit.package} onChange={(e) => setEdit({ ...edit, package: e.target.value })} />
          </label>
          <label>
            {t('treat.intervention')}
            <select value={edit.intervention} onChange={(e) => setEdit({ ...edit, intervention: e.target.value })}>
              {data!.interventions.map((i) => (
                <option key={i} value={i}>
                  {t(`treat.interventions.${i}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('treat.when')}
            <input value={edit.when ?? ''} onChange={(e) => setEdit({ ...edit, when: e.target.value || null })} />
          </label>
          <label>
            {t('treat.responsible')}
            <input
              value={edit.responsibleUnit ?? ''}
              onChange={(e) => setEdit({ ...edit, responsibleUnit: e.target.value || null })}
            />
          </label>
          <label>
            {t('treat.monitoring')}
            <input
              value={edit.monitoringUnit ?? ''}
              onChange={(e) => setEdit({ ...edit, monitoringUnit: e.target.value || null })}
            />
          </label>
          <label style={{ gridColumn: '1 / -1' }}>
            {t('treat.what')}
            <textarea
              rows={4}
              value={edit.what.join('\n')}
              onChange={(e) => setEdit({ ...edit, what: e.target.value.split('\n') })}
            />
          </label>
          <label style={{ gridColumn: '1 / -1' }}>
            {t('treat.how')}
            <textarea
              rows={2}
              value={edit.how ?? ''}
              onChange={(e) => setEdit({ ...edit, how: e.target.value || null })}
            />
          </label>
          {gated && (
            <label style={{ gridColumn: '1 / -1' }}>
              {t('treat.summary')}
              <input value={summary} onChange={(e) => setSummary(e.target.value)} required />
            </label>
          )}
          <div>
            <button type="button" disabled={gated && !summary.trim()} onClick={() => void save()}>
              {gated ? t('treat.propose') : t('app.save')}
            </button>{' '}
            <button type="button" className="link" onClick={() => setEdit(null)}>
              {t('app.cancel')}
            </button>
          </div>
        </EditorPanel>
      )}
      {apply && data && (
        <ApplyPanel
          key={`${apply.size}/${apply.risk}`}
          matrix={data.matrix}
          size={apply.size}
          risk={apply.risk}
          pkg={apply.package}
          onClose={() => setApply(null)}
        />
      )}
    </section>
  );
}
