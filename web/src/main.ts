import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { AppState } from './app/appState.svelte';
import { initialBackend, takeAgentToken } from './app/backends';
import { followLessonLink } from './app/lessonLink.svelte';
import { getLocale } from './i18n/locale.svelte';
import { StudentLink } from './classroom/studentLink.svelte';
import { takeTeacherToken } from './classroom/teacherToken';

document.documentElement.lang = getLocale();

const target = document.getElementById('app')!;
const teacherToken = takeTeacherToken(window.location, window.history, window.sessionStorage);

if (teacherToken !== null) {
  // The teacher's page (served by `glassbox classroom`): no simulator, only the class.
  const [{ default: TeacherPage }, { TeacherState }] = await Promise.all([import('./classroom/TeacherPage.svelte'), import('./classroom/teacherState.svelte')]);
  mount(TeacherPage, { target, props: { teacher: new TeacherState(window.location, teacherToken) } });
} else {
  const page = takeAgentToken(window.location, window.history, window.sessionStorage);
  const app = new AppState(page);
  const opened = app.use(initialBackend(page));
  // `?lesson=<id>&step=<n>` or `?lessonUrl=…` opens a lesson; the address follows the student from then on.
  followLessonLink(app, window, opened);
  // A class code in the address (`?join=CODE`) opens the join dialog; it leaves the address once read.
  const params = new URLSearchParams(window.location.search);
  const joinCode = params.get('join');
  if (joinCode !== null) {
    params.delete('join');
    const rest = params.toString();
    window.history.replaceState(null, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`);
  }
  const classroom = new StudentLink(window.location, (goto) => app.requestStep(goto.lesson, goto.stepIndex));
  mount(App, { target, props: { app, classroom, joinCode } });
  // The course is not in the first load; fetch it once the page is idle so the lesson menu opens full.
  const whenIdle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 1000));
  whenIdle(() => void app.lessons.loadCourse(), { timeout: 3000 });
}
