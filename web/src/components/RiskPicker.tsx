// Chooses the GRI (general or a risk-specific one); the choice lives in the URL (?risk=).
import { useTranslation } from 'react-i18next';
import { get } from '../api.ts';
import { navigate, useLocation } from '../router.ts';
import { useApi } from './useApi.ts';

export function useRisk(): string {
  return useLocation().search.get('risk') ?? 'general';
}

export function RiskPicker() {
  const { t } = useTranslation();
  const { path, search } = useLocation();
  const risk = search.get('risk') ?? 'general';
  const { data } = useApi(() => get<string[]>('/api/segmentation/risks'), []);
  if (!data || data.length < 2) return null;
  return (
    <label className="inline">
      {t('seg.risk')}{' '}
      <select
        value={risk}
        onChange={(e) => {
          const s = new URLSearchParams(search);
          if (e.target.value === 'general') s.delete('risk');
          else s.set('risk', e.target.value);
          navigate(`${path}${s.size ? `?${s}` : ''}`);
        }}
      >
        {data.map((r) => (
          <option key={r} value={r}>
            {r === 'general' ? t('seg.general') : r}
          </option>
        ))}
      </select>
    </label>
  );
}

export const levelClass = (level: string | null | undefined) => (level ? `level-${level}` : '');
