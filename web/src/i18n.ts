// i18next with the four interface languages; every visible text comes from locales/*.json.
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };
import fr from './locales/fr.json' with { type: 'json' };
import pt from './locales/pt.json' with { type: 'json' };

export const LANGUAGES = ['en', 'es', 'fr', 'pt'] as const;
export type Language = (typeof LANGUAGES)[number];

const stored = localStorage.getItem('cip.lang');
const browser = navigator.language.slice(0, 2);
const initial = (LANGUAGES as readonly string[]).includes(stored ?? '')
  ? stored!
  : (LANGUAGES as readonly string[]).includes(browser)
    ? browser
    : 'en';

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, es: { translation: es }, fr: { translation: fr }, pt: { translation: pt } },
  lng: initial,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});
i18n.on('languageChanged', (l) => {
  localStorage.setItem('cip.lang', l);
  document.documentElement.lang = l;
});
document.documentElement.lang = initial;

export default i18n;
