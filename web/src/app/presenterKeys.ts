/** Presenter mode's address and keys, as pure functions (the state is presenter.svelte.ts). */

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

export type DiagramView = 'lifecycle' | 'network' | 'layers' | 'volumes' | 'kernel' | 'trace';

/** The diagram a lesson is about, by the words of its id: presenter mode opens it with the lesson. */
const lessonViews: [RegExp, DiagramView][] = [
  [/network|hosts?\b|dns|port/, 'network'],
  [/volume|mount|bind/, 'volumes'],
  [/image|layer|union|rootfs|build|commit/, 'layers'],
  [/process|cgroup|namespace|kernel|limit/, 'kernel'],
  [/trace|syscall/, 'trace'],
  [/lifecycle|container/, 'lifecycle'],
];

export function viewForLesson(id: string): DiagramView | null {
  return lessonViews.find(([pattern]) => pattern.test(id))?.[1] ?? null;
}
