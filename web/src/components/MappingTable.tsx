// The column mapping as an editable table: for each canonical field, the source column that fills it, its date
// format, and for channels and yes/no fields the value map (each value of the file → a canonical value).
import { useTranslation } from 'react-i18next';
import type { Mapping } from '../../../src/ingest/mapping.ts';
import type { ImportFields } from '../../../src/server/routes/imports.ts';

export type Rule = Exclude<Mapping['fields'][string], string>;
export type FieldDefs = ImportFields[number];

/** Every rule as an object ({ column } for the shorthand). */
export function normalise(m: Mapping): Mapping {
  return {
    ...m,
    fields: Object.fromEntries(
      Object.entries(m.fields).map(([f, r]) => [f, typeof r === 'string' ? { column: r } : r]),
    ),
  };
}

const formatText = (f: Rule['format']) => (Array.isArray(f) ? f.join(' | ') : (f ?? ''));
const formatValue = (s: string): Rule['format'] => {
  const parts = s
    .split('|')
    .map((x) => x.trim())
    .filter(Boolean);
  return parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : parts;
};

export function MappingTable({
  defs,
  columns,
  samples,
  mapping,
  onChange,
}: {
  defs: FieldDefs;
  columns: string[];
  samples: Record<string, string[]>;
  mapping: Mapping;
  onChange: (m: Mapping) => void;
}) {
  const { t } = useTranslation();
  const rule = (field: string) => mapping.fields[field] as Rule | undefined;
  const setRule = (field: string, r: Rule | undefined) => {
    const fields = { ...mapping.fields };
    if (r) fields[field] = r;
    else delete fields[field];
    onChange({ ...mapping, fields });
  };
  return (
    <table className="compact" data-testid="mapping">
      <thead>
        <tr>
          <th>{t('imp.field')}</th>
          <th>{t('imp.column')}</th>
          <th>{t('imp.format')}</th>
          <th>{t('imp.values')}</th>
        </tr>
      </thead>
      <tbody>
        {defs.fields.map((f) => {
          const r = rule(f.name);
          const col = r?.column;
          const mapped = f.type === 'channel' || f.type === 'selection' || f.type === 'boolean';
          const canonical: (string | boolean)[] =
            f.type === 'channel'
              ? defs.values.channel
              : f.type === 'selection'
                ? defs.values.selection
                : defs.values.boolean;
          return (
            <tr key={f.name} data-testid={`map-row-${f.name}`}>
              <td>
                {f.name}
                {f.required && <span title={t('imp.required')}> *</span>}
              </td>
              <td>
                {r && col === undefined ? (
                  <span className="muted small">
                    {r.derive ? t('imp.derived') : t('imp.constant', { value: String(r.constant) })}
                  </span>
                ) : (
                  <select
                    aria-label={t('imp.columnFor', { field: f.name })}
                    value={col ?? ''}
                    data-testid={`map-col-${f.name}`}
                    onChange={(e) =>
                      setRule(f.name, e.target.value ? { ...(r ?? {}), column: e.target.value } : undefined)
                    }
                  >
                    <option value="">{t('imp.none')}</option>
                    {columns.map((c) => (
                      <option key={c} value={c}>
                        {c}
                      </option>
                    ))}
                  </select>
                )}
              </td>
              <td>
                {f.type === 'date' && r && (
                  <input
                    aria-label={t('imp.formatFor', { field: f.name })}
                    value={formatText(r.format)}
                    placeholder={formatText(mapping.defaults?.format) || 'yyyy-mm-dd'}
                    size={14}
                    data-testid={`map-format-${f.name}`}
                    onChange={(e) => setRule(f.name, { ...r, format: formatValue(e.target.value) })}
                  />
                )}
              </td>
              <td>
                {mapped && r && col !== undefined && (
                  <div className="value-map">
                    {(samples[col] ?? []).map((v) => {
                      const current = r.map && v in r.map ? String(r.map[v]) : '';
                      return (
                        <label key={v} className="inline small">
                          <code>{v}</code> →
                          <select
                            aria-label={t('imp.valueFor', { field: f.name, value: v })}
                            value={current}
                            data-testid={`map-value-${f.name}-${v}`}
                            onChange={(e) => {
                              const map = { ...(r.map ?? {}) };
                              if (e.target.value === '') delete map[v];
                              else map[v] = f.type === 'boolean' ? e.target.value === 'true' : e.target.value;
                              setRule(f.name, { ...r, map: Object.keys(map).length ? map : undefined });
                            }}
                          >
                            <option value="">{t('imp.usual')}</option>
                            {canonical.map((c) => (
                              <option key={String(c)} value={String(c)}>
                                {f.type === 'boolean' ? t(c ? 'app.yes' : 'app.no') : t(`imp.channel.${String(c)}`)}
                              </option>
                            ))}
                          </select>
                        </label>
                      );
                    })}
                  </div>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
