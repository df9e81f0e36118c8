import { describe, expect, it } from 'vitest';
import { defaultLocale, dictionaries, format, forms, locales, placeholders, translate } from './i18n';
import { en } from './en';

describe('i18n dictionaries', () => {
  const keys = Object.keys(en).sort();

  it.each(locales)('%s has exactly the English key set', (locale) => {
    expect(Object.keys(dictionaries[locale]).sort()).toEqual(keys);
  });

  it.each(locales)('%s has no empty message', (locale) => {
    const empty = Object.entries(dictionaries[locale]).filter(([, v]) => forms(v).some((f) => f.trim() === ''));
    expect(empty).toEqual([]);
  });

  it.each(locales)('%s uses the same placeholders as English in every message', (locale) => {
    const mismatched = keys.filter((k) => {
      const key = k as keyof typeof en;
      return placeholders(dictionaries[locale][key]).join() !== placeholders(en[key]).join();
    });
    expect(mismatched).toEqual([]);
  });

  it('the Chinese dictionary is really translated (not English copied over)', () => {
    const same = keys.filter((k) => {
      const key = k as keyof typeof en;
      // Commands, product and file names legitimately stay the same.
      const zh = forms(dictionaries['zh-CN'][key]);
      return forms(en[key]).some((f) => zh.includes(f) && !/^(docker |Glassbox$|Dockerfile$|ID$|PID$)/.test(f));
    });
    expect(same).toEqual([]);
  });
});

describe('plural forms', () => {
  it.each(locales)('every form of a %s message has the same placeholders', (locale) => {
    const uneven = Object.entries(dictionaries[locale]).filter(([, v]) => new Set(forms(v).map((f) => placeholders(f).join())).size > 1);
    expect(uneven).toEqual([]);
  });

  it('every English message that counts things in a plural noun has a form for one', () => {
    // "{count} entries", "+{count} more ports", "{count} running containers": a noun in -s after the number.
    const counting = Object.entries(en).filter(([, v]) => forms(v).some((f) => /\{(count|total)\} (\w+ )?\w+s\b/.test(f)));
    expect(counting.length).toBeGreaterThan(5);
    expect(counting.filter(([, v]) => typeof v === 'string' || v.one === undefined).map(([k]) => k)).toEqual([]);
  });

  it.each([
    ['en', 'layers.entries', { count: 1 }, '1 entry'],
    ['en', 'layers.entries', { count: 0 }, '0 entries'],
    ['en', 'layers.entries', { count: 2 }, '2 entries'],
    ['en', 'trace.count', { count: 1 }, '1 operation'],
    ['en', 'diagram.stateSummary', { state: 'running', count: 1 }, 'running: 1 container'],
    ['en', 'lesson.progress', { done: 0, total: 1 }, '0 of 1 step done'],
    ['en', 'lesson.progress', { done: 1, total: 5 }, '1 of 5 steps done'],
    ['zh-CN', 'layers.entries', { count: 1 }, '1 项'],
    ['zh-CN', 'trace.count', { count: 2 }, '2 个操作'],
  ] as const)('%s %s %j → %s', (locale, key, params, expected) => {
    expect(translate(locale, key, params)).toBe(expected);
  });
});

describe('format', () => {
  it.each([
    ['exit {code}', { code: 0 }, 'exit 0'],
    ['{a} and {b}', { a: 'x', b: 2 }, 'x and 2'],
    ['{missing} stays', {}, '{missing} stays'],
    ['no placeholders', { code: 1 }, 'no placeholders'],
  ])('%s', (template, params, expected) => {
    expect(format(template, params)).toBe(expected);
  });

  it('translates through the chosen dictionary', () => {
    expect(translate('zh-CN', 'state.running')).toBe('运行中');
    expect(translate('en', 'history.exit', { code: 125 })).toBe('exit 125');
  });
});

describe('defaultLocale', () => {
  it.each([
    [null, ['zh-CN', 'en'], 'zh-CN'],
    [null, ['zh'], 'zh-CN'],
    [null, ['zh-SG'], 'zh-CN'],
    [null, ['zh-TW', 'en-US'], 'en'],
    [null, ['en-GB', 'zh-CN'], 'en'],
    [null, ['fr-FR', 'zh-CN'], 'zh-CN'],
    [null, ['fr-FR'], 'en'],
    [null, [], 'en'],
    ['zh-CN', ['en-US'], 'zh-CN'],
    ['en', ['zh-CN'], 'en'],
    ['klingon', ['zh-CN'], 'zh-CN'],
  ] as const)('saved %s, browser %j → %s', (saved, langs, expected) => {
    expect(defaultLocale(saved, langs)).toBe(expected);
  });
});
