import { describe, expect, it } from 'vitest';
import { defaultLocale, dictionaries, format, locales, placeholders, translate } from './i18n';
import { en } from './en';

describe('i18n dictionaries', () => {
  const keys = Object.keys(en).sort();

  it.each(locales)('%s has exactly the English key set', (locale) => {
    expect(Object.keys(dictionaries[locale]).sort()).toEqual(keys);
  });

  it.each(locales)('%s has no empty message', (locale) => {
    const empty = Object.entries(dictionaries[locale]).filter(([, v]) => v.trim() === '');
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
      return dictionaries['zh-CN'][key] === en[key] && !/^(docker |Glassbox$|Dockerfile$|ID$|PID$)/.test(en[key]);
    });
    expect(same).toEqual([]);
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
