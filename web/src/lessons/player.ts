import type { Snapshot } from '../../../core/model';
import type { Lesson } from '../../../lessons/lesson';
import type { StepView, ViewTab } from '../../../lessons/view';

/**
 * The lesson player's pure parts: where progress is kept per backend, the
 * lines that rebuild a step's start state, the lesson link in the address,
 * and what a step's view points at in the diagrams.
 */
export type LessonBackend = 'sim' | 'real';

/** Progress is kept per backend: the simulator and a real engine are different machines. */
export function progressKey(kind: LessonBackend, lessonId: string): string {
  return `glassbox.lesson.${kind}.${lessonId}.progress`;
}

/** Before progress was per backend it was the simulator's, under this key. */
export function legacyProgressKey(lessonId: string): string {
  return `glassbox.lesson.${lessonId}.progress`;
}

/** Set once a student has passed a lesson's last step on that backend (a jump does not set it). */
export function completedKey(kind: LessonBackend, lessonId: string): string {
  return `glassbox.lesson.${kind}.${lessonId}.completed`;
}

/** The lines that put a fresh engine at the start of step `index` (0-based): the set-up, then the solutions of the steps before it. */
export function linesUpTo(lesson: Lesson, index: number): string[] {
  const n = Math.max(0, Math.min(index, lesson.steps.length));
  return [...lesson.setup, ...lesson.steps.slice(0, n).flatMap((s) => s.commands)];
}

/** What rebuilding needs from the engine: the simulator's `rebuild` (Backend port). */
export interface Rebuilder {
  rebuild?(lines: string[]): Promise<void>;
}

/**
 * Puts the engine at the start of step `index`: as a fresh engine with the
 * set-up, then the solutions of the steps before it, run on it. The simulator
 * jumps through its timeline (backends/sim/timeline.ts `jumpTo`): lines it
 * already ran are reused, the student's own kept as a branch. Resolves false
 * when the backend cannot rebuild (a real engine), so only the pane moves.
 */
export async function rebuildAtStep(engine: Rebuilder, lesson: Lesson, index: number): Promise<boolean> {
  if (!engine.rebuild) return false;
  await engine.rebuild(linesUpTo(lesson, index));
  return true;
}

/** A lesson link in the page's address: `?lesson=<id>&step=<n>` (n from 1), or a lesson file `?lessonUrl=<url>`. */
export interface LessonLink {
  lesson: string | null;
  /** 0-based; null when absent or not a positive whole number. */
  stepIndex: number | null;
  lessonUrl: string | null;
}

export function readLessonLink(search: string): LessonLink {
  const params = new URLSearchParams(search);
  const step = params.get('step');
  const n = step !== null && /^[1-9]\d{0,3}$/.test(step) ? Number(step) - 1 : null;
  return { lesson: params.get('lesson') || null, stepIndex: n, lessonUrl: params.get('lessonUrl') || null };
}

/** The address's query with the lesson link set to `lessonId` at step `stepIndex` (0-based), or removed; other parameters kept. */
export function withLessonLink(search: string, lessonId: string | null, stepIndex: number): string {
  const params = new URLSearchParams(search);
  params.delete('lessonUrl');
  if (lessonId === null) {
    params.delete('lesson');
    params.delete('step');
  } else {
    params.set('lesson', lessonId);
    params.set('step', String(stepIndex + 1));
  }
  const rest = params.toString();
  return rest ? `?${rest}` : '';
}

/** `raw` resolved against the page, if it is on the page's own origin; null otherwise (a lesson from elsewhere is refused). */
export function sameOriginUrl(raw: string, pageHref: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw, pageHref);
  } catch {
    return null;
  }
  return url.origin === new URL(pageHref).origin ? url : null;
}

/** The step the link's step index lands on: where the student's saved progress already is, or a jump. */
export function linkNeedsJump(savedDoneCount: number, stepIndex: number, stepCount: number): boolean {
  const target = Math.min(stepIndex, stepCount - 1);
  // A finished lesson's link names its last step: a reload of it is not a jump back.
  if (savedDoneCount >= stepCount && target === stepCount - 1) return false;
  return savedDoneCount !== target;
}

/** What the step's view asks of the diagrams, resolved against the current snapshot. */
export interface StepFocus {
  tab: ViewTab;
  /** The container to select, once it exists. */
  containerId: string | null;
  /** What to light up through the highlight store. */
  targets: { kind: 'cgroup' | 'interface'; id: string }[];
  /** An element of the diagram to point at, as a CSS selector. */
  selector: string | null;
}

function cssString(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** `busybox` is `busybox:latest`, as the image's tags list it (a registry's port is not a tag). */
function withTag(ref: string): string {
  return /:[^/]*$/.test(ref) ? ref : `${ref}:latest`;
}

/** Which of a tab's two drawings the point is in: an image is in the layer-sharing view, a volume in the engine's volumes. */
export function focusSubview(view: StepView): { layers: 'container' | 'sharing'; volumes: 'container' | 'engine' } {
  return { layers: view.point?.kind === 'image' ? 'sharing' : 'container', volumes: view.point?.kind === 'volume' ? 'engine' : 'container' };
}

export function stepFocus(view: StepView, snapshot: Snapshot | null): StepFocus {
  const c = view.container ? snapshot?.containers.find((x) => x.name === view.container) : undefined;
  const targets: StepFocus['targets'] = [];
  let selector: string | null = null;
  const point = view.point;
  if (point?.kind === 'whiteout') selector = `[data-path=${cssString(point.path)}][data-type="deleted"]`;
  else if (point?.kind === 'row') selector = `[data-path=${cssString(point.path)}]`;
  else if (point?.kind === 'play') selector = '[data-testid="play-packet"]';
  else if (point?.kind === 'mount') selector = `[data-mount=${cssString(point.path)}]`;
  else if (point?.kind === 'volume') selector = `[data-volume=${cssString(point.name)}]`;
  else if (point?.kind === 'image') selector = `[data-tags~=${cssString(withTag(point.name))}]`;
  else if (point?.kind === 'registry') selector = `[data-registry=${cssString(point.name)}]`;
  else if (point?.kind === 'state') selector = `[data-state=${cssString(point.name)}]`;
  else if (point?.kind === 'ns' && c) selector = `[data-ns-row=${cssString(c.name)}] [data-ns=${cssString(point.name)}]`;
  else if (point?.kind === 'cgroup' && c) {
    const cg = (snapshot?.cgroups ?? []).find((g) => g.containerId === c.id);
    if (cg) {
      targets.push({ kind: 'cgroup', id: cg.path });
      selector = '.dir.lit';
    }
  } else if (point?.kind === 'veth' && c) {
    const all = snapshot?.interfaces ?? [];
    for (const inside of all.filter((i) => i.netns === c.id && i.kind === 'veth')) {
      const peer = all.find((i) => i.netns !== c.id && (i.ifindex === inside.peerIfindex || i.peerIfindex === inside.ifindex) && i.kind === 'veth');
      targets.push({ kind: 'interface', id: inside.name });
      if (peer) targets.push({ kind: 'interface', id: peer.name });
    }
    if (targets.length > 0) selector = '.iface.lit';
  }
  return { tab: view.tab, containerId: c?.id ?? null, targets, selector };
}
