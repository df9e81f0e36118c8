import type { Check } from './checks';
import type { Lesson } from './lesson';
import { hostSideLesson, lessonHostSide } from './hostSide';
import { dockerCommands } from './shellWords';
import { rewriteLesson } from './rewrite';
import type { StepView } from './view';

/**
 * Per-student names on a shared real engine (lessons/AUTHORING.md, "On the
 * real backend"): every container, volume, network and image repository a
 * lesson makes gets the student's suffix (`web` → `web-ab12`), and the lesson
 * the student reads shows the suffixed names: its commands, the code in its
 * text, its hints and its checks all say `web-ab12`, so what the student types
 * is what runs, with nothing rewritten behind their back.
 *
 * Names are rewritten only as whole shell words of a `docker …` command (or
 * as the part before `:` — `web:/etc`, `hello:v1`, `db:alias`, `--name=web`,
 * `container:web`), never inside other programs' arguments or other words:
 * `web` leaves `website`, `/var/www` and `echo web` alone.
 */

/** What a lesson makes, by kind, as written in the lesson (without a suffix). */
export interface LessonNames {
  containers: string[];
  volumes: string[];
  networks: string[];
  /** Repositories without a tag (`hello` for `hello:v1`, `localhost:5000/app`). */
  images: string[];
}

/** Networks Docker makes itself: never the lesson's, never suffixed. */
const BUILTIN_NETWORKS = new Set(['bridge', 'host', 'none', 'default', 'ingress', 'docker_gwbridge']);

/** A short stable suffix for a student (their session or join id): 4 of [a-z0-9], valid in every Docker name. */
export function studentSuffix(seed: string): string {
  // FNV-1a: stable across page loads and machines, no randomness needed.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  return (h % 36 ** 4).toString(36).padStart(4, '0');
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The argv of every `docker …` command in a line (also inside `$( … )`), quotes removed. */
export function dockerArgv(line: string): string[][] {
  const out: string[][] = [];
  dockerCommands(line, (words) => out.push(words.map((w) => w.value)));
  return out;
}

/** Applies edits (non-overlapping) to a string. */
function applyEdits(s: string, edits: Edit[]): string {
  let out = s;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

// ---------------------------------------------------------------------------
// Which names a lesson makes.

/** `hello:v1` → `hello`; `localhost:5000/app:v1` → `localhost:5000/app`; digests dropped. */
export function repositoryOf(ref: string): string {
  const at = ref.indexOf('@');
  const r = at >= 0 ? ref.slice(0, at) : ref;
  const colon = r.indexOf(':', r.lastIndexOf('/') + 1);
  return colon >= 0 ? r.slice(0, colon) : r;
}

/** `X` of `-v X:/path` when X is a named volume (not a host path). */
function volumeOf(spec: string): string | null {
  const name = spec.split(':')[0]!;
  return spec.includes(':') && name !== '' && !/^[/.~$]/.test(name) ? name : null;
}

/** The value of the flag at `args[i]` (`--name X` or `--name=X`), if it is one of `flags`. */
function flagValue(args: string[], i: number, flags: string[]): string | null {
  const a = args[i]!;
  for (const f of flags) {
    if (a === f) return args[i + 1] ?? null;
    if (a.startsWith(`${f}=`)) return a.slice(f.length + 1);
  }
  return null;
}

/** What one `docker …` command makes, added to `names`. */
function namesMadeBy(args: string[], names: LessonNames): void {
  // args[0] is "docker"; `docker container run` is `docker run`.
  const rest = args.slice(1);
  const [group, sub] = rest;
  const positional = rest.filter((a) => !a.startsWith('-'));
  const last = positional[positional.length - 1];
  rest.forEach((_, i) => {
    const name = flagValue(rest, i, ['--name']);
    if (name) names.containers.push(name);
    const vol = flagValue(rest, i, ['-v', '--volume']);
    const v = vol ? volumeOf(vol) : null;
    if (v) names.volumes.push(v);
    const mount = flagValue(rest, i, ['--mount']);
    const src = mount && /(?:^|,)type=volume(?:,|$)/.test(mount) ? /(?:^|,)(?:source|src)=([^,]+)/.exec(mount)?.[1] : undefined;
    if (src) names.volumes.push(src);
    const tag = group === 'build' || (group === 'image' && sub === 'build') || group === 'buildx' ? flagValue(rest, i, ['-t', '--tag']) : null;
    if (tag) names.images.push(repositoryOf(tag));
  });
  if (!last) return;
  if ((group === 'volume' && sub === 'create') || (group === 'network' && sub === 'create')) {
    if (positional.length >= 3) (group === 'volume' ? names.volumes : names.networks).push(last);
  } else if (group === 'tag' || (group === 'image' && sub === 'tag') || group === 'commit' || (group === 'container' && sub === 'commit')) {
    // The target is the last word; commit's flags (-m "msg", -a, -c) come before the container.
    if (positional.length >= (group === 'tag' || group === 'commit' ? 3 : 4)) names.images.push(repositoryOf(last));
  } else if (group === 'import' || (group === 'image' && sub === 'import')) {
    // `docker import FILE [REPOSITORY[:TAG]]`: without the name the image is untagged.
    if (positional.length >= (group === 'import' ? 3 : 4)) names.images.push(repositoryOf(last));
  }
}

/** Container and network names the checks name (a check about `bridge` is not about the lesson's network). */
function namesInCheck(check: Check, names: LessonNames): void {
  if (check.kind !== 'atom') {
    for (const c of check.checks) namesInCheck(c, names);
    return;
  }
  const fields = check as unknown as Record<string, unknown>;
  for (const key of ['name', 'container']) if (typeof fields[key] === 'string') names.containers.push(fields[key]);
}

/**
 * The names a lesson makes: `--name X`, `docker volume create X`,
 * `docker network create X`, `-v X:/path`, `--mount type=volume,source=X`,
 * `docker tag … X`, `docker build -t X`, `docker commit … X`,
 * `docker import FILE X`, and the containers its checks name.
 */
export function lessonNames(lesson: Pick<Lesson, 'setup' | 'steps'>): LessonNames {
  const names: LessonNames = { containers: [], volumes: [], networks: [], images: [] };
  for (const line of [...lesson.setup, ...lesson.steps.flatMap((s) => s.commands)]) dockerCommands(line, (words) => namesMadeBy(words.map((w) => w.value), names));
  for (const step of lesson.steps) {
    namesInCheck(step.check, names);
    if (step.predict) namesInCheck(step.predict.confirm, names);
  }
  const uniq = (xs: string[]): string[] => [...new Set(xs)].filter((x) => x !== '' && !/[$`]/.test(x));
  return {
    containers: uniq(names.containers),
    volumes: uniq(names.volumes),
    networks: uniq(names.networks).filter((n) => !BUILTIN_NETWORKS.has(n)),
    images: uniq(names.images),
  };
}

/** Every name of the lesson with the suffix, as they appear on the engine. */
export function suffixedNames(names: LessonNames, suffix: string): string[] {
  return [...new Set([...names.containers, ...names.volumes, ...names.networks, ...names.images].map((n) => `${n}-${suffix}`))];
}

// ---------------------------------------------------------------------------
// Rewriting.

interface Renamer {
  /** Names of containers, volumes and networks (the part before `:` in `web:/etc` too). */
  objects: ReadonlySet<string>;
  images: ReadonlySet<string>;
  suffix: string;
}

function renamer(names: LessonNames, suffix: string): Renamer {
  return { objects: new Set([...names.containers, ...names.volumes, ...names.networks]), images: new Set(names.images), suffix };
}

/** One word of a docker command, renamed when it names something the lesson makes. */
function renameWord(w: string, r: Renamer): string {
  if (w.startsWith('-')) {
    const eq = w.indexOf('=');
    if (eq > 0 && /^(--filter|-f)$/.test(w.slice(0, eq))) return w.slice(0, eq + 1) + renameFilter(w.slice(eq + 1), r);
    return eq > 0 ? w.slice(0, eq + 1) + renameWord(w.slice(eq + 1), r) : w;
  }
  if (w.startsWith('container:')) return `container:${renameWord(w.slice('container:'.length), r)}`;
  if (/^(type=|source=|src=|target=|dst=|destination=)/.test(w) && w.includes(',')) return w.split(',').map((kv) => (/^(source|src)=/.test(kv) ? kv.replace(/=(.*)$/, (_, v: string) => `=${renameWord(v, r)}`) : kv)).join(',');
  if (r.objects.has(w) || r.images.has(w)) return `${w}-${r.suffix}`;
  const colon = w.indexOf(':');
  if (colon > 0 && r.objects.has(w.slice(0, colon))) return `${w.slice(0, colon)}-${r.suffix}${w.slice(colon)}`;
  const repo = repositoryOf(w);
  if (repo !== w && r.images.has(repo)) return `${repo}-${r.suffix}${w.slice(repo.length)}`;
  return w;
}

/** A `--filter` value: `container=web`, `name=web`, `ancestor=hello:v1`… name what the lesson makes after the `=`. */
function renameFilter(kv: string, r: Renamer): string {
  const m = /^(container|name|volume|network|ancestor|reference)=(.+)$/.exec(kv);
  // `-f` is also `--force` (docker rm -f web) and `--format`: a word that is no filter is an ordinary one.
  return m ? `${m[1]}=${renameWord(m[2]!, r)}` : renameWord(kv, r);
}

function renameLine(line: string, r: Renamer): string {
  const edits: Edit[] = [];
  dockerCommands(line, (words, offset) => {
    words.slice(1).forEach((w, i) => {
      if (!w.plain) return;
      const text = /^(--filter|-f)$/.test(words[i]!.value) ? renameFilter(w.value, r) : renameWord(w.value, r);
      if (text !== w.value) edits.push({ start: offset + w.start, end: offset + w.end, text });
    });
  });
  return applyEdits(line, edits);
}

/** A shell line with the lesson's names suffixed where `docker` commands use them. */
export function suffixLine(line: string, names: LessonNames, suffix: string): string {
  return renameLine(line, renamer(names, suffix));
}

/** Prose: code spans that are a docker command or exactly a name; a text that is a bare docker command (a hint). */
function renameText(text: string, r: Renamer): string {
  if (/^docker\s/.test(text.trim()) && !text.includes('`')) return renameLine(text, r);
  return text.replace(/`([^`\n]+)`/g, (all, code: string) => {
    if (/(^|[\s;&|(])docker\s/.test(code)) return `\`${renameLine(code, r)}\``;
    // Flags quoted on their own (`--network container:web`) are a docker command's words too.
    if (code.startsWith('-')) return `\`${renameLine(`docker ${code}`, r).slice('docker '.length)}\``;
    const renamed = renameWord(code, r);
    return renamed !== code ? `\`${renamed}\`` : all;
  });
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regular expression's source with the names renamed where they stand as words (not inside `website` or `/var/www`). */
function renamePattern(source: string, r: Renamer): string {
  const all = [...r.objects, ...r.images].sort((a, b) => b.length - a.length);
  if (all.length === 0) return source;
  const any = new RegExp(`(?<![\\w./-])(${all.map(escapeRegExp).join('|')})(?![\\w/-])`, 'g');
  return source.replace(any, (n) => `${n}-${r.suffix}`);
}

/** Check fields that hold a container, volume or network name, and those that hold an image reference. */
const OBJECT_FIELDS = new Set(['name', 'container', 'network', 'volume', 'mode']);
const IMAGE_FIELDS = new Set(['ref', 'base', 'image']);

function renameCheck(check: Check, r: Renamer): Check {
  if (check.kind !== 'atom') return { ...check, checks: check.checks.map((c) => renameCheck(c, r)) };
  const out: Record<string, unknown> = { ...check };
  const objectsOnly: Renamer = { ...r, images: new Set() };
  const imagesOnly: Renamer = { ...r, objects: new Set() };
  for (const [key, v] of Object.entries(check)) {
    if (v instanceof RegExp) out[key] = new RegExp(renamePattern(v.source, r), v.flags);
    else if (typeof v === 'string' && OBJECT_FIELDS.has(key)) out[key] = renameWord(v, objectsOnly);
    else if (typeof v === 'string' && IMAGE_FIELDS.has(key)) out[key] = renameWord(v, imagesOnly);
  }
  // The sentence as written, for messages: its names as words, the same way.
  out.source = renamePattern(check.source, r);
  return out as Check;
}

/** The view's container, and a volume or image it points at, are the lesson's names too. */
function renameView(view: StepView, r: Renamer): StepView {
  const point = view.point;
  const renamed =
    point?.kind === 'volume' ? { ...point, name: renameWord(point.name, { ...r, images: new Set() }) }
    : point?.kind === 'image' ? { ...point, name: renameWord(point.name, { ...r, objects: new Set() }) }
    : point;
  return { ...view, ...(view.container ? { container: renameWord(view.container, { ...r, images: new Set() }) } : {}), ...(renamed ? { point: renamed } : {}) };
}

/**
 * The lesson as one student on a shared engine reads it: every name it makes
 * carries `-suffix` in its commands, set-up, text, hints, predictions and
 * checks, and so do the scratch host paths it binds, while its published host
 * ports carry the student's offset (hostSide.ts). Output checks
 * (`contains "…"`) keep their names as written: they quote what a program
 * prints, which a suffixed name still contains.
 */
export function suffixLesson<L extends Lesson>(lesson: L, suffix: string, names: LessonNames = lessonNames(lesson)): L {
  const r = renamer(names, suffix);
  const renamed = rewriteLesson(lesson, {
    line: (l) => renameLine(l, r),
    text: (t) => renameText(t, r),
    check: (c) => renameCheck(c, r),
    view: (v) => renameView(v, r),
    created: (c) => renameWord(c, r),
  });
  // What the host side is comes from the lesson as written; the renamed one is rewritten.
  return hostSideLesson(renamed, suffix, lessonHostSide(lesson));
}
