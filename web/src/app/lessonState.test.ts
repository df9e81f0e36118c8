import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContainerSnapshot, ContainerState, Snapshot } from '../../../core/model';
import { LessonState, type LessonEngine } from './lessonState.svelte';

/** A three-step lesson: run, stop (with a prediction), remove. */
const DEMO = `---
id: demo
title:
  en: Demo
summary:
  en: A demo.
languages: [en]
setup:
  - docker pull busybox
creates: [web]
---

## Run {#run}

Run it.

> hint: first hint
> hint: second hint

\`\`\`cmd
docker run -d --name web busybox sleep 300
\`\`\`

\`\`\`view
tab: kernel
container: web
point: cgroup
\`\`\`

\`\`\`check
container web is running
\`\`\`

## Stop {#stop}

Stop it.

> predict: Exit code?
> a) 0
> b) 137

\`\`\`cmd
docker stop web
\`\`\`

\`\`\`view
tab: lifecycle
container: web
\`\`\`

\`\`\`predict
answer: b
confirm: container web exited with code 137
\`\`\`

\`\`\`check
container web exited with code 137
\`\`\`

## Remove {#rm}

Remove it.

\`\`\`cmd
docker rm web
\`\`\`

\`\`\`check
container web is absent
\`\`\`
`;

function snap(...containers: [name: string, state: ContainerState, exitCode?: number][]): Snapshot {
  return {
    kind: 'sim',
    time: 0,
    images: [],
    containers: containers.map(([name, state, exitCode = 0]) => ({ id: name.padEnd(64, '0'), name, state, exitCode }) as ContainerSnapshot),
  };
}

/** localStorage as the page has it, for Node. */
function memoryStorage(): Storage {
  const m = new Map<string, string>();
  return {
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  };
}

/** A simulator that rebuilds: it records the lines and answers with the state they leave. */
function simEngine(state: LessonState, after: (lines: string[]) => Snapshot): LessonEngine & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    kind: 'sim',
    calls,
    async rebuild(lines) {
      calls.push(lines);
      // What the page sees while the engine is rebuilt is not the student's doing.
      state.observe(snap(['web', 'running']));
      state.observe(after(lines));
    },
  };
}

function demo(): LessonState {
  const state = new LessonState();
  expect(state.open(DEMO)).toBeNull();
  state.observe(snap());
  return state;
}

beforeEach(() => {
  vi.stubGlobal('localStorage', memoryStorage());
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the lesson player, on the simulator', () => {
  it('opens a lesson file: it joins the menu and is followed from its first step', () => {
    const state = demo();
    expect(state.all.at(-1)?.id).toBe('demo');
    expect(state.lesson?.id).toBe('demo');
    expect(state.doneCount).toBe(0);
    // A reload finds it again, and its progress.
    state.observe(snap(['web', 'running']));
    const again = new LessonState();
    expect(again.lesson?.id).toBe('demo');
    expect(again.doneCount).toBe(1);
  });

  it('refuses a file that is not a lesson, saying why', () => {
    const state = new LessonState();
    expect(state.open('# just notes')).not.toBeNull();
    expect(state.notice).toMatchObject({ key: 'lesson.notice.badFile', params: { reason: 'line 1: a lesson starts with front matter: a line "---"' } });
  });

  it('after a mistake says why the step is not done, then moves on when it is', () => {
    const state = demo();
    expect(state.why).toBeNull();
    // `slep` is not a program: the container exits at once with 127.
    state.observe(snap(['web', 'exited', 127]));
    state.lineDone('docker run -d --name web busybox slep 300', 0, '');
    expect(state.why?.en).toBe('`web` exists but is `exited`, not `running`: its main process ended with code 127');
    expect(state.doneCount).toBe(0);
    state.observe(snap());
    state.observe(snap(['web', 'running']));
    expect(state.doneCount).toBe(1);
    expect(state.why).toBeNull();
  });

  it('jumps to a step by rebuilding the engine from the set-up and the solutions before it', async () => {
    const state = demo();
    const engine = simEngine(state, () => snap(['web', 'exited', 137]));
    state.engine = engine;
    await state.jump(2);
    expect(engine.calls).toEqual([['docker pull busybox', 'docker run -d --name web busybox sleep 300', 'docker stop web']]);
    // The states the rebuild passed through did not move progress; the step starts from the rebuilt state.
    expect(state.doneCount).toBe(2);
    expect(state.status(2)).toBe('current');
    expect(state.notice).toBeNull();
    state.observe(snap());
    expect(state.complete).toBe(true);
  });

  it('back and forward move one step, rebuilding each time', async () => {
    const state = demo();
    const engine = simEngine(state, (lines) => (lines.length === 2 ? snap(['web', 'running']) : snap()));
    state.engine = engine;
    await state.next();
    expect(state.doneCount).toBe(1);
    await state.prev();
    expect(state.doneCount).toBe(0);
    expect(engine.calls.map((l) => l.length)).toEqual([2, 1]);
    // No step before the first.
    await state.prev();
    expect(engine.calls).toHaveLength(2);
  });

  it('restart rebuilds the set-up alone and puts progress back at step 1', async () => {
    const state = demo();
    state.observe(snap(['web', 'running']));
    expect(state.doneCount).toBe(1);
    const engine = simEngine(state, () => snap());
    state.engine = engine;
    await state.restart();
    expect(engine.calls).toEqual([['docker pull busybox']]);
    expect(state.doneCount).toBe(0);
    expect(new LessonState().doneCount).toBe(0);
  });

  it('says so when the engine could not be rebuilt, and leaves the student where they were', async () => {
    const state = demo();
    state.engine = { kind: 'sim', rebuild: () => Promise.reject(new Error('worker gone')) };
    await state.jump(1);
    expect(state.notice).toMatchObject({ key: 'lesson.notice.failed', params: { reason: 'worker gone' } });
    expect(state.busy).toBe(false);
  });
});

describe('progress per backend', () => {
  it('keeps the simulator\'s and the real engine\'s progress apart', () => {
    const state = demo();
    state.observe(snap(['web', 'running']));
    expect(state.doneCount).toBe(1);
    state.setBackend('real');
    expect(state.doneCount).toBe(0);
    state.observe(snap(['web', 'running']));
    state.observe(snap(['web', 'exited', 137]));
    expect(state.doneCount).toBe(2);
    state.setBackend('sim');
    expect(state.doneCount).toBe(1);
    state.setBackend('real');
    expect(state.doneCount).toBe(2);
  });

  it('marks a lesson completed (the menu\'s ✓) on the backend it was finished on, and not by jumping', async () => {
    const state = demo();
    state.engine = { kind: 'sim', rebuild: async () => state.observe(snap(['web', 'exited', 137])) };
    await state.jump(2);
    expect(state.isCompleted('demo')).toBe(false);
    state.observe(snap());
    expect(state.complete).toBe(true);
    expect(state.isCompleted('demo')).toBe(true);
    state.setBackend('real');
    expect(state.isCompleted('demo')).toBe(false);
  });

  it('on a real engine a jump moves only the pane, and says so', async () => {
    const state = demo();
    state.setBackend('real');
    state.engine = { kind: 'real' };
    state.observe(snap(['web', 'running']));
    state.observe(snap(['web', 'exited', 137]));
    expect(state.doneCount).toBe(2);
    await state.jump(0);
    expect(state.notice?.key).toBe('lesson.notice.paneOnly');
    // The engine still has what step 1 made, yet the student stays on it until they run a line for it.
    state.observe(snap(['web', 'exited', 137]));
    expect(state.doneCount).toBe(0);
    state.lineDone('docker ps', 0, '');
    expect(state.doneCount).toBe(0);
    state.observe(snap(['web', 'running']));
    expect(state.doneCount).toBe(1);
  });

  it('on a real engine restart removes the lesson\'s own objects when the agent offers it, and says plainly when not', async () => {
    const state = demo();
    state.setBackend('real');
    const resetLesson = vi.fn(async () => state.observe(snap()));
    state.engine = { kind: 'real', resetLesson };
    state.observe(snap(['web', 'running']));
    await state.restart();
    expect(resetLesson).toHaveBeenCalledWith(['web'], ['docker pull busybox']);
    expect(state.doneCount).toBe(0);
    expect(state.notice).toBeNull();

    state.engine = { kind: 'real' };
    await state.restart();
    expect(state.notice?.key).toBe('lesson.notice.noReset');
  });
});

describe('predict, then run', () => {
  it.each([
    ['the right answer', 'b', true],
    ['a wrong answer', 'a', false],
  ])('%s is judged on what the engine did after the line ran', (_what, chosen, held) => {
    const state = demo();
    state.observe(snap(['web', 'running']));
    state.predict(chosen);
    expect(state.predictions['stop']).toEqual({ chosen, held: null });
    state.observe(snap(['web', 'exited', 137]));
    state.lineDone('docker stop web', 0, 'web\n');
    expect(state.doneCount).toBe(2);
    expect(state.predictions['stop']).toEqual({ chosen, held });
    // Once judged, the answer is fixed.
    state.predict(chosen === 'a' ? 'b' : 'a');
    expect(state.predictions['stop']?.chosen).toBe(chosen);
  });

  it('is not judged before a line ran for the step', () => {
    const state = demo();
    state.observe(snap(['web', 'running']));
    state.predict('b');
    state.observe(snap(['web', 'running']));
    expect(state.predictions['stop']?.held).toBeNull();
  });
});

describe('each step names its view', () => {
  it('comes forward when the step is reached, stays while its result shows, and gives way when the next line starts', async () => {
    const state = demo();
    expect(state.focus?.view).toEqual({ tab: 'kernel', container: 'web', point: { kind: 'cgroup' } });
    const first = state.focus!.seq;
    state.lineStarted();
    state.observe(snap(['web', 'running']));
    expect(state.doneCount).toBe(1);
    // The run step's view still shows the container it started.
    expect(state.focus?.seq).toBe(first);
    state.lineStarted();
    expect(state.focus?.view.tab).toBe('lifecycle');
    expect(state.focus!.seq).toBe(first + 1);
    // A jump back brings the step's view forward again at once.
    state.engine = { kind: 'sim', rebuild: async () => state.observe(snap()) };
    await state.jump(0);
    expect(state.focus?.view.tab).toBe('kernel');
  });
});

describe('hints, challenge mode and running the step', () => {
  it('shows hints one at a time, then the solution', () => {
    const state = demo();
    state.toggleChallenge();
    expect(state.challenge).toBe(true);
    state.nextHint();
    expect([state.hintsShown, state.solutionShown]).toEqual([1, false]);
    state.nextHint();
    expect([state.hintsShown, state.solutionShown]).toEqual([2, false]);
    state.nextHint();
    expect(state.solutionShown).toBe(true);
    // A new step hides them again; challenge mode is remembered.
    state.observe(snap(['web', 'running']));
    expect([state.hintsShown, state.solutionShown]).toEqual([0, false]);
    expect(new LessonState().challenge).toBe(true);
  });

  it('runStepCommand types the current step\'s command at the terminal', () => {
    const state = demo();
    const ran: string[] = [];
    expect(state.runStepCommand()).toBe(false);
    state.runner = (c) => (ran.push(c), true);
    expect(state.runStepCommand()).toBe(true);
    state.observe(snap(['web', 'running']));
    state.runStepCommand();
    expect(ran).toEqual(['docker run -d --name web busybox sleep 300', 'docker stop web']);
  });
});

/** DEMO with its Stop step marked sim-only, or (`lesson`) the whole lesson. */
function simOnlyDemo(which: 'step' | 'lesson'): LessonState {
  const source =
    which === 'step'
      ? DEMO.replace('Stop it.\n', 'Stop it.\n\n> sim-only: Stopping it would stop the class\'s shared engine.\n')
      : DEMO.replace('languages: [en]\n', 'languages: [en]\nsim-only:\n  en: It swaps the engine\'s storage driver.\n');
  const state = new LessonState();
  expect(state.open(source)).toBeNull();
  state.observe(snap());
  return state;
}

describe('sim-only steps and lessons', () => {
  it('on a real engine a sim-only step gives its reason and can be skipped, without running it', () => {
    const state = simOnlyDemo('step');
    state.setBackend('real');
    state.engine = { kind: 'real' };
    expect(state.stepSimOnly(0)).toBeNull();
    expect(state.stepSimOnly(1)).toMatchObject({ en: 'Stopping it would stop the class\'s shared engine.' });
    // Only the current step, and only a sim-only one, is skipped.
    state.skipStep();
    expect(state.doneCount).toBe(0);
    state.observe(snap(['web', 'running']));
    expect(state.doneCount).toBe(1);
    // Its command is not typed at the terminal for the student (presenter mode's strip).
    const ran: string[] = [];
    expect(state.runStepCommand((c) => (ran.push(c), true))).toBe(false);
    expect(ran).toEqual([]);
    state.skipStep();
    expect(state.doneCount).toBe(2);
    expect(state.status(1)).toBe('done');
    // The engine was not touched: step 3 counts once the student runs its line.
    state.observe(snap());
    expect(state.doneCount).toBe(2);
    state.lineDone('docker rm -f web', 0, 'web\n');
    state.observe(snap());
    expect(state.complete).toBe(true);
    // Progress on the real engine is kept with the skip.
    expect(new LessonState().doneCount).toBe(0);
  });

  it('on the simulator a sim-only step is an ordinary step: no reason shown, no skip', () => {
    const state = simOnlyDemo('step');
    state.observe(snap(['web', 'running']));
    expect(state.stepSimOnly(1)).toBeNull();
    expect(state.runStepCommand(() => true)).toBe(true);
    state.skipStep();
    expect(state.doneCount).toBe(1);
    state.observe(snap(['web', 'exited', 137]));
    expect(state.doneCount).toBe(2);
  });

  it('a sim-only lesson shows its reason on a real engine and its steps are not checked there; on the simulator they are', () => {
    const state = simOnlyDemo('lesson');
    state.setBackend('real');
    expect(state.lessonSimOnly).toMatchObject({ en: 'It swaps the engine\'s storage driver.' });
    state.lineDone('docker run -d --name web busybox sleep 300', 0, '');
    state.observe(snap(['web', 'running']));
    expect(state.doneCount).toBe(0);
    state.setBackend('sim');
    expect(state.lessonSimOnly).toBeNull();
    state.observe(snap(['web', 'running']));
    expect(state.doneCount).toBe(1);
  });
});

describe('the teacher moves the class to a step', () => {
  it('on the simulator puts the engine at that step\'s start, as a jump does', async () => {
    const state = demo();
    const engine = simEngine(state, () => snap(['web', 'exited', 137]));
    state.engine = engine;
    state.collapsed = true;
    await state.goTo(2);
    expect(engine.calls).toEqual([['docker pull busybox', 'docker run -d --name web busybox sleep 300', 'docker stop web']]);
    expect(state.doneCount).toBe(2);
    expect(state.collapsed).toBe(false);
    expect(state.notice).toBeNull();
  });

  it('waits for a rebuild under way, then rebuilds at the teacher\'s step', async () => {
    const state = demo();
    const engine = simEngine(state, (lines) => (lines.length === 2 ? snap(['web', 'running']) : snap()));
    state.engine = engine;
    const jumping = state.jump(1);
    const pushed = state.goTo(0);
    await Promise.all([jumping, pushed]);
    expect(engine.calls.map((l) => l.length)).toEqual([2, 1]);
    expect(state.doneCount).toBe(0);
  });

  it('on a real engine moves only the pane, and says so', async () => {
    const state = demo();
    state.setBackend('real');
    state.engine = { kind: 'real' };
    await state.goTo(1);
    expect(state.doneCount).toBe(1);
    expect(state.notice?.key).toBe('lesson.notice.classPaneOnly');
    // The engine's state is not credited to the step until the student runs a line for it.
    state.observe(snap(['web', 'exited', 137]));
    expect(state.doneCount).toBe(1);
  });
});
