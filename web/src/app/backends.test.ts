import { describe, expect, it } from 'vitest';
import { initialBackend, realAvailable, takeAgentToken } from './backends';

function fakes(stored: Record<string, string> = {}) {
  const replaced: string[] = [];
  const storage = {
    getItem: (k: string) => stored[k] ?? null,
    setItem: (k: string, v: string) => void (stored[k] = v),
  };
  return { replaced, stored, storage, history: { replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) } };
}

const page = (search: string, pathname = '/') => ({ protocol: 'http:', host: '127.0.0.1:4000', pathname, hash: '', search });

describe('takeAgentToken', () => {
  it('moves the token out of the address bar and keeps it for this tab', () => {
    const f = fakes();
    const loc = takeAgentToken(page('?token=abc&lang=zh'), f.history, f.storage);
    expect(f.replaced).toEqual(['/?lang=zh']);
    expect(f.stored['glassbox.agent.token']).toBe('abc');
    expect(realAvailable(loc)).toBe(true);
    expect(initialBackend(loc)).toBe('real');
  });

  it('finds the kept token after a reload, without touching the address', () => {
    const f = fakes({ 'glassbox.agent.token': 'abc' });
    const loc = takeAgentToken(page(''), f.history, f.storage);
    expect(f.replaced).toEqual([]);
    expect(new URLSearchParams(loc.search).get('token')).toBe('abc');
  });

  it('keeps the path of a page served under a proxy prefix, so its WebSocket goes there too', () => {
    const f = fakes();
    const loc = takeAgentToken(page('?token=abc', '/user/ana/glassbox/'), f.history, f.storage);
    expect(f.replaced).toEqual(['/user/ana/glassbox/']);
    expect(loc.pathname).toBe('/user/ana/glassbox/');
    const reloaded = takeAgentToken(page('', '/user/ana/glassbox/'), fakes(f.stored).history, f.storage);
    expect(reloaded.pathname).toBe('/user/ana/glassbox/');
  });

  it('leaves a page the agent did not serve on the simulator', () => {
    const f = fakes();
    const loc = takeAgentToken(page(''), f.history, f.storage);
    expect(realAvailable(loc)).toBe(false);
    expect(initialBackend(loc)).toBe('sim');
  });
});
