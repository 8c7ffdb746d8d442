import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, post } from '../api.ts';
import i18n, { LANGUAGES, type Language } from '../i18n.ts';

export function LoginPage({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await post('/api/auth/login', { username, password });
      onSignedIn();
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      setError(status === 401 ? t('login.wrong') : status === 429 ? t('login.throttled') : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="login">
      <form onSubmit={(e) => void submit(e)} className="card">
        <h1>{t('app.name')}</h1>
        <p className="muted">{t('login.subtitle')}</p>
        <label>
          {t('login.username')}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy}>
          {t('login.submit')}
        </button>
        <div className="lang-links">
          {LANGUAGES.map((l) => (
            <button
              type="button"
              className="link"
              key={l}
              onClick={() => void i18n.changeLanguage(l as Language)}
              aria-pressed={i18n.language === l}
            >
              {t(`languages.${l}`)}
            </button>
          ))}
        </div>
      </form>
    </div>
  );
}
