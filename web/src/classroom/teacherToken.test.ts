import { describe, expect, it } from 'vitest';
import { takeTeacherToken } from './teacherToken';

function page(search: string) {
  const replaced: string[] = [];
  const stored = new Map<string, string>();
  const history = { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) };
  const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
  return { location: { search, pathname: '/', hash: '' }, history, storage, replaced };
}

describe('the teacher token', () => {
  it('leaves the address bar (a projector shows it) and survives a reload', () => {
    const p = page('?teacher=abc123');
    expect(takeTeacherToken(p.location, p.history, p.storage)).toBe('abc123');
    expect(p.replaced).toEqual(['/?teacher']);
    expect(takeTeacherToken({ ...p.location, search: '?teacher' }, p.history, p.storage)).toBe('abc123');
  });

  it('is no teacher page without ?teacher', () => {
    const p = page('?join=ACDEFG');
    expect(takeTeacherToken(p.location, p.history, p.storage)).toBeNull();
    expect(p.replaced).toEqual([]);
  });
});
