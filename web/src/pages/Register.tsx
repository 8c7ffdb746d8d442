// Vulnerability register (Table 7, Annex 2): priority matrix, the list, an editor for one entry, retiring one;
// while the committee requires approval of register changes, both are made as proposals.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, put } from '../api.ts';
import { Figure } from '../charts/Figure.tsx';
import { gridPeriods, levelRule, registerMatrix } from './register/matrix.ts';
import { useEditorFocus } from '../components/useEditorFocus.ts';
import { labelOf, lbl, type Scales } from '../components/labels.ts';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtInt } from '../format.ts';
import { can, useMe } from '../session.tsx';
import type { Settings } from '../../../src/server/routes/governance-schemas.ts';
import type { VulnerabilityView as Vuln } from '../../../src/server/routes/plan-schemas.ts';

type Draft = Pick<
  Vuln,
  'processCode' | 'description' | 'institutionalRisk' | 'complianceRisks' | 'effects' | 'occurrence'
> & { id?: string };

export function RegisterPage() {
  const { t } = useTranslation();
  const me = useMe();
  const scales = useApi(() => get<Scales>('/api/plan/scales'), []);
  const list = useApi(() => get<Vuln[]>('/api/plan/register'), []);
  const settings = useApi(() => get<Settings>('/api/governance/settings'), []);
  const gated = settings.data?.['approval.register'] === true;
  const [draft, setDraft] = useState<Draft | null>(null);
  const [retiring, setRetiring] = useState<Vuln | null>(null);
  const [summary, setSummary] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<string>();
  const [err, setErr] = useState<string>();
  const proposed = (id: string) => setNote(t('reg.proposed', { id }));
  const s = scales.data;
  const bandColour = (level: string | null) => s?.priority_bands.bands.find((b) => b.code === level)?.colour ?? '#999';
  const matrix = useMemo(() => (list.data && s ? registerMatrix(list.data, s, t) : null), [list.data, s, t]);
  const save = async () => {
    if (!draft) return;
    setErr(undefined);
    try {
      const { id, ...body } = draft;
      if (gated)
        proposed(
          (
            await post<{ id: string }>('/api/governance/proposals', {
              kind: 'register',
              summary,
              payload: { vulnerability: draft },
            })
          ).id,
        );
      else if (id) await put(`/api/plan/register/${encodeURIComponent(id)}`, body);
      else await post('/api/plan/register', body);
      setDraft(null);
      setSummary('');
      list.reload();
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  const retire = async () => {
    if (!retiring) return;
    setErr(undefined);
    try {
      if (gated)
        proposed(
          (
            await post<{ id: string }>('/api/governance/proposals', {
              kind: 'register',
              summary: t('reg.retireSummary', { id: retiring.id, reason }),
              payload: { retire: { id: retiring.id, reason } },
            })
          ).id,
        );
      else await post(`/api/plan/register/${encodeURIComponent(retiring.id)}/retire`, { reason });
      setRetiring(null);
      setReason('');
      list.reload();
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  const blank = (): Draft => ({
    processCode: '',
    description: '',
    institutionalRisk: s?.institutional_risks[0].code ?? '',
    complianceRisks: [],
    effects: Object.fromEntries((s?.objectives ?? []).map((o) => [o.code, s!.effect_scale[0].code])),
    occurrence: [],
  });
  return (
    <section>
      <h1>{t('reg.title')}</h1>
      <ErrorBox error={list.error ?? scales.error ?? err} />
      {note && (
        <div className="ok" role="status">
          {note}
        </div>
      )}
      {gated && <p className="small">{t('reg.gatedNote')}</p>}
      <Loading show={list.loading && !list.data} />
      {list.data && s && (
        <>
          <div className="grid2">
            <div className="card">
              {matrix && (
                <Figure
                  title={t('reg.matrix')}
                  built={matrix}
                  height={300}
                  testId="priority-matrix"
                  caption={t('reg.matrixCaption', { periods: gridPeriods(list.data) })}
                />
              )}
            </div>
            <div className="card">
              <h3>{t('reg.bands')}</h3>
              <ul className="small">
                {s.priority_bands.bands.map((b) => (
                  <li key={b.code}>
                    <span className="swatch" style={{ background: b.colour }} /> {lbl(b.labels)} ≥ {b.min}
                    {s.priority_bands.basis === 'share_of_max' ? ` × ${t('reg.max')}` : ''}
                  </li>
                ))}
              </ul>
              <p className="muted small">{t('reg.formula')}</p>
              {can(me, 'plan.write') && (
                <button type="button" onClick={() => setDraft(blank())}>
                  {t('reg.add')}
                </button>
              )}
            </div>
          </div>
          <div className="scroll-x" style={{ marginTop: 16 }}>
            <table data-testid="register">
              <thead>
                <tr>
                  <th>{t('reg.id')}</th>
                  <th>{t('reg.process')}</th>
                  <th>{t('reg.description')}</th>
                  <th>{t('reg.institutional')}</th>
                  <th>{t('reg.compliance')}</th>
                  {s.objectives.map((o) => (
                    <th key={o.code} className="small">
                      {lbl(o.labels)}
                    </th>
                  ))}
                  <th className="num">{t('reg.expected')}</th>
                  <th className="num">{t('reg.probability')}</th>
                  <th className="num">{t('reg.priority')}</th>
                  <th>{t('reg.level')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {list.data.map((v) => (
                  <tr key={v.id}>
                    <td>{v.id}</td>
                    <td>{v.processCode}</td>
                    <td>{v.description}</td>
                    <td>{labelOf(s.institutional_risks, v.institutionalRisk)}</td>
                    <td className="small">{v.complianceRisks.map((c) => labelOf(s.compliance_risks, c)).join(', ')}</td>
                    {s.objectives.map((o) => (
                      <td
                        key={o.code}
                        style={{ background: s.effect_scale.find((e) => e.code === v.effects[o.code])?.colour }}
                      >
                        {labelOf(s.effect_scale, v.effects[o.code])}
                      </td>
                    ))}
                    <td className="num">{fmtInt(v.score.expectedEffect)}</td>
                    <td className="num">
                      {fmtInt(v.score.probability)}/{fmtInt(v.score.periods)}
                    </td>
                    <td className="num">
                      <b>{fmtInt(v.score.priority)}</b>
                    </td>
                    <td>
                      <span className="band" style={{ background: bandColour(v.score.priorityLevel) }}>
                        {labelOf(s.priority_bands.bands, v.score.priorityLevel ?? '')}
                      </span>
                      <div className="muted small rule" data-testid={`rule-${v.id}`}>
                        {levelRule(v, s, t)}
                      </div>
                    </td>
                    <td>
                      {can(me, 'plan.write') && (
                        <button
                          type="button"
                          className="link"
                          onClick={() =>
                            setDraft({
                              id: v.id,
                              processCode: v.processCode,
                              description: v.description,
                              institutionalRisk: v.institutionalRisk,
                              complianceRisks: v.complianceRisks,
                              effects: { ...v.effects },
                              occurrence: v.occurrence.map((o) => [...o] as [string, 'Y' | 'N']),
                            })
                          }
                        >
                          {t('app.edit')}
                        </button>
                      )}{' '}
                      {can(me, 'plan.write') && (
                        <button
                          type="button"
                          className="link"
                          onClick={() => {
                            setDraft(null);
                            setRetiring(v);
                          }}
                          data-testid={`retire-${v.id}`}
                        >
                          {t('reg.retire')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
                {list.data.length === 0 && (
                  <tr>
                    <td colSpan={10 + s.objectives.length} className="empty">
                      {t('reg.empty')}
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          {draft && <Editor draft={draft} setDraft={setDraft} scales={s} onSave={() => void save()} />}
          {draft && gated && (
            <label>
              {t('reg.summary')}
              <input value={summary} onChange={(e) => setSummary(e.target.value)} data-testid="reg-summary" />
            </label>
          )}
          {retiring && (
            <RetirePanel
              v={retiring}
              gated={gated}
              reason={reason}
              setReason={setReason}
              onRetire={() => void retire()}
              onCancel={() => setRetiring(null)}
            />
          )}
        </>
      )}
    </section>
  );
}

function Editor({
  draft,
  setDraft,
  scales: s,
  onSave,
}: {
  draft: Draft;
  setDraft: (d: Draft | null) => void;
  scales: Scales;
  onSave: () => void;
}) {
  const { t } = useTranslation();
  const [period, setPeriod] = useState('');
  const heading = useEditorFocus<HTMLHeadingElement>();
  return (
    <div className="card form-grid" style={{ marginTop: 16 }} data-testid="register-editor">
      <h3 style={{ gridColumn: '1 / -1' }} ref={heading} tabIndex={-1}>
        {draft.id ? t('reg.editing', { id: draft.id }) : t('reg.add')}
      </h3>
      <label>
        {t('reg.process')}
        <input
          value={draft.processCode}
          onChange={(e) => setDraft({ ...draft, processCode: e.target.value })}
          placeholder="1.1.1"
        />
      </label>
      <label>
        {t('reg.institutional')}
        <select
          value={draft.institutionalRisk}
          onChange={(e) => setDraft({ ...draft, institutionalRisk: e.target.value })}
        >
          {s.institutional_risks.map((r) => (
            <option key={r.code} value={r.code}>
              {lbl(r.labels)}
            </option>
          ))}
        </select>
      </label>
      <label style={{ gridColumn: '1 / -1' }}>
        {t('reg.description')}
        <textarea
          rows={2}
          value={draft.description}
          onChange={(e) => setDraft({ ...draft, description: e.target.value })}
          data-testid="reg-description"
        />
      </label>
      <div style={{ gridColumn: '1 / -1' }}>
        {t('reg.compliance')}
        <div className="checks">
          {s.compliance_risks.map((c) => (
            <label key={c.code}>
              <input
                type="checkbox"
                checked={draft.complianceRisks.includes(c.code)}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    complianceRisks: e.target.checked
                      ? [...draft.complianceRisks, c.code]
                      : draft.complianceRisks.filter((x) => x !== c.code),
                  })
                }
              />
              {lbl(c.labels)}
            </label>
          ))}
        </div>
      </div>
      {s.objectives.map((o) => (
        <label key={o.code}>
          {lbl(o.labels)}
          <select
            value={draft.effects[o.code] ?? ''}
            onChange={(e) => setDraft({ ...draft, effects: { ...draft.effects, [o.code]: e.target.value } })}
            data-testid={`effect-${o.code}`}
          >
            {s.effect_scale.map((e) => (
              <option key={e.code} value={e.code}>
                {lbl(e.labels)} ({e.points})
              </option>
            ))}
          </select>
        </label>
      ))}
      <div style={{ gridColumn: '1 / -1' }}>
        {t('reg.occurrence')}
        <div className="checks">
          {draft.occurrence.map(([p, y], i) => (
            <label key={p}>
              <input
                type="checkbox"
                checked={y === 'Y'}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    occurrence: draft.occurrence.map((o, j) => (j === i ? [p, e.target.checked ? 'Y' : 'N'] : o)),
                  })
                }
              />
              {p}
            </label>
          ))}
          <input
            style={{ width: 90 }}
            value={period}
            placeholder="2024"
            onChange={(e) => setPeriod(e.target.value)}
            aria-label={t('reg.period')}
          />
          <button
            type="button"
            className="link"
            disabled={!period.trim()}
            onClick={() => {
              setDraft({
                ...draft,
                occurrence: [...draft.occurrence.filter(([p]) => p !== period.trim()), [period.trim(), 'Y']],
              });
              setPeriod('');
            }}
          >
            {t('reg.addPeriod')}
          </button>
        </div>
      </div>
      <div>
        <button type="button" onClick={onSave} data-testid="reg-save">
          {t('app.save')}
        </button>{' '}
        <button type="button" className="link" onClick={() => setDraft(null)}>
          {t('app.cancel')}
        </button>
      </div>
    </div>
  );
}

function RetirePanel({
  v,
  gated,
  reason,
  setReason,
  onRetire,
  onCancel,
}: {
  v: Vuln;
  gated: boolean;
  reason: string;
  setReason: (r: string) => void;
  onRetire: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const heading = useEditorFocus<HTMLHeadingElement>();
  return (
    <div className="card" style={{ marginTop: 16 }} data-testid="register-retire">
      <h3 ref={heading} tabIndex={-1}>
        {t('reg.retireTitle', { id: v.id, process: v.processCode })}
      </h3>
      <p className="muted small">{t('reg.retireHelp')}</p>
      <label>
        {t('reg.reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>{' '}
      <button type="button" disabled={!reason.trim()} onClick={onRetire}>
        {gated ? t('reg.proposeRetire') : t('reg.retire')}
      </button>{' '}
      <button type="button" className="link" onClick={onCancel}>
        {t('app.cancel')}
      </button>
    </div>
  );
}
