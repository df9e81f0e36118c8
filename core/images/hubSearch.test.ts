import { describe, expect, it } from 'vitest';
import { searchHub } from './hubSearch';

describe('searchHub', () => {
  it.each<[string, Record<string, string[]>, number | undefined, string[]]>([
    ['nginx', {}, undefined, ['nginx']],
    ['redis', {}, undefined, ['redis']],
    ['apache', {}, undefined, ['httpd', 'tomcat']],
    ['linux', {}, undefined, ['ubuntu', 'alpine', 'debian']],
    ['linux', { stars: ['10000'] }, undefined, ['ubuntu', 'alpine']],
    ['linux', { stars: ['1', '12000'] }, undefined, ['ubuntu']],
    ['linux', {}, 1, ['ubuntu']],
    ['busybox', { 'is-official': ['true'] }, undefined, ['busybox']],
    ['busybox', { 'is-official': ['false'] }, undefined, []],
    ['busybox', { 'is-automated': ['true'] }, undefined, []],
    ['NGINX', {}, undefined, ['nginx']],
    ['no-such-image', {}, undefined, []],
  ])('%s %j limit %s → %j', (term, filters, limit, names) => {
    expect(searchHub(term, filters, limit).map((r) => r.name)).toEqual(names);
  });

  it.each<[Record<string, string[]>, number, string]>([
    [{}, 0, 'limit 0 is outside the range of [1, 100]'],
    [{}, 101, 'limit 101 is outside the range of [1, 100]'],
    [{ stars: ['many'] }, 25, "invalid filter 'stars=many'"],
    [{ 'is-official': ['yes'] }, 25, "invalid filter 'is-official=yes'"],
    [{ label: ['x'] }, 25, "invalid filter 'label'"],
  ])('%j limit %s → %s', (filters, limit, message) => {
    expect(() => searchHub('x', filters, limit)).toThrow(message);
  });
});
