// Draft settings that apply on the next full run: Table 1 size cut-offs and value basis, the window, and the
// risky lists (support and lift of the lists found in the data, and codes given by hand).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Config } from './IndicatorTable.tsx';

const LISTS = ['brokers', 'hs', 'origins', 'suppliers'] as const;
const split = (s: string) =>
  s
    .split(/[,;\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export function Settings({
  config,
  editable,
  onChange,
}: {
  config: Config;
  editable: boolean;
  onChange: (c: Config) => void;
}) {
  const { t } = useTranslation();
  const num = (v: string) => (v === '' ? 0 : Number(v));
  const given = config.riskyLists.given;
  return (
    <div className="form-grid" data-testid="gri-settings">
      <label>
        {t('gri.sizeLarge')}
        <input
          type="number"
          min="0"
          value={config.size.large}
          disabled={!editable}
          onChange={(e) => onChange({ ...config, size: { ...config.size, large: num(e.target.value) } })}
        />
      </label>
      <label>
        {t('gri.sizeMedium')}
        <input
          type="number"
          min="0"
          value={config.size.medium}
          disabled={!editable}
          onChange={(e) => onChange({ ...config, size: { ...config.size, medium: num(e.target.value) } })}
        />
      </label>
      <label>
        {t('gri.basis')}
        <select
          value={config.value.basis}
          disabled={!editable}
          onChange={(e) => onChange({ ...config, value: { basis: e.target.value as Config['value']['basis'] } })}
        >
          {(['both', 'cif', 'fob'] as const).map((b) => (
            <option key={b} value={b}>
              {t(`gri.bases.${b}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('gri.windowMonths')}
        <input
          type="number"
          min="1"
          max="120"
          value={config.window.months}
          disabled={!editable}
          onChange={(e) => onChange({ ...config, window: { ...config.window, months: num(e.target.value) } })}
        />
      </label>
      <label>
        {t('gri.minSupport')}
        <input
          type="number"
          min="1"
          value={config.riskyLists.minSupport}
          disabled={!editable}
          onChange={(e) =>
            onChange({ ...config, riskyLists: { ...config.riskyLists, minSupport: num(e.target.value) } })
          }
        />
      </label>
      <label>
        {t('gri.minLift')}
        <input
          type="number"
          min="1"
          step="0.1"
          value={config.riskyLists.minLift}
          disabled={!editable}
          onChange={(e) => onChange({ ...config, riskyLists: { ...config.riskyLists, minLift: num(e.target.value) } })}
        />
      </label>
      {LISTS.map((k) => (
        <ListInput
          key={k}
          label={t(`gri.given.${k}`)}
          value={given[k] ?? []}
          editable={editable}
          onChange={(codes) =>
            onChange({
              ...config,
              riskyLists: { ...config.riskyLists, given: { ...given, [k]: codes.length ? codes : undefined } },
            })
          }
        />
      ))}
    </div>
  );
}

/** Codes separated by commas or spaces; the text is kept as typed while the list follows it. */
function ListInput({
  label,
  value,
  editable,
  onChange,
}: {
  label: string;
  value: string[];
  editable: boolean;
  onChange: (codes: string[]) => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState(value.join(', '));
  const shown = split(text).join(',') === value.join(',') ? text : value.join(', ');
  return (
    <label>
      {label}
      <input
        value={shown}
        placeholder={t('gri.givenPlaceholder')}
        disabled={!editable}
        onChange={(e) => {
          setText(e.target.value);
          onChange(split(e.target.value));
        }}
      />
    </label>
  );
}
