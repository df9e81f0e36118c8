/**
 * Presenter mode: the terminal and the current step's diagram side by side in
 * large type, for a projector and a room. It lives in the address
 * (`?present=1`) so a teacher can bookmark or reload into it.
 */

export type PresenterAction = 'toggle' | 'next' | 'prev' | 'run';

/** True when the query string asks for presenter mode (`present`, `present=1`, `present=true`). */
export function presentFromSearch(search: string): boolean {
  const v = new URLSearchParams(search).get('present');
  return v !== null && v !== '0' && v !== 'false';
}

/** `search` with presenter mode set on or off, other parameters kept in order. */
export function withPresent(search: string, on: boolean): string {
  const params = new URLSearchParams(search);
  if (on) params.set('present', '1');
  else params.delete('present');
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

interface KeyLike {
  key: string;
  code: string;
  altKey: boolean;
  shiftKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}

/**
 * What a key press asks of presenter mode, or null. Alt+Shift chords work from
 * anywhere, the terminal included (no shell or browser binding uses them);
 * PageDown/PageUp, which a presentation clicker sends, only while presenting.
 * Letters are read from `code` so a layout or macOS's Option characters do not matter.
 */
export function presenterKey(e: KeyLike, presenting: boolean): PresenterAction | null {
  if (e.ctrlKey || e.metaKey) return null;
  if (e.altKey && e.shiftKey) {
    if (e.code === 'KeyP') return 'toggle';
    if (!presenting) return null;
    if (e.key === 'ArrowRight') return 'next';
    if (e.key === 'ArrowLeft') return 'prev';
    if (e.code === 'KeyR') return 'run';
    return null;
  }
  if (!presenting || e.altKey || e.shiftKey) return null;
  if (e.key === 'PageDown') return 'next';
  if (e.key === 'PageUp') return 'prev';
  return null;
}

export class Presenter {
  on = $state(false);

  constructor(
    private readonly location: { search: string; pathname: string; hash: string },
    private readonly history: { state: unknown; replaceState(data: unknown, unused: string, url?: string): void },
  ) {
    this.on = presentFromSearch(location.search);
  }

  set(on: boolean): void {
    this.on = on;
    this.history.replaceState(this.history.state, '', `${this.location.pathname}${withPresent(this.location.search, on)}${this.location.hash}`);
  }

  toggle(): void {
    this.set(!this.on);
  }
}
