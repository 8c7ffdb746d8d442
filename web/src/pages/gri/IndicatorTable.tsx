// The draft's weighting technique and indicators: on/off, threshold (the catalogue's default or an override),
// expert weight per indicator, and the weight each would get (previewed). Switching technique changes the
// technique only: indicators stay as they are.
import { useTranslation } from 'react-i18next';
import type { GriDraft } from '../../../../src/server/routes/gri-draft.ts';
import type { GriWorkbench } from '../../../../src/server/routes/segmentation.ts';
import { fmtInt, fmtNum } from '../../format.ts';
import i18n from '../../i18n.ts';

export type Config = GriDraft['config'];
type Threshold = GriDraft['catalogue'][number]['threshold'];
type Indicator = NonNullable<Config['indicators']>[number];

const THRESHOLD_TYPES = ['absolute', 'percentile', 'meanSd', 'zscore'] as const;

/** A threshold of a given type with the catalogue's value when it is of that type, else a neutral value. */
function thresholdOfType(type: string, base: Threshold): Threshold {
  if (base.type === type) return base;
  if (type === 'absolute') return { type: 'absolute', value: 0.5 };
  if (type === 'percentile') return { type: 'percentile', p: 0.9 };
  if (type === 'meanSd') return { type: 'meanSd', k: 2 };
  return { type: 'zscore', z: 2, within: 'sector' };
}

export function IndicatorTable({
  draft,
  config,
  run,
  weights,
  editable,
  onChange,
}: {
  draft: GriDraft;
  config: Config;
  run: GriWorkbench['run'];
  /** weights of the draft (preview), else of the last run */
  weights: { code: string; weight: number }[];
  editable: boolean;
  onChange: (c: Config) => void;
}) {
  const { t } = useTranslation();
  const method = config.weights.method;
  const inds = config.indicators ?? [];
  const ind = (code: string): Indicator => inds.find((i) => i.code === code) ?? { code, enabled: true };
  const setInd = (code: string, patch: Partial<Indicator>) =>
    onChange({
      ...config,
      indicators: draft.catalogue.map((c) => (c.code === code ? { ...ind(c.code), ...patch } : ind(c.code))),
    });
  const setMethod = (m: Config['weights']['method']) => {
    // Expert weights start from the weights in force, so choosing "expert" is never an empty weighting.
    const expert = { ...config.weights.expert };
    if (m === 'expert' && Object.values(expert).every((w) => !w))
      for (const w of run?.scoring.weights ?? []) expert[w.code] = Number(w.weight.toFixed(3));
    onChange({ ...config, weights: { ...config.weights, method: m, expert } });
  };
  const setExpert = (code: string, v: number) =>
    onChange({ ...config, weights: { ...config.weights, expert: { ...config.weights.expert, [code]: v } } });
  const runInd = (code: string) => run?.indicators.find((i) => i.code === code);
  const weightOf = (code: string) => weights.find((w) => w.code === code)?.weight;
  const rows = [
    ...draft.catalogue.map((c) => ({ code: c.code, name: c.names[i18n.language] ?? c.names.en, builtin: c })),
    ...config.custom.map((c) => ({ code: c.code, name: c.name, builtin: undefined })),
  ];
  return (
    <>
      <label className="inline">
        {t('gri.method')}{' '}
        <select
          value={method}
          disabled={!editable}
          onChange={(e) => setMethod(e.target.value as Config['weights']['method'])}
          data-testid="weight-method"
        >
          {draft.weightMethods.map((m) => (
            <option key={m} value={m}>
              {t(`gri.methods.${m}`)}
            </option>
          ))}
        </select>
      </label>
      {method === 'frequency' && (
        <label className="inline">
          {t('gri.tolerance')}{' '}
          <input
            type="number"
            min="0"
            max="1"
            step="0.01"
            style={{ width: 70 }}
            value={config.weights.tolerance}
            disabled={!editable}
            onChange={(e) => onChange({ ...config, weights: { ...config.weights, tolerance: Number(e.target.value) } })}
          />
        </label>
      )}
      <p className="muted small">{t(`gri.methodHelp.${method}`)}</p>
      {run?.notes.map((n) => (
        <p key={n.key} className="small" data-testid="run-note">
          {n.text}
        </p>
      ))}
      <table className="compact" data-testid="indicators">
        <thead>
          <tr>
            <th>{t('gri.on')}</th>
            <th>{t('gri.indicator')}</th>
            <th>{t('gri.threshold')}</th>
            <th className="num">{t('gri.flagged')}</th>
            {method === 'expert' && <th className="num">{t('gri.expert')}</th>}
            <th className="num">{t('gri.weight')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ code, name, builtin }) => {
            const ri = runInd(code);
            const custom = config.custom.find((c) => c.code === code);
            const enabled = builtin ? ind(code).enabled : (custom?.enabled ?? true);
            const th = builtin ? ind(code).threshold : undefined;
            return (
              <tr key={code} data-code={code}>
                <td>
                  <input
                    type="checkbox"
                    checked={enabled}
                    disabled={!editable}
                    onChange={(e) =>
                      builtin
                        ? setInd(code, { enabled: e.target.checked })
                        : onChange({
                            ...config,
                            custom: config.custom.map((c) =>
                              c.code === code ? { ...c, enabled: e.target.checked } : c,
                            ),
                          })
                    }
                    aria-label={code}
                  />
                </td>
                <td>
                  <b>{code}</b> <span className="small">{name}</span>
                  {ri && !ri.available && (
                    <div className="muted small">{t('op.unavailable', { what: ri.missing.join(', ') })}</div>
                  )}
                </td>
                <td className="small">
                  {builtin ? (
                    <ThresholdEditor
                      code={code}
                      value={th}
                      base={builtin.threshold}
                      editable={editable}
                      onChange={(v) => setInd(code, { threshold: v })}
                    />
                  ) : (
                    t('gri.inExpression')
                  )}
                </td>
                <td className="num">{ri?.flagged !== null && ri?.flagged !== undefined ? fmtInt(ri.flagged) : ''}</td>
                {method === 'expert' && (
                  <td className="num">
                    <input
                      type="number"
                      min="0"
                      step="0.1"
                      style={{ width: 70 }}
                      aria-label={t('gri.expertFor', { code })}
                      value={config.weights.expert[code] ?? 0}
                      disabled={!editable}
                      onChange={(e) => setExpert(code, Math.max(0, Number(e.target.value)))}
                    />
                  </td>
                )}
                <td className="num">{weightOf(code) !== undefined ? fmtNum(weightOf(code)!, 3) : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

function ThresholdEditor({
  code,
  value,
  base,
  editable,
  onChange,
}: {
  code: string;
  value: Threshold | undefined;
  base: Threshold;
  editable: boolean;
  onChange: (v: Threshold | undefined) => void;
}) {
  const { t } = useTranslation();
  const th = value ?? base;
  const num = (label: string, v: number, set: (x: number) => void, step = '0.01') => (
    <input
      type="number"
      step={step}
      style={{ width: 70 }}
      aria-label={t('gri.thresholdValue', { code, what: label })}
      value={v}
      disabled={!editable || !value}
      onChange={(e) => set(Number(e.target.value))}
    />
  );
  return (
    <span className="row" style={{ gap: 4, alignItems: 'center' }}>
      <select
        aria-label={t('gri.thresholdFor', { code })}
        value={value ? value.type : ''}
        disabled={!editable}
        onChange={(e) => onChange(e.target.value ? thresholdOfType(e.target.value, base) : undefined)}
      >
        <option value="">{t('gri.thresholdDefault', { what: t(`gri.thresholdTypes.${base.type}`) })}</option>
        {THRESHOLD_TYPES.map((k) => (
          <option key={k} value={k}>
            {t(`gri.thresholdTypes.${k}`)}
          </option>
        ))}
      </select>
      {th.type === 'absolute' && num('value', th.value, (x) => onChange({ ...th, value: x }))}
      {th.type === 'percentile' && num('p', th.p, (x) => onChange({ ...th, p: Math.min(1, Math.max(0, x)) }))}
      {th.type === 'meanSd' && num('k', th.k, (x) => onChange({ ...th, k: x }), '0.1')}
      {th.type === 'zscore' && (
        <>
          {num('z', th.z, (x) => onChange({ ...th, z: x }), '0.1')}
          <select
            aria-label={t('gri.thresholdWithin', { code })}
            value={th.within}
            disabled={!editable || !value}
            onChange={(e) => onChange({ ...th, within: e.target.value as 'sector' | 'chapter' })}
          >
            <option value="sector">{t('gri.within.sector')}</option>
            <option value="chapter">{t('gri.within.chapter')}</option>
          </select>
        </>
      )}
    </span>
  );
}
