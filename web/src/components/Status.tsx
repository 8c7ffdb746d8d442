import { useTranslation } from 'react-i18next';

export function ErrorBox({ error }: { error?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {t('app.error')}: {error}
    </div>
  );
}

export function Loading({ show }: { show: boolean }) {
  const { t } = useTranslation();
  return show ? <div className="loading">{t('app.loading')}</div> : null;
}
