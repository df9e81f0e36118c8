import { defaultLocale, isLocale, STORAGE_KEY, translate, type Locale, type MessageKey, type Params } from './i18n';

/** The current UI language, reactive: components that call `t()` re-render when it changes. */
function readSaved(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

const state = $state<{ locale: Locale }>({
  locale: defaultLocale(readSaved(), typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]),
});

export function getLocale(): Locale {
  return state.locale;
}

export function setLocale(locale: Locale): void {
  if (!isLocale(locale)) return;
  state.locale = locale;
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private mode or storage disabled: the choice lasts for this page only.
  }
  document.documentElement.lang = locale;
}

export function t(key: MessageKey, params?: Params): string {
  return translate(state.locale, key, params);
}
