/** The teacher page's token, kept out of the address bar. */
const TOKEN_KEY = 'glassbox.classroom.teacher';

/**
 * Moves the teacher token from the address bar into this tab's session
 * storage (a projector shows the address bar), leaving `?teacher` so a reload
 * is still the teacher's page. Null when this is not the teacher's page.
 */
export function takeTeacherToken(
  location: { search: string; pathname: string; hash: string },
  history: Pick<History, 'replaceState'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
): string | null {
  const params = new URLSearchParams(location.search);
  if (!params.has('teacher')) return null;
  const given = params.get('teacher');
  if (given) {
    storage.setItem(TOKEN_KEY, given);
    history.replaceState(null, '', `${location.pathname}?teacher${location.hash}`);
    return given;
  }
  return storage.getItem(TOKEN_KEY);
}
