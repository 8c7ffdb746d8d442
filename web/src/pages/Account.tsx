import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { put } from '../api.ts';
import { useMe } from '../session.tsx';

export function AccountPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string }>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await put('/api/me/password', { current, password });
      setMsg({ ok: true, text: t('account.changed') });
      setTimeout(() => location.assign('/'), 1200);
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
  };
  return (
    <section>
      <h1>{t('account.title')}</h1>
      <dl className="facts">
        <dt>{t('users.username')}</dt>
        <dd>{me.username}</dd>
        <dt>{t('users.roles')}</dt>
        <dd>{me.roles.map((r) => t(`roles.${r}`)).join(', ')}</dd>
        <dt>{t('users.unit')}</dt>
        <dd>{me.unit_id}</dd>
        <dt>{t('account.permissions')}</dt>
        <dd>{me.permissions.map((p) => t(`permissions.${p}`)).join(' · ')}</dd>
      </dl>
      <h2>{t('account.password')}</h2>
      <form className="card form-grid" onSubmit={(e) => void submit(e)}>
        <label>
          {t('account.current')}
          <input
            type="password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <label>
          {t('account.new')}
          <input
            type="password"
            minLength={10}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            required
          />
        </label>
        <button type="submit">{t('app.save')}</button>
        {msg && <div className={msg.ok ? 'ok' : 'error'}>{msg.text}</div>}
      </form>
    </section>
  );
}
