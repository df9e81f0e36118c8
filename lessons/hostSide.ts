import type { Check } from './checks';
import type { Lesson } from './lesson';
import { dockerCommands } from './shellWords';
import { rewriteLesson } from './rewrite';
import type { StepView } from './view';

/**
 * Per-student host ports and host paths on a shared real engine
 * (lessons/AUTHORING.md, "On the real backend"), in the style of the name
 * suffix: the lesson the student reads shows the rewritten port and path, so
 * what they type is what runs. `-p 8080:80` becomes `-p 24105:80` and
 * `curl localhost:8080` `curl localhost:24105` (8080 plus student ab12's
 * offset); `-v /tmp/site:/usr/share/nginx/html` becomes
 * `-v /tmp/site-ab12:/usr/share/nginx/html`. Container-side ports and paths
 * never change.
 */

/**
 * Offsets are 10000 + (0..12767): a lesson's host port (1..9999) lands in
 * 10001..32766, below Docker's ephemeral range for `-P` (32768–60999), and
 * above the usual service ports (8080, 9000, 9090…) a machine may already use.
 * Step 1, not a wider stride: a stride keeps neighbouring ports (8081/8082)
 * apart across students but divides the number of offsets by as much, and the
 * number of offsets is what keeps two students of a class apart.
 */
const PORT_BASE = 10000;
const PORT_SPAN = 12768;
/** The highest host port a lesson may publish: with the largest offset it stays below 32768. */
export const MAX_LESSON_PORT = 9999;

/** Addresses that are this host: `ADDR:PORT` with a published port is a host port. */
const HOST_ADDRS = ['localhost', '127.0.0.1', '0.0.0.0', '172.17.0.1', 'host.docker.internal'];

/** What of the host a lesson uses: the host ports it publishes and the host paths (under /tmp) it binds or copies. */
export interface HostSide {
  ports: number[];
  paths: string[];
  /** Container ports and paths the lesson names: a bare `5000` or `/tmp/greeting` in prose that is also one of these is left alone. */
  containerPorts: number[];
  containerPaths: string[];
}

/** The student's port offset, from their suffix (FNV-1a again, so it is stable everywhere the suffix is). */
export function portOffset(suffix: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < suffix.length; i++) h = Math.imul(h ^ suffix.charCodeAt(i), 0x01000193) >>> 0;
  return PORT_BASE + (h % PORT_SPAN);
}

/** A lesson's host port as the student publishes it. */
export function studentPort(port: number, suffix: string): number {
  return port + portOffset(suffix);
}

/** `8080:80`, `127.0.0.1:8080:80`, `8080:80/udp` → host port and container port; `80` alone (a random host port) → null. */
function publishSpec(spec: string): { host: number; container: number } | null {
  const m = /^(?:[\d.]+:|localhost:)?(\d+):(\d+)(?:\/\w+)?$/.exec(spec);
  return m ? { host: Number(m[1]), container: Number(m[2]) } : null;
}

const isScratch = (p: string): boolean => /^\/tmp\/[^/]+/.test(p);
const containerPath = (spec: string): string | null => /^[\w.-]+:(\/.*)$/.exec(spec)?.[1] ?? null;

/** The value of `-p X`, `-pX`, `--publish X`, `--publish=X` at args[i] (and the index of the word holding it). */
function publishAt(args: string[], i: number): { value: string; at: number; prefix: string } | null {
  const a = args[i]!;
  if ((a === '-p' || a === '--publish') && i + 1 < args.length) return { value: args[i + 1]!, at: i + 1, prefix: '' };
  for (const p of ['--publish=', '-p=', '-p']) if (a.startsWith(p) && a.length > p.length) return { value: a.slice(p.length), at: i, prefix: p };
  return null;
}

function volumeAt(args: string[], i: number): { value: string; at: number; prefix: string } | null {
  const a = args[i]!;
  if ((a === '-v' || a === '--volume' || a === '--mount') && i + 1 < args.length) return { value: args[i + 1]!, at: i + 1, prefix: '' };
  for (const p of ['--volume=', '--mount=']) if (a.startsWith(p)) return { value: a.slice(p.length), at: i, prefix: p };
  return null;
}

/** `run`/`create` (also `container run`), `cp` (also `container cp`), or other. */
function verbOf(args: string[]): string {
  const [, group, sub] = args;
  return group === 'container' ? (sub ?? '') : (group ?? '');
}

/** Bind sources (`-v /tmp/x:/y`, `--mount type=bind,source=/tmp/x`) and their targets. */
function bindOf(spec: string): { host: string | null; target: string | null } {
  if (spec.includes('=')) {
    const kv = Object.fromEntries(spec.split(',').map((p) => [p.split('=')[0], p.slice(p.indexOf('=') + 1)]));
    const target = kv.target ?? kv.dst ?? kv.destination ?? null;
    const src = kv.source ?? kv.src;
    return { host: kv.type === 'bind' && src ? src : null, target };
  }
  const parts = spec.split(':');
  if (parts.length < 2) return { host: null, target: parts[0] ?? null };
  return { host: parts[0]!.startsWith('/') ? parts[0]! : null, target: parts[1]! };
}

function collectCheck(check: Check, hs: HostSide): void {
  if (check.kind !== 'atom') {
    for (const c of check.checks) collectCheck(c, hs);
    return;
  }
  if (check.form === 'publishes') {
    hs.ports.push(check.hostPort);
    hs.containerPorts.push(check.containerPort);
  } else if (check.form === 'mount') {
    if (check.hostPath && isScratch(check.hostPath)) hs.paths.push(check.hostPath);
    hs.containerPaths.push(check.destination);
  } else if (check.form === 'upper') hs.containerPaths.push(check.path);
}

/** The host ports a lesson publishes and the scratch host paths it binds or copies, with the container sides it names. */
export function lessonHostSide(lesson: Pick<Lesson, 'setup' | 'steps'>): HostSide {
  const hs: HostSide = { ports: [], paths: [], containerPorts: [], containerPaths: [] };
  for (const line of [...lesson.setup, ...lesson.steps.flatMap((s) => s.commands)]) {
    dockerCommands(line, (words) => {
      const args = words.map((w) => w.value);
      const verb = verbOf(args);
      if (verb === 'cp') {
        for (const a of args.slice(2).filter((x) => !x.startsWith('-') && x !== 'cp')) {
          const inside = containerPath(a);
          if (inside) hs.containerPaths.push(inside);
          else if (isScratch(a)) hs.paths.push(a);
        }
        return;
      }
      if (verb !== 'run' && verb !== 'create') return;
      args.forEach((_, i) => {
        const pub = publishAt(args, i);
        const spec = pub ? publishSpec(pub.value) : null;
        if (spec) {
          hs.ports.push(spec.host);
          hs.containerPorts.push(spec.container);
        }
        const vol = volumeAt(args, i);
        if (vol) {
          const { host, target } = bindOf(vol.value);
          if (host && isScratch(host)) hs.paths.push(host);
          if (target) hs.containerPaths.push(target);
        }
      });
    });
  }
  for (const step of lesson.steps) {
    collectCheck(step.check, hs);
    if (step.predict) collectCheck(step.predict.confirm, hs);
  }
  const uniq = <T>(xs: T[]): T[] => [...new Set(xs)];
  return { ports: uniq(hs.ports), paths: uniq(hs.paths).sort((a, b) => b.length - a.length), containerPorts: uniq(hs.containerPorts), containerPaths: uniq(hs.containerPaths) };
}

// ---------------------------------------------------------------------------
// Rewriting.

interface Mover {
  hs: HostSide;
  suffix: string;
  offset: number;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ADDR_BEFORE = new RegExp(`(?:^|[^\\w.-])(?:${HOST_ADDRS.map(escapeRegExp).join('|')}):$`);

/** Whether the path is also a container path of the lesson (then only its clearly host-side uses move). */
function ambiguousPath(p: string, m: Mover): boolean {
  return m.hs.containerPaths.some((c) => c === p || c.startsWith(`${p}/`));
}

/**
 * Ports in a text, by what stands before and after them: `ADDR:8080`,
 * `-p 8080:`, `--dport 8080`, `dpt:8080`, `8080->` always; a bare `8080`
 * (prose: "port 8080") only when `bare` and the lesson uses no container port
 * of that number.
 */
function movePorts(text: string, m: Mover, bare: boolean): string {
  if (m.hs.ports.length === 0) return text;
  return text.replace(/(?<![\w.])\d{1,5}(?!\w|\.\d)/g, (n, at: number) => {
    const port = Number(n);
    if (!m.hs.ports.includes(port)) return n;
    const before = text.slice(Math.max(0, at - 40), at);
    const after = text.slice(at + n.length, at + n.length + 2);
    const moved = String(port + m.offset);
    if (ADDR_BEFORE.test(before)) return moved;
    if (/(?:^|\s)(?:-p|--publish)[\s=]?(?:[\d.]+:|localhost:)?$/.test(before) && after.startsWith(':')) return moved;
    if (/(?:--dport\s+|dpt:)$/.test(before)) return moved;
    if (after === '->' || after.startsWith('→')) return moved;
    if (bare && !/[:/-]$/.test(before) && !/^[:/]/.test(after) && !m.hs.containerPorts.includes(port)) return moved;
    return n;
  });
}

/** Host paths as whole path words (`/tmp/site`, `/tmp/site/index.html`, not `/tmp/sites`); `all` moves the ambiguous ones too. */
function movePaths(text: string, m: Mover, all: boolean): string {
  const paths = m.hs.paths.filter((p) => all || !ambiguousPath(p, m));
  if (paths.length === 0) return text;
  const any = new RegExp(`(?<![\\w./-])(${paths.map(escapeRegExp).join('|')})(?![\\w.-])`, 'g');
  return text.replace(any, (p) => `${p}-${m.suffix}`);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * A shell line: outside `docker` commands' words (other programs, redirection
 * targets, quoted JSON) every `ADDR:PORT` and every host path moves; inside a
 * docker command only the host side of `-p`, `-v`/`--mount` and `docker cp`,
 * and image references `ADDR:PORT/…`. `echo 8080` and a container's own
 * `localhost:8080` (`docker exec web curl localhost:8080`) stay.
 */
function moveLine(line: string, m: Mover): string {
  const edits: Edit[] = [];
  const inDocker: [number, number][] = [];
  dockerCommands(line, (words, offset) => {
    const args = words.map((w) => w.value);
    const verb = verbOf(args);
    const edit = (k: number, text: string): void => {
      const w = words[k]!;
      if (w.plain && text !== w.value) edits.push({ start: offset + w.start, end: offset + w.end, text });
    };
    words.forEach((w, k) => {
      inDocker.push([offset + w.start, offset + w.end]);
      if (k === 0) return;
      if (verb === 'cp' && !w.value.startsWith('-') && !containerPath(w.value)) edit(k, movePaths(w.value, m, true));
      if (/^[\w.-]+:\d+\/[a-z0-9]/.test(w.value) && HOST_ADDRS.some((a) => w.value.startsWith(`${a}:`))) edit(k, movePorts(w.value, m, false));
    });
    if (verb !== 'run' && verb !== 'create') return;
    args.forEach((_, i) => {
      const pub = publishAt(args, i);
      if (pub && publishSpec(pub.value)) {
        const spec = pub.value;
        const movedSpec = spec.replace(/^((?:[\d.]+:|localhost:)?)(\d+)(?=:)/, (_a, addr: string, port: string) => `${addr}${m.hs.ports.includes(Number(port)) ? Number(port) + m.offset : port}`);
        edit(pub.at, pub.prefix + movedSpec);
      }
      const vol = volumeAt(args, i);
      if (vol && bindOf(vol.value).host) {
        const v = vol.value;
        const moved = v.includes('=') ? v.split(',').map((kv) => (/^(source|src)=/.test(kv) ? kv.replace(/=(.*)$/, (_a, p: string) => `=${movePaths(p, m, true)}`) : kv)).join(',') : movePaths(v.slice(0, v.indexOf(':')), m, true) + v.slice(v.indexOf(':'));
        edit(vol.at, vol.prefix + moved);
      }
    });
  });
  // Between docker commands' words (other programs, redirection targets, quoted text): host-side throughout.
  let pos = 0;
  const pieces: [number, number][] = [];
  for (const [a, b] of inDocker.sort((x, y) => x[0] - y[0])) {
    if (a > pos) pieces.push([pos, a]);
    pos = Math.max(pos, b);
  }
  if (pos < line.length) pieces.push([pos, line.length]);
  for (const [a, b] of pieces) {
    const moved = movePaths(movePortsInPiece(line, a, b, m), m, true);
    if (moved !== line.slice(a, b)) edits.push({ start: a, end: b, text: moved });
  }
  let out = line;
  for (const e of edits.sort((x, y) => y.start - x.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Ports in line[a, b), judged with the line's text before `a` as context (`-p` or `localhost:` may sit just before). */
function movePortsInPiece(line: string, a: number, b: number, m: Mover): string {
  const marker = '\u0000';
  const whole = movePorts(line.slice(0, a) + marker + line.slice(a, b), m, false);
  return whole.slice(whole.indexOf(marker) + 1);
}

/** Prose: code spans that are a shell line as lines, the rest (and spans like `-p 8080:80`) as prose. */
function moveText(text: string, m: Mover): string {
  // A hint that is a bare shell line (no code spans): a line.
  if (/^(docker|curl|wget|mkdir|echo|cat)\s/.test(text.trim()) && !text.includes('`')) return moveLine(text, m);
  const parts = text.split(/(`[^`\n]+`)/);
  return parts
    .map((p, i) => {
      if (i % 2 === 0) return movePaths(movePorts(p, m, true), m, false);
      const code = p.slice(1, -1);
      const moved = /^[a-z][\w.-]*\s/.test(code) ? moveLine(code, m) : movePaths(movePorts(code, m, true), m, false);
      return `\`${moved}\``;
    })
    .join('');
}

/** What a program prints or a line matches: host addresses' ports, `--dport`, `->`, host paths; never a bare number. */
function moveQuoted(s: string, m: Mover): string {
  return movePaths(movePorts(s, m, false), m, false);
}

function moveCheck(check: Check, m: Mover): Check {
  if (check.kind !== 'atom') return { ...check, checks: check.checks.map((c) => moveCheck(c, m)) };
  const out: Record<string, unknown> = { ...check, source: movePaths(movePorts(check.source, m, true), m, false) };
  if (check.form === 'publishes' && m.hs.ports.includes(check.hostPort)) out.hostPort = check.hostPort + m.offset;
  if (check.form === 'mount' && check.hostPath) out.hostPath = movePaths(check.hostPath, m, true);
  for (const [key, v] of Object.entries(check)) {
    if (v instanceof RegExp) out[key] = new RegExp(moveQuoted(v.source, m), v.flags);
    else if (key === 'text' && typeof v === 'string') out[key] = moveQuoted(v, m);
    else if ((key === 'ref' || key === 'base') && typeof v === 'string') out[key] = movePorts(v, m, false);
  }
  return out as Check;
}

function moveView(view: StepView, m: Mover): StepView {
  const point = view.point;
  if (point?.kind === 'registry' || point?.kind === 'image') return { ...view, point: { ...point, name: movePorts(point.name, m, false) } };
  return view;
}

/**
 * The lesson with its host ports and scratch host paths made the student's:
 * `hs` is what the lesson as written uses (`lessonHostSide` of the plain
 * lesson), `lesson` may already carry the name suffix.
 */
export function hostSideLesson<L extends Lesson>(lesson: L, suffix: string, hs: HostSide): L {
  const m: Mover = { hs, suffix, offset: portOffset(suffix) };
  return rewriteLesson(lesson, {
    line: (l) => moveLine(l, m),
    text: (t) => moveText(t, m),
    check: (c) => moveCheck(c, m),
    view: (v) => moveView(v, m),
    created: (c) => movePaths(movePorts(c, m, false), m, false),
  });
}

/** A shell line with the host ports and paths of `hs` made the student's (`lessonHostSide` says which). */
export function hostSideLine(line: string, hs: HostSide, suffix: string): string {
  return moveLine(line, { hs, suffix, offset: portOffset(suffix) });
}

/** A lesson's prose (a body, a hint) with the host ports and paths of `hs` made the student's. */
export function hostSideText(text: string, hs: HostSide, suffix: string): string {
  return moveText(text, { hs, suffix, offset: portOffset(suffix) });
}
