import { en, type Message, type MessageKey, type Messages, type PluralMessage } from './en';
import { zhCN } from './zh-CN';

/**
 * The pure half of i18n (no DOM, so it runs under vitest in Node): the
 * dictionaries, placeholder filling and choosing a default locale. The
 * reactive current locale lives in `locale.svelte.ts`.
 */

export const locales = ['en', 'zh-CN'] as const;
export type Locale = (typeof locales)[number];

export const dictionaries: Record<Locale, Messages> = { en, 'zh-CN': zhCN };

/** Each language named in itself, for the switch. */
export const localeNames: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

export const STORAGE_KEY = 'glassbox.locale';

export type Params = Record<string, string | number>;

/** Fills `{name}` placeholders; an unknown placeholder is left as written so the gap is visible. */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  return format(pick(locale, dictionaries[locale][key], params ?? {}), params);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

/**
 * The form of a message for its number: Intl.PluralRules says which category
 * the number is in, in this language (English 1 is "one"; Chinese has only
 * "other"). A form the dictionary lacks falls back to `other`.
 */
export function pick(locale: Locale, message: Message, params: Params): string {
  if (typeof message === 'string') return message;
  const n = Number(params[message.by ?? 'count']);
  if (!Number.isFinite(n)) return message.other;
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return message[rules.select(n)] ?? message.other;
}

/** Every text of a message: the string, or each plural form. */
export function forms(message: Message): string[] {
  if (typeof message === 'string') return [message];
  return (['zero', 'one', 'two', 'few', 'many', 'other'] as const).flatMap((c) => (message[c] !== undefined ? [message[c]] : []));
}

/** The placeholders a message uses, e.g. ["code"] for "exit {code}"; for a plural message, those of all its forms. */
export function placeholders(message: Message): string[] {
  return [...new Set(forms(message).flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))].sort();
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/**
 * The saved choice if there is one, else the first browser language we have
 * (any Chinese but explicitly traditional scripts/regions maps to zh-CN), else English.
 */
export function defaultLocale(saved: string | null, languages: readonly string[]): Locale {
  if (isLocale(saved)) return saved;
  for (const lang of languages) {
    const l = lang.toLowerCase();
    if (l === 'en' || l.startsWith('en-')) return 'en';
    if (l === 'zh' || l.startsWith('zh-')) {
      if (/^zh-(hant|tw|hk|mo)\b/.test(l)) continue;
      return 'zh-CN';
    }
  }
  return 'en';
}

export type { Message, MessageKey, Messages, PluralMessage };
