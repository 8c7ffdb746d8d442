// Which changes need the committee's approval, and the reminders: the settings the CLI sets with
// `cip committee settings set`.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { put } from '../../api.ts';
import type { Settings } from '../../../../src/server/routes/governance-schemas.ts';

const APPROVALS = ['approval.treatment', 'approval.gri_config', 'approval.register'] as const;

export function SettingsPanel({
  settings,
  write,
  onChange,
  fail,
}: {
  settings: Settings | undefined;
  write: boolean;
  onChange: () => void;
  fail: (e: Error) => void;
}) {
  const { t } = useTranslation();
  // What was just chosen shows at once, until the saved settings come back with it (settings read back after an
  // earlier change keep a choice still being saved).
  const [chosen, setChosen] = useState<Partial<Settings>>({});
  useEffect(
    () =>
      setChosen((c) => Object.fromEntries(Object.entries(c).filter(([k, v]) => settings?.[k as keyof Settings] !== v))),
    [settings],
  );
  if (!settings) return null;
  const set = (key: keyof Settings, value: boolean | number | string) => {
    setChosen((c) => ({ ...c, [key]: value }));
    return put(`/api/governance/settings/${encodeURIComponent(key)}`, { value }).then(onChange, (e: Error) => {
      setChosen({});
      fail(e);
    });
  };
  return (
    <div className="card" data-testid="gov-settings">
      <div className="checks">
        {APPROVALS.map((k) => (
          <label key={k}>
            <input
              type="checkbox"
              checked={(chosen[k] as boolean | undefined) ?? settings[k]}
              disabled={!write}
              onChange={(e) => void set(k, e.target.checked)}
            />
            {t(`gov.settings.${k.replace('.', '_')}`)}
          </label>
        ))}
      </div>
      <label className="inline">
        {t('gov.settings.reminders')}{' '}
        <input
          type="number"
          min="0"
          style={{ width: 70 }}
          defaultValue={settings['reminders.days_before']}
          disabled={!write}
          onBlur={(e) => {
            const v = Number(e.target.value);
            if (v !== settings['reminders.days_before']) void set('reminders.days_before', v);
          }}
        />
      </label>
      <p className="muted small">{t('gov.settings.help')}</p>
    </div>
  );
}
