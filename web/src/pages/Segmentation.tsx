// Size × risk: the heat map (Table 4), Tables 1/4/extended, and the drill-down to operators.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, type Query } from '../api.ts';
import { Figure } from '../charts/Figure.tsx';
import { heatmap } from '../charts/grids.ts';
import { DataTable, type Page } from '../components/DataTable.tsx';
import { levelClass, RiskPicker, useRisk } from '../components/RiskPicker.tsx';
import { ErrorBox, Loading } from '../components/Status.tsx';
import { useApi } from '../components/useApi.ts';
import { fmtDate, fmtInt, fmtMoney, fmtNum, fmtPct } from '../format.ts';
import { navigate } from '../router.ts';
import { pickable } from '../components/pickable.ts';
import { can, useMe } from '../session.tsx';
import type {
  OperatorRow as OpRow,
  Table1,
  Table4,
  Table4Row as T4Row,
} from '../../../src/server/routes/segmentation.ts';
export type { T4Row, Table1, Table4 };

const SIZES = ['large', 'medium', 'small'] as const;
const LEVELS = ['low', 'medium', 'high'] as const;

export function SegmentationPage() {
  const { t } = useTranslation();
  const me = useMe();
  const risk = useRisk();
  const [tab, setTab] = useState<'t4' | 't1' | 'ext'>('t4');
  const [cell, setCell] = useState<{ size?: string; level?: string }>({});
  const t4 = useApi(() => get<Table4>('/api/segmentation/table4', { risk, extended: 'true' }), [risk]);
  const t1 = useApi(() => get<Table1>('/api/segmentation/table1', { risk }), [risk]);
  const heat = useMemo(() => table4Heat(t4.data?.rows, t), [t4.data, t]);
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
                  start: fmtDate(t1.data.window.first),
                  end: fmtDate(t1.data.window.end),
                })
              : ''}
          </p>
          <div className="grid2">
            <div className="card">
              <Figure
                title={t('seg.heatmap')}
                built={heat}
                height={300}
                testId="heatmap"
                cells={{
                  cols: LEVELS.length,
                  count: SIZES.length * LEVELS.length,
                  describe: (i) =>
                    `${t(`size.${SIZES[Math.floor(i / 3)]}`)} × ${t(`level.${LEVELS[i % 3]}`)}: ${heat.table.rows[Math.floor(i / 3)][1 + (i % 3)]}`,
                  onPick: (i) => setCell({ size: SIZES[Math.floor(i / 3)], level: LEVELS[i % 3] }),
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

/** Table 4 as a heat map: operators per size × level on the sequential scale, the share of value under each count. */
export function table4Heat(rows: T4Row[] | undefined, t: (k: string) => string) {
  const cell = (size: string, level: string) => rows?.find((r) => r.size === size && r.level === level);
  return heatmap({
    rows: SIZES.map((s) => t(`size.${s}`)),
    cols: LEVELS.map((l) => t(`level.${l}`)),
    rowName: t('seg.size'),
    colName: t('seg.level'),
    values: SIZES.map((s) => LEVELS.map((l) => cell(s, l)?.operators ?? 0)),
    valueName: t('seg.operatorsN'),
    format: fmtInt,
    second: {
      name: t('seg.pctValue'),
      values: SIZES.map((s) => LEVELS.map((l) => (cell(s, l)?.pctValue ?? 0) / 100)),
      format: (v) => fmtPct(v),
    },
  });
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
            {...(r.size !== 'total'
              ? pickable(() => onPick({ size: r.size, level: r.level ?? undefined }), t('seg.pickRow'))
              : {})}
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
