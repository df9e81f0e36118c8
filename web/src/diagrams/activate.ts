/** Enter or Space on an SVG element drawn as a button does what a click does (the default, a scroll, is cancelled). */
export function onActivateKey(e: KeyboardEvent, act: () => void): void {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  e.preventDefault();
  act();
}
