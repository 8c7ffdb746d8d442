// The application frame: sign-in, the menu (only pages the user's roles allow), language switch, the page.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post, put } from './api.ts';
import i18n, { LANGUAGES, type Language } from './i18n.ts';
import { LoginPage } from './pages/Login.tsx';
import { JobsNotice } from './components/JobsNotice.tsx';
import { matchPage, PAGES } from './pages.ts';
import { navigate, useLocation } from './router.ts';
import { can, MeContext, type Me } from './session.tsx';

/** The language switch being saved, if any, and the chain of saves (see Shell.setLanguage). */
let languageSaving: Language | null = null;
let languageQueue: Promise<unknown> = Promise.resolve();

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const load = useCallback(async () => {
    try {
      const m = await get<Me>('/api/me');
      setMe(m);
      // The stored language wins, except while a switch the user just made is still being saved.
      if (m.language !== i18n.language && languageSaving === null) await i18n.changeLanguage(m.language);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setMe(null);
      else throw e;
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  if (me === undefined) return null;
  if (me === null) return <LoginPage onSignedIn={load} />;
  return (
    <MeContext.Provider value={me}>
      <Shell me={me} onSignedOut={() => setMe(null)} onChanged={load} />
    </MeContext.Provider>
  );
}

function Shell({ me, onSignedOut, onChanged }: { me: Me; onSignedOut: () => void; onChanged: () => void }) {
  const { t } = useTranslation();
  const { path } = useLocation();
  const match = matchPage(path);
  const [menuOpen, setMenuOpen] = useState(false);
  const setLanguage = async (lang: Language) => {
    languageSaving = lang;
    await i18n.changeLanguage(lang);
    // Saves are chained so the server ends with the last choice even when the user switches quickly.
    languageQueue = languageQueue
      .then(() => put('/api/me/language', { language: lang }))
      .catch(() => undefined)
      .then(() => {
        if (languageSaving !== lang) return;
        languageSaving = null;
        onChanged();
      });
    await languageQueue;
  };
  const signOut = async () => {
    await post('/api/auth/logout');
    navigate('/', true);
    onSignedOut();
  };
  const Page = match && can(me, match.page.permission) ? match.page.component : null;
  // The current page is the menu entry whose path is the location, or (drill-down pages) its prefix.
  const current = (p: string) => p === path || (p !== '/' && path.startsWith(p + '/'));
  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a className="skip-link" href="#content">
        {t('app.skip')}
      </a>
      <nav className="sidebar" id="menu" aria-label={t('nav.menu')}>
        <div className="brand">{t('app.name')}</div>
        {PAGES.filter((p) => !p.hidden && can(me, p.permission)).map((p) => (
          <a
            key={p.path}
            href={p.path}
            className={current(p.path) ? 'active' : ''}
            aria-current={p.path === path ? 'page' : current(p.path) ? 'true' : undefined}
            onClick={(e) => {
              e.preventDefault();
              setMenuOpen(false);
              navigate(p.path);
            }}
          >
            {t(p.label)}
          </a>
        ))}
      </nav>
      <div className="main">
        <header className="topbar">
          <button
            type="button"
            className="menu-toggle"
            aria-controls="menu"
            aria-expanded={menuOpen}
            onClick={() => setMenuOpen(!menuOpen)}
            data-testid="menu-toggle"
          >
            {t('app.menu')}
          </button>
          <span className="who">
            <a
              href="/account"
              onClick={(e) => {
                e.preventDefault();
                navigate('/account');
              }}
            >
              {me.display_name ?? me.username}
            </a>
            {' · '}
            {me.roles.map((r) => t(`roles.${r}`)).join(', ')}
            {' · '}
            {me.unit_id}
          </span>
          <JobsNotice />
          <label className="lang">
            {t('app.language')}{' '}
            <select
              value={i18n.language}
              onChange={(e) => void setLanguage(e.target.value as Language)}
              data-testid="language"
            >
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void signOut()}>
            {t('app.signOut')}
          </button>
        </header>
        <main className="content" id="content" tabIndex={-1}>
          {Page ? <Page /> : <p className="empty">{match ? t('app.forbidden') : t('app.notFound')}</p>}
        </main>
      </div>
    </div>
  );
}
