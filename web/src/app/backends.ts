import type { Backend } from '../../../core/backend';
import { createSimBackend } from '../../../backends/sim/client';

/**
 * Which backends this page can use, and opening them. The sim is always
 * there; the real one only when the agent served this page, which it says by
 * putting its token in the address (`/?token=…`). The real client is loaded
 * on demand so the default page does not carry its code.
 */
export type BackendKind = 'sim' | 'real';

export interface OpenBackend {
  kind: BackendKind;
  backend: Backend;
  close(): void;
}

export interface PageLocation {
  protocol: string;
  host: string;
  /** The page's path: behind a proxy (jupyter-server-proxy) it carries a prefix the WebSocket shares. */
  pathname: string;
  search: string;
}

const TOKEN_KEY = 'glassbox.agent.token';

/**
 * Moves the agent's token from the address bar into this tab's session
 * storage, so it is not shown on a classroom projector, kept in the history or
 * bookmarked, yet a reload still finds it. Returns the location the app should
 * use from then on (with the token, for the functions below).
 */
export function takeAgentToken(
  location: PageLocation & { hash: string },
  history: Pick<History, 'replaceState'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
): PageLocation {
  // `location` may be the live window.location: read it before replaceState changes it.
  const search = location.search;
  const params = new URLSearchParams(search);
  const token = params.get('token');
  if (token !== null) {
    storage.setItem(TOKEN_KEY, token);
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    return { protocol: location.protocol, host: location.host, pathname: location.pathname, search };
  }
  const kept = storage.getItem(TOKEN_KEY);
  if (kept === null) return location;
  params.set('token', kept);
  return { protocol: location.protocol, host: location.host, pathname: location.pathname, search: `?${params.toString()}` };
}

export function realAvailable(location: PageLocation): boolean {
  return new URLSearchParams(location.search).has('token');
}

/** The backend the page starts with: the agent's when it served the page, else the simulator. */
export function initialBackend(location: PageLocation): BackendKind {
  return realAvailable(location) ? 'real' : 'sim';
}

const HISTORY_KEY = 'glassbox.agent.history';

/**
 * Issue 14: this browser's key to its history on the agent, made once and
 * kept, so a reload or a second tab shows the lines run before. 128 random
 * bits: another student's page cannot name it. Without storage, a key for
 * this page alone.
 */
export function agentHistoryKey(storage: Pick<Storage, 'getItem' | 'setItem'> | null = globalThis.localStorage ?? null): string {
  try {
    const saved = storage?.getItem(HISTORY_KEY);
    if (saved && /^[0-9a-f]{32}$/.test(saved)) return saved;
  } catch {
    // storage disabled: a key for this page
  }
  const key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
  try {
    storage?.setItem(HISTORY_KEY, key);
  } catch {
    // the history then lasts as long as this page
  }
  return key;
}

/** Where the page keeps the simulator's journal, so a reload rebuilds the same machine. */
export const SIM_STORAGE_KEY = 'glassbox.sim.journal';

export async function openBackend(kind: BackendKind, location: PageLocation): Promise<OpenBackend> {
  // Dev only (dropped from production builds): a stand-in backend for working on the page alone.
  if (import.meta.env.DEV && new URLSearchParams(location.search).get('backend') === 'fake') {
    const { createFakeBackend } = await import('../testing/fakeBackend');
    const fake = createFakeBackend(kind);
    return { kind, backend: fake, close: () => fake.close() };
  }
  if (kind === 'real') {
    const { agentAddressFromLocation, createRealBackend } = await import('../../../backends/real/realBackend');
    const address = agentAddressFromLocation(location);
    if (!address) throw new Error('this page was not opened by the Glassbox agent (no token in its address)');
    const real = createRealBackend({ ...address, historyKey: agentHistoryKey() });
    return { kind, backend: real, close: () => real.close() };
  }
  const sim = createSimBackend({ storageKey: SIM_STORAGE_KEY });
  return { kind, backend: sim, close: () => sim.close() };
}
