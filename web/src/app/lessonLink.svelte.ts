import type { AppState } from './appState.svelte';
import { linkNeedsJump, readLessonLink, sameOriginUrl, withLessonLink } from '../lessons/player';

/**
 * The lesson in the page's address: `?lesson=<id>&step=<n>` opens that step
 * (on the simulator the engine is put at its start), `?lessonUrl=<url>` loads
 * a lesson file from this site; as the student moves on, the address follows
 * (replaceState, so Back still leaves the page). A `.md` file dropped on the
 * page opens as a lesson too.
 */
export function followLessonLink(app: AppState, win: Window, opened: Promise<void>): () => void {
  const lessons = app.lessons;
  const link = readLessonLink(win.location.search);

  const start = async (): Promise<void> => {
    if (link.lessonUrl !== null) {
      const url = sameOriginUrl(link.lessonUrl, win.location.href);
      if (!url) {
        lessons.notice = { key: 'lesson.notice.otherOrigin', params: { url: link.lessonUrl }, tone: 'bad' };
        return;
      }
      try {
        const res = await win.fetch(url, { credentials: 'same-origin' });
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`.trim());
        lessons.open(await res.text());
      } catch (err) {
        lessons.notice = { key: 'lesson.notice.fetchFailed', params: { url: url.href, reason: err instanceof Error ? err.message : String(err) }, tone: 'bad' };
        return;
      }
    } else if (link.lesson !== null) {
      // The course loads on demand: a link is the demand.
      if (!(await lessons.loadCourse()).some((l) => l.id === link.lesson)) {
        lessons.notice = { key: 'lesson.notice.unknown', params: { id: link.lesson }, tone: 'bad' };
        return;
      }
      lessons.choose(link.lesson);
    } else return;
    const lesson = lessons.lesson;
    if (!lesson || link.stepIndex === null) return;
    // The engine must be open before it can be put at a step; a reload of the same step is no jump.
    await opened;
    if (lessons.lesson === lesson && linkNeedsJump(lessons.doneCount, link.stepIndex, lesson.steps.length)) await lessons.jump(link.stepIndex);
  };
  // Until the link is applied the address keeps it, so a reload during the rebuild opens it again.
  let applied = $state(false);
  void start().finally(() => {
    applied = true;
  });

  const stopAddress = $effect.root(() => {
    $effect(() => {
      const lesson = lessons.lesson;
      const step = lesson ? Math.min(lessons.doneCount, lesson.steps.length - 1) : 0;
      if (!applied || lessons.busy) return;
      const search = withLessonLink(win.location.search, lesson?.id ?? null, step);
      if (search !== win.location.search) win.history.replaceState(win.history.state, '', `${win.location.pathname}${search}${win.location.hash}`);
    });
  });

  const files = (e: DragEvent): boolean => e.dataTransfer?.types.includes('Files') ?? false;
  const over = (e: DragEvent): void => {
    if (files(e)) e.preventDefault();
  };
  const drop = (e: DragEvent): void => {
    const file = e.dataTransfer?.files[0];
    if (!file || e.defaultPrevented) return;
    // A file dropped anywhere else would replace the page (and the session) with it.
    e.preventDefault();
    if (!/\.(md|markdown)$/i.test(file.name)) return;
    void file.text().then((text) => lessons.open(text));
  };
  win.addEventListener('dragover', over);
  win.addEventListener('drop', drop);
  return () => {
    stopAddress();
    win.removeEventListener('dragover', over);
    win.removeEventListener('drop', drop);
  };
}
