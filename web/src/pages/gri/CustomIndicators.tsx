// User-defined indicators of the draft, written in the expression language (docs/cli/expr.md). Each expression is
// checked by the server as it is typed; a problem is shown with a caret under the offending token.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { post } from '../../api.ts';
import type { ExpressionCheck, GriDraft } from '../../../../src/server/routes/gri-draft.ts';
import type { Config } from './IndicatorTable.tsx';

type Custom = Config['custom'][number];
const FORMATS = ['pct', 'pp', 'int', 'num'] as const;

export function CustomIndicators({
  draft,
  config,
  editable,
  onChange,
}: {
  draft: GriDraft;
  config: Config;
  editable: boolean;
  onChange: (c: Config) => void;
}) {
  const { t } = useTranslation();
  const set = (k: number, patch: Partial<Custom>) =>
    onChange({ ...config, custom: config.custom.map((c, i) => (i === k ? { ...c, ...patch } : c)) });
  const add = () => {
    let n = config.custom.length + 1;
    while (config.custom.some((c) => c.code === `CUSTOM_${n}`)) n++;
    onChange({
      ...config,
      custom: [...config.custom, { code: `CUSTOM_${n}`, name: '', expr: '', format: 'pct', enabled: true }],
    });
  };
  return (
    <div data-testid="custom-indicators">
      {config.custom.length === 0 && <p className="muted small">{t('gri.noCustom')}</p>}
      {config.custom.map((c, k) => (
        <div key={k} className="card" style={{ marginBottom: 8 }} data-testid={`custom-${k}`}>
          <div className="form-grid">
            <label>
              {t('gri.code')}
              <input
                value={c.code}
                disabled={!editable}
                onChange={(e) => set(k, { code: e.target.value.toUpperCase() })}
              />
            </label>
            <label>
              {t('gri.name')}
              <input value={c.name} disabled={!editable} onChange={(e) => set(k, { name: e.target.value })} />
            </label>
            <label>
              {t('gri.format')}
              <select
                value={c.format}
                disabled={!editable}
                onChange={(e) => set(k, { format: e.target.value as Custom['format'] })}
              >
                {FORMATS.map((f) => (
                  <option key={f} value={f}>
                    {t(`gri.formats.${f}`)}
                  </option>
                ))}
              </select>
            </label>
            {editable && (
              <button
                type="button"
                className="link"
                onClick={() => onChange({ ...config, custom: config.custom.filter((_, i) => i !== k) })}
              >
                {t('gri.removeCustom')}
              </button>
            )}
          </div>
          <label>
            {t('gri.expression')}
            <textarea
              rows={2}
              spellCheck={false}
              style={{ fontFamily: 'monospace', width: '100%' }}
              value={c.expr}
              disabled={!editable}
              onChange={(e) => set(k, { expr: e.target.value })}
            />
          </label>
          <ExpressionStatus expr={c.expr} />
        </div>
      ))}
      {editable && (
        <button type="button" className="secondary" onClick={add} data-testid="add-custom">
          {t('gri.addCustom')}
        </button>
      )}
      <p className="muted small">
        {t('gri.exprHelp', { lists: draft.expression.lists.join(', ') })}{' '}
        <span title={draft.expression.columns.join(', ')}>{t('gri.exprColumns')}</span>
      </p>
    </div>
  );
}

/** The server's verdict on an expression, a moment after the last keystroke. */
function ExpressionStatus({ expr }: { expr: string }) {
  const { t } = useTranslation();
  const [check, setCheck] = useState<ExpressionCheck | null>(null);
  useEffect(() => {
    if (!expr.trim()) return setCheck(null);
    let live = true;
    const timer = setTimeout(() => {
      post<ExpressionCheck>('/api/gri/expression', { expr }).then(
        (r) => live && setCheck(r),
        () => undefined,
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [expr]);
  if (!check) return null;
  if (check.valid)
    return (
      <div className="ok small" data-testid="expr-ok">
        {t('gri.exprValid')}
      </div>
    );
  return (
    <div className="error small" role="alert" data-testid="expr-error">
      {t('gri.exprInvalid', { token: check.token || t('gri.exprEnd'), column: (check.position ?? 0) + 1 })}
      <pre style={{ margin: '4px 0 0' }}>{check.message}</pre>
    </div>
  );
}
