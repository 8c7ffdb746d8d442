// Size × risk: the heat map (Table 4), Tables 1/4/extended, and the drill-down to operators.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, type Query } from '../api.ts';
import { Chart } from '../components/Chart.tsx';
import { DataTable, type Page } from '../components/DataTable.tsx';
import { levelClass, RiskPicker, useRisk } from '../components/RiskPicker.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDate, fmtInt, fmtMoney, fmtNum } from '../format.ts';
import { navigate } from '../router.ts';
import { can, useMe } from '../session.tsx';

const SIZES = ['large', 'medium', 'small'] as const;
const LEVELS = ['low', 'medium', 'high'] as const;

interface T4Row {
  size: string;
  level: string | null;
  operators: number;
  pctOperators: number;
  value: number;
  pctValue: number;
  vat?: number;
  duty?: number;
  excise?: number;
  repeatOffenders?: number;
  withoutControl?: number;
}
interface Table4 {
  risk: string;
  configId: string;
  computedAt: string;
  rows: T4Row[];
}
interface Table1 {
  window: { start?: string; first?: string; end: string };
  basis: string;
  thresholds: { large: number; medium: number };
  rows: { size: string; operators: number; pctOperators: number; value: number; pctValue: number }[];
}
interface OpRow {
  operator_id: string;
  name: string | null;
  office: string | null;
  size_segment: string;
  risk_level: string;
  gri: number;
  total_value: number;
  lines: number;
}

export function SegmentationPage() {
  const { t } = useTranslation();
  const me = useMe();
  const risk = useRisk();
  const [tab, setTab] = useState<'t4' | 't1' | 'ext'>('t4');
  const [cell, setCell] = useState<{ size?: string; level?: string }>({});
  const t4 = useApi(() => get<Table4>('/api/segmentation/table4', { risk, extended: 'true' }), [risk]);
  const t1 = useApi(() => get<Table1>('/api/segmentation/table1', { risk }), [risk]);
  const heat = useMemo(() => heatOption(t4.data, t), [t4.data, t]);
  return (
    <section>
      <div className="row spread">
        <h1>{t('seg.title')}</h1>
        <RiskPicker />
      </div>
      <ErrorBox error={t4.error} />
      <Loading show={t4.loading && !t4.data} />
      {t4.data && (
        <>
          <p className="muted small">
            {t('seg.computed', { config: t4.data.configId, at: fmtDate(t4.data.computedAt) })}
            {t1.data
              ? ' · ' +
                t('seg.window', {
                  start: fmtDate(t1.data.window.first ?? t1.data.window.start),
                  end: fmtDate(t1.data.window.end),
                })
              : ''}
          </p>
          <div className="grid2">
            <div className="card">
              <h3>{t('seg.heatmap')}</h3>
              <Chart
                option={heat}
                height={300}
                testId="heatmap"
                onClick={(p) => {
                  const [x, y] = (p.value as number[]) ?? [];
                  if (x === undefined) return;
                  setCell({ level: LEVELS[x], size: SIZES[y] });
                }}
              />
              <p className="muted small">{t('seg.heatmapHint')}</p>
            </div>
            <div className="card">
              <div className="tabs">
                <button type="button" className={tab === 't4' ? 'active' : ''} onClick={() => setTab('t4')}>
                  {t('seg.table4')}
                </button>
                <button type="button" className={tab === 't1' ? 'active' : ''} onClick={() => setTab('t1')}>
                  {t('seg.table1')}
                </button>
                <button type="button" className={tab === 'ext' ? 'active' : ''} onClick={() => setTab('ext')}>
                  {t('seg.extended')}
                </button>
              </div>
              {tab === 't4' && <Table4View rows={t4.data.rows} extended={false} onPick={setCell} />}
              {tab === 'ext' && <Table4View rows={t4.data.rows} extended onPick={setCell} />}
              {tab === 't1' && t1.data && <Table1View data={t1.data} />}
            </div>
          </div>
          {can(me, 'taxpayer.read') ? (
            <>
              <h2>
                {t('seg.operators')}
                {cell.size || cell.level
                  ? ` — ${cell.size ? t(`size.${cell.size}`) : ''} ${cell.level ? '× ' + t(`level.${cell.level}`) : ''}`
                  : ''}
                {(cell.size || cell.level) && (
                  <button type="button" className="link" onClick={() => setCell({})}>
                    {t('seg.clear')}
                  </button>
                )}
              </h2>
              {me.offices && <p className="muted small">{t('seg.scoped', { offices: me.offices.join(', ') })}</p>}
              <DataTable<OpRow>
                testId="operators"
                deps={[risk, cell.size, cell.level]}
                initialSort={{ key: 'gri', dir: 'desc' }}
                filterPlaceholder={t('seg.filter')}
                fetch={(q: Query) =>
                  get<Page<OpRow>>('/api/segmentation/operators', { ...q, risk, size: cell.size, level: cell.level })
                }
                columns={[
                  {
                    key: 'operator_id',
                    label: t('seg.tin'),
                    sortable: true,
                    render: (r) => (
                      <a
                        href={`/operators/${encodeURIComponent(r.operator_id)}`}
                        onClick={(e) => {
                          e.preventDefault();
                          navigate(
                            `/operators/${encodeURIComponent(r.operator_id)}${risk !== 'general' ? `?risk=${risk}` : ''}`,
                          );
                        }}
                      >
                        {r.operator_id}
                      </a>
                    ),
                  },
                  { key: 'name', label: t('seg.name'), sortable: true },
                  { key: 'office', label: t('seg.office'), sortable: true },
                  {
                    key: 'size_segment',
                    label: t('seg.size'),
                    sortable: true,
                    render: (r) => t(`size.${r.size_segment}`),
                  },
                  {
                    key: 'risk_level',
                    label: t('seg.level'),
                    sortable: true,
                    render: (r) => <span className={levelClass(r.risk_level)}>{t(`level.${r.risk_level}`)}</span>,
                  },
                  { key: 'gri', label: t('seg.gri'), sortable: true, numeric: true, render: (r) => fmtNum(r.gri, 3) },
                  {
                    key: 'total_value',
                    label: t('seg.value'),
                    sortable: true,
                    numeric: true,
                    render: (r) => fmtMoney(r.total_value),
                  },
                  {
                    key: 'lines',
                    label: t('seg.lines'),
                    sortable: true,
                    numeric: true,
                    render: (r) => fmtInt(r.lines),
                  },
                ]}
              />
            </>
          ) : (
            <p className="muted">{t('seg.noTaxpayer')}</p>
          )}
        </>
      )}
    </section>
  );
}

function heatOption(data: Table4 | undefined, t: (k: string) => string): Record<string, unknown> {
  if (!data) return {};
  const cells = data.rows.filter((r) => r.level && r.size !== 'total');
  const values = cells.map((r) => [
    LEVELS.indexOf(r.level as never),
    SIZES.indexOf(r.size as never),
    r.operators,
    r.pctValue,
  ]);
  return {
    tooltip: {
      formatter: (p: { value: number[] }) =>
        `${t(`size.${SIZES[p.value[1]]}`)} × ${t(`level.${LEVELS[p.value[0]]}`)}<br/>${t('seg.operatorsN')}: ${fmtInt(p.value[2])}<br/>${t('seg.pctValue')}: ${fmtNum(p.value[3], 1)} %`,
    },
    grid: { left: 90, right: 20, top: 10, bottom: 60 },
    xAxis: {
      type: 'category',
      data: LEVELS.map((l) => t(`level.${l}`)),
      name: t('seg.level'),
      nameLocation: 'middle',
      nameGap: 28,
    },
    yAxis: { type: 'category', data: SIZES.map((s) => t(`size.${s}`)) },
    visualMap: {
      min: 0,
      max: Math.max(1, ...cells.map((c) => c.operators)),
      calculable: false,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      inRange: { color: ['#eef4fa', '#9cc3e4', '#2a6aa8'] },
      show: false,
    },
    series: [
      {
        type: 'heatmap',
        data: values,
        itemStyle: { borderColor: '#fff', borderWidth: 2 },
        label: {
          show: true,
          lineHeight: 18,
          fontSize: 12,
          color: '#1d2733',
          textBorderColor: '#fff',
          textBorderWidth: 2,
          formatter: (p: { value: number[] }) => `${fmtInt(p.value[2])}\n${fmtNum(p.value[3], 1)} %`,
        },
        emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
      },
    ],
  };
}

function Table4View({
  rows,
  extended,
  onPick,
}: {
  rows: T4Row[];
  extended: boolean;
  onPick: (c: { size?: string; level?: string }) => void;
}) {
  const { t } = useTranslation();
  return (
    <table className="compact" data-testid={extended ? 'extended' : 'table4'}>
      <thead>
        <tr>
          <th>{t('seg.size')}</th>
          <th>{t('seg.level')}</th>
          <th className="num">{t('seg.operatorsN')}</th>
          <th className="num">%</th>
          <th className="num">{t('seg.value')}</th>
          <th className="num">%</th>
          {extended && (
            <>
              <th className="num">{t('seg.vat')}</th>
              <th className="num">{t('seg.duty')}</th>
              <th className="num">{t('seg.excise')}</th>
              <th className="num">{t('seg.repeat')}</th>
              <th className="num">{t('seg.uncontrolled')}</th>
            </>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr
            key={i}
            className={r.level ? 'clickable' : 'subtotal'}
            onClick={() => r.size !== 'total' && onPick({ size: r.size, level: r.level ?? undefined })}
          >
            <td>{r.level ? '' : t(`size.${r.size}`)}</td>
            <td className={levelClass(r.level)}>{r.level ? t(`level.${r.level}`) : ''}</td>
            <td className="num">{fmtInt(r.operators)}</td>
            <td className="num">{fmtNum(r.pctOperators, 1)}</td>
            <td className="num">{fmtMoney(r.value)}</td>
            <td className="num">{fmtNum(r.pctValue, 1)}</td>
            {extended && (
              <>
                <td className="num">{fmtMoney(r.vat)}</td>
                <td className="num">{fmtMoney(r.duty)}</td>
                <td className="num">{fmtMoney(r.excise)}</td>
                <td className="num">{fmtInt(r.repeatOffenders)}</td>
                <td className="num">{fmtInt(r.withoutControl)}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Table1View({ data }: { data: Table1 }) {
  const { t } = useTranslation();
  return (
    <>
      <table className="compact" data-testid="table1">
        <thead>
          <tr>
            <th>{t('seg.size')}</th>
            <th className="num">{t('seg.operatorsN')}</th>
            <th className="num">%</th>
            <th className="num">{t('seg.value')}</th>
            <th className="num">%</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={r.size} className={r.size === 'total' ? 'subtotal' : ''}>
              <td>{t(`size.${r.size}`)}</td>
              <td className="num">{fmtInt(r.operators)}</td>
              <td className="num">{fmtNum(r.pctOperators, 1)}</td>
              <td className="num">{fmtMoney(r.value)}</td>
              <td className="num">{fmtNum(r.pctValue, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        {t('seg.thresholds', {
          large: fmtMoney(data.thresholds.large),
          medium: fmtMoney(data.thresholds.medium),
          basis: data.basis.toUpperCase(),
        })}
      </p>
    </>
  );
}
