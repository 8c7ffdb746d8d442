// GRI workbench: indicators on/off, weights by technique, the histogram with draggable bars, re-scored at once.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, put } from '../api.ts';
import { Chart, type ChartInstance } from '../components/Chart.tsx';
import { RiskPicker, useRisk } from '../components/RiskPicker.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDateTime, fmtInt, fmtNum } from '../format.ts';
import i18n from '../i18n.ts';
import { can, useMe } from '../session.tsx';
import type { Message } from '../../../src/i18n/messages.ts';

interface Bars {
  medium: number;
  high: number;
}
interface Workbench {
  risk: string;
  configId: string;
  version: number;
  createdBy: string | null;
  createdAt: string | null;
  config: {
    weights: { method: string; expert: Record<string, number>; tolerance: number };
    levels: { method: string; manual: Bars; quantile: Bars; meanSd: Bars };
    indicators?: { code: string; enabled: boolean }[];
    custom: { code: string; name: string; enabled: boolean }[];
  };
  catalogue: { code: string; family: string; names: Record<string, string> }[];
  run: null | {
    configId: string;
    computedAt: string;
    lines: number;
    operators: number;
    notes: Message[];
    indicators: {
      code: string;
      family: string;
      names: Record<string, string>;
      available: boolean;
      missing: string[];
      flagged: number | null;
    }[];
    scoring: {
      method: string;
      weights: { code: string; weight: number }[];
      bars: Bars;
      levels: Record<string, number>;
      histogram: { bins: { from: number; to: number; operators: number }[]; bars: Bars; mean: number; sd: number };
    };
  };
}

const METHODS = ['auto', 'equal', 'expert', 'frequency', 'learned'] as const;
const LEVEL_METHODS = ['manual', 'quantile', 'meanSd'] as const;

export function GriPage() {
  const { t } = useTranslation();
  const me = useMe();
  const risk = useRisk();
  const editable = can(me, 'gri.write');
  const loaded = useApi(() => get<Workbench>('/api/gri', { risk }), [risk]);
  const [wb, setWb] = useState<Workbench>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [enabled, setEnabled] = useState<Record<string, boolean>>({});
  const [expert, setExpert] = useState<Record<string, number>>({});
  const [bars, setBars] = useState<Bars>({ medium: 0, high: 0 });
  useEffect(() => {
    if (loaded.data) setWb(loaded.data);
  }, [loaded.data]);
  useEffect(() => {
    if (!wb) return;
    const on = Object.fromEntries(
      wb.catalogue.map((c) => [
        c.code,
        wb.config.indicators ? (wb.config.indicators.find((i) => i.code === c.code)?.enabled ?? false) : true,
      ]),
    );
    setEnabled(on);
    setExpert(wb.config.weights.expert);
    setBars(wb.run?.scoring.bars ?? wb.config.levels.manual);
  }, [wb]);

  const act = async (fn: () => Promise<Workbench>) => {
    setBusy(true);
    setError(undefined);
    try {
      setWb(await fn());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const rescore = (patch: Record<string, unknown>) => act(() => put<Workbench>('/api/gri/rescore', { risk, ...patch }));
  const compute = () =>
    act(() =>
      post<Workbench>('/api/gri/compute', {
        risk,
        config: { indicators: wb!.catalogue.map((c) => ({ code: c.code, enabled: enabled[c.code] ?? true })) },
      }),
    );
  const setManualBars = (b: Bars) =>
    rescore({ levels: { method: 'manual', manual: { medium: round(b.medium), high: round(b.high) } } });

  if (!wb)
    return (
      <section>
        <h1>{t('gri.title')}</h1>
        <ErrorBox error={loaded.error} />
        <Loading show={loaded.loading} />
      </section>
    );
  const run = wb.run;
  const weightOf = (code: string) => run?.scoring.weights.find((w) => w.code === code)?.weight;
  const runInd = (code: string) => run?.indicators.find((i) => i.code === code);
  const indicatorsChanged = run && wb.catalogue.some((c) => (enabled[c.code] ?? true) !== !!runInd(c.code));
  return (
    <section>
      <div className="row spread">
        <h1>{t('gri.title')}</h1>
        <RiskPicker />
      </div>
      <p className="muted small">
        {t('gri.config', { id: wb.configId })}
        {wb.createdBy ? ` · ${t('gri.savedBy', { who: wb.createdBy, at: fmtDateTime(wb.createdAt) })}` : ''}
        {run
          ? ` · ${t('gri.run', { operators: fmtInt(run.operators), lines: fmtInt(run.lines), at: fmtDateTime(run.computedAt) })}`
          : ''}
      </p>
      <ErrorBox error={error} />
      {!run && <p className="muted">{t('gri.noRun')}</p>}
      <div className="grid2">
        <div className="card">
          <h3>{t('gri.distribution')}</h3>
          {run && (
            <Histogram
              wb={wb}
              bars={bars}
              editable={editable}
              onDrop={(b) => {
                setBars(b);
                void setManualBars(b);
              }}
            />
          )}
          {run && (
            <div className="levels" data-testid="levels">
              {(['high', 'medium', 'low'] as const).map((l) => (
                <span key={l} className={`badge level-${l}`}>
                  {t(`level.${l}`)}: {fmtInt(run.scoring.levels[l] ?? 0)}
                </span>
              ))}
            </div>
          )}
          <h3>{t('gri.bars')}</h3>
          <div className="row">
            <label>
              {t('gri.levelMethod')}
              <select
                value={wb.config.levels.method}
                disabled={!editable || busy}
                onChange={(e) => void rescore({ levels: { method: e.target.value } })}
                data-testid="level-method"
              >
                {LEVEL_METHODS.map((m) => (
                  <option key={m} value={m}>
                    {t(`gri.levelMethods.${m}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('gri.mediumBar')}
              <input
                type="number"
                step="0.01"
                min="0"
                value={bars.medium}
                disabled={!editable}
                onChange={(e) => setBars({ ...bars, medium: Number(e.target.value) })}
                data-testid="bar-medium"
              />
            </label>
            <label>
              {t('gri.highBar')}
              <input
                type="number"
                step="0.01"
                min="0"
                value={bars.high}
                disabled={!editable}
                onChange={(e) => setBars({ ...bars, high: Number(e.target.value) })}
                data-testid="bar-high"
              />
            </label>
            {editable && (
              <button type="button" disabled={busy} onClick={() => void setManualBars(bars)} data-testid="apply-bars">
                {t('gri.applyBars')}
              </button>
            )}
          </div>
          {editable && <p className="muted small">{t('gri.dragHint')}</p>}
        </div>
        <div className="card">
          <h3>{t('gri.weights')}</h3>
          <label className="inline">
            {t('gri.method')}{' '}
            <select
              value={wb.config.weights.method}
              disabled={!editable || busy}
              onChange={(e) =>
                void (e.target.value === 'learned' || e.target.value === 'auto'
                  ? act(() =>
                      post<Workbench>('/api/gri/compute', { risk, config: { weights: { method: e.target.value } } }),
                    )
                  : rescore({ weights: { method: e.target.value } }))
              }
              data-testid="weight-method"
            >
              {METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`gri.methods.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <p className="muted small">{t(`gri.methodHelp.${wb.config.weights.method}`)}</p>
          {wb.run?.notes.map((n) => (
            <p key={n.key} className="small" data-testid="run-note">
              {n.text}
            </p>
          ))}
          <table className="compact" data-testid="indicators">
            <thead>
              <tr>
                <th>{t('gri.on')}</th>
                <th>{t('gri.indicator')}</th>
                <th className="num">{t('gri.flagged')}</th>
                <th className="num">{t('gri.weight')}</th>
                {wb.config.weights.method === 'expert' && <th className="num">{t('gri.expert')}</th>}
              </tr>
            </thead>
            <tbody>
              {wb.catalogue.map((c) => {
                const ri = runInd(c.code);
                return (
                  <tr key={c.code}>
                    <td>
                      <input
                        type="checkbox"
                        checked={enabled[c.code] ?? true}
                        disabled={!editable}
                        onChange={(e) => setEnabled({ ...enabled, [c.code]: e.target.checked })}
                        aria-label={c.code}
                      />
                    </td>
                    <td>
                      <b>{c.code}</b> <span className="small">{c.names[i18n.language] ?? c.names.en}</span>
                      {ri && !ri.available && (
                        <div className="muted small">{t('op.unavailable', { what: ri.missing.join(', ') })}</div>
                      )}
                    </td>
                    <td className="num">
                      {ri?.flagged !== null && ri?.flagged !== undefined ? fmtInt(ri.flagged) : ''}
                    </td>
                    <td className="num">{weightOf(c.code) !== undefined ? fmtNum(weightOf(c.code)!, 3) : ''}</td>
                    {wb.config.weights.method === 'expert' && (
                      <td className="num">
                        <input
                          type="number"
                          min="0"
                          step="0.1"
                          style={{ width: 70 }}
                          value={expert[c.code] ?? ''}
                          disabled={!editable}
                          onChange={(e) => setExpert({ ...expert, [c.code]: Number(e.target.value) })}
                        />
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {editable && (
            <div className="row" style={{ marginTop: 8 }}>
              {wb.config.weights.method === 'expert' && (
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => void rescore({ weights: { method: 'expert', expert } })}
                >
                  {t('gri.applyWeights')}
                </button>
              )}
              <button
                type="button"
                className={indicatorsChanged ? '' : 'secondary'}
                disabled={busy}
                onClick={() => void compute()}
                data-testid="recompute"
              >
                {t('gri.recompute')}
              </button>
              {busy && <span className="muted">{t('app.loading')}</span>}
            </div>
          )}
          {indicatorsChanged && <p className="muted small">{t('gri.recomputeHint')}</p>}
        </div>
      </div>
    </section>
  );
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Histogram of the GRI with two vertical handles (medium and high bars) dragged horizontally. */
function Histogram({
  wb,
  bars,
  editable,
  onDrop,
}: {
  wb: Workbench;
  bars: Bars;
  editable: boolean;
  onDrop: (b: Bars) => void;
}) {
  const { t } = useTranslation();
  const chartRef = useRef<ChartInstance | null>(null);
  const barsRef = useRef(bars);
  barsRef.current = bars;
  const bins = wb.run!.scoring.histogram.bins;
  const max = bins.length ? bins[bins.length - 1].to : 1;
  const option = useMemo(
    () => ({
      grid: { left: 50, right: 20, top: 20, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', min: 0, max, name: t('seg.gri'), nameLocation: 'middle', nameGap: 25 },
      yAxis: { type: 'value', name: t('seg.operatorsN') },
      series: [
        {
          type: 'bar',
          barWidth: '95%',
          data: bins.map((b) => ({
            value: [(b.from + b.to) / 2, b.operators],
            itemStyle: {
              color:
                (b.from + b.to) / 2 >= bars.high
                  ? '#c0392b'
                  : (b.from + b.to) / 2 >= bars.medium
                    ? '#e6a23c'
                    : '#3c9d5d',
            },
          })),
        },
      ],
    }),
    [bins, max, bars, t],
  );
  const placeHandles = (c: ChartInstance) => {
    chartRef.current = c;
    const grid = { top: 20, bottom: c.getHeight() - 40 };
    const handle = (key: 'medium' | 'high', color: string) => {
      const x = c.convertToPixel({ xAxisIndex: 0 }, Math.min(barsRef.current[key], max)) as number;
      return {
        type: 'group',
        id: `bar-${key}`,
        x,
        y: 0,
        draggable: editable ? 'horizontal' : false,
        cursor: editable ? 'ew-resize' : 'default',
        z: 100,
        children: [
          {
            type: 'line',
            shape: { x1: 0, y1: grid.top, x2: 0, y2: grid.bottom },
            style: { stroke: color, lineWidth: 3, lineDash: [6, 3] },
          },
          { type: 'rect', shape: { x: -7, y: grid.top - 2, width: 14, height: 14, r: 3 }, style: { fill: color } },
          { type: 'text', x: 8, y: grid.top, style: { text: t(`level.${key}`), fill: color, font: '12px sans-serif' } },
        ],
        ondragend: function (this: { x: number }) {
          const v = Math.max(0, c.convertFromPixel({ xAxisIndex: 0 }, this.x) as number);
          const next = { ...barsRef.current, [key]: round(v) };
          if (next.high < next.medium) next[key === 'high' ? 'medium' : 'high'] = next[key];
          onDrop(next);
        },
      };
    };
    c.setOption({ graphic: [handle('medium', '#b7791f'), handle('high', '#c0392b')] });
  };
  return <Chart option={option} height={280} onReady={placeHandles} testId="histogram" />;
}
