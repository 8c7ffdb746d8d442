// A chart with its text alternative: a title naming what is drawn, an optional caption, and a button that shows
// the same numbers as a table (the table a screen reader or a printout can use).
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Chart, type ChartInstance, type PickableCells } from './Chart.tsx';
import type { Built, DataTable } from './options.ts';

export function Figure({
  title,
  built,
  caption,
  height,
  testId,
  cells,
  onReady,
  headline,
  level = 3,
}: {
  title: string;
  built: Built;
  caption?: ReactNode;
  height?: number;
  testId?: string;
  cells?: PickableCells;
  onReady?: (chart: ChartInstance) => void;
  /** a line under the title: the latest figures, each naming its series */
  headline?: ReactNode;
  level?: 2 | 3 | 4;
}) {
  const { t } = useTranslation();
  const [table, setTable] = useState(false);
  const id = useId();
  const H = `h${level}` as 'h3';
  return (
    <figure className="figure" data-testid={testId ? `${testId}-figure` : undefined}>
      <div className="row spread figure-head">
        <H id={id}>{title}</H>
        <button type="button" className="link small" aria-expanded={table} onClick={() => setTable(!table)}>
          {table ? t('chart.hideTable') : t('chart.showTable')}
        </button>
      </div>
      {headline && <div className="small headline">{headline}</div>}
      <Chart option={built.option} label={title} height={height} testId={testId} cells={cells} onReady={onReady} />
      {caption && <figcaption className="muted small">{caption}</figcaption>}
      {table && <FigureTable table={built.table} labelledBy={id} />}
    </figure>
  );
}

export function FigureTable({ table, labelledBy }: { table: DataTable; labelledBy?: string }) {
  return (
    <div className="scroll-x">
      <table className="compact" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {table.head.map((h, i) => (
              <th key={i} className={i > 0 ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j} className={j > 0 ? 'num' : undefined}>
                  {c}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
