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
  search: string;
}

export function realAvailable(location: PageLocation): boolean {
  return new URLSearchParams(location.search).has('token');
}

/** The backend the page starts with: the agent's when it served the page, else the simulator. */
export function initialBackend(location: PageLocation): BackendKind {
  return realAvailable(location) ? 'real' : 'sim';
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
    const real = createRealBackend(address);
    return { kind, backend: real, close: () => real.close() };
  }
  const sim = createSimBackend({ storageKey: SIM_STORAGE_KEY });
  return { kind, backend: sim, close: () => sim.close() };
}
