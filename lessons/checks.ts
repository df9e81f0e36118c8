import type { ContainerState, LayerEntry, Snapshot } from '../core/model';
import { containerNamed, type Localized } from './lesson';
import { OUTPUT_FORMS, outputWhyNot, type OutputAtom } from './outputChecks';
import { VOLUME_FORMS, volumeWhyNot, type VolumeAtom } from './volumeChecks';

/**
 * The check language: one English sentence per line, over the snapshot and
 * the transcript. Lines at one level must all hold; `all:` and `any:` take the
 * more indented lines below them. Each form says, when it does not hold, why
 * not in one sentence in every language (`whyNot`).
 */
export type Check =
  | { kind: 'all' | 'any'; checks: Check[]; line: number }
  | ({ kind: 'atom'; source: string; line: number } & Atom);

type Atom =
  | { form: 'state'; name: string; state: ContainerState | 'absent' | 'exists' }
  | { form: 'exitCode'; name: string; code: number }
  | { form: 'oom'; name: string }
  | { form: 'restarted'; name: string }
  | { form: 'restartPolicy'; name: string; policy: string }
  | { form: 'image'; ref: string; present: boolean }
  | { form: 'imageLayers'; ref: string; count: number }
  | { form: 'builtOn'; ref: string; base: string; more?: number }
  | { form: 'upper'; name: string; what: 'whiteout' | 'added' | 'changed'; path: string }
  | { form: 'network'; network: string; present: boolean }
  | { form: 'onNetwork'; name: string; network: string }
  | { form: 'networkMode'; name: string; mode: string }
  | { form: 'publishes'; name: string; hostPort: number; containerPort: number; protocol: string }
  | { form: 'memory'; name: string; bytes: number; swap: boolean }
  | { form: 'cpus'; name: string; cpus: number }
  | { form: 'frozen'; name: string }
  | { form: 'lastExit'; code: number }
  | { form: 'ran'; pattern: RegExp }
  | { form: 'output'; pattern?: RegExp; text: string }
  | VolumeAtom
  | OutputAtom;

/** A line the student ran, as a check sees it. */
export interface LineRecord {
  line: string;
  exit: number;
  /** stdout and stderr as the terminal showed them (bounded). */
  output: string;
}

/** One state the engine passed through, with the lines run up to then. */
export interface Moment {
  snapshot: Snapshot;
  lines: readonly LineRecord[];
  /** Layer id → its diff directory's entries, where known (the upper-layer forms need them). */
  files?: Readonly<Record<string, readonly LayerEntry[]>>;
}

export class CheckSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const STATES = ['created', 'running', 'paused', 'restarting', 'exited', 'dead', 'absent'];
const NAME = String.raw`(\S+)`;
const INT = String.raw`(\d+)`;

/** The sentence forms, tried in order; each builds an atom from its match. */
const FORMS: [RegExp, (m: RegExpMatchArray) => Atom | string][] = [
  [re(`container ${NAME} exists`), (m) => ({ form: 'state', name: m[1]!, state: 'exists' })],
  [re(`container ${NAME} is (\\w+)`), (m) => (STATES.includes(m[2]!) ? { form: 'state', name: m[1]!, state: m[2] as ContainerState } : `unknown container state "${m[2]}" (one of ${STATES.join(', ')})`)],
  [re(`container ${NAME} exited with code ${INT}`), (m) => ({ form: 'exitCode', name: m[1]!, code: Number(m[2]) })],
  [re(`container ${NAME} was OOM-killed`), (m) => ({ form: 'oom', name: m[1]! })],
  [re(`container ${NAME} has restarted`), (m) => ({ form: 'restarted', name: m[1]! })],
  [re(`container ${NAME} has restart policy ${NAME}`), (m) => ({ form: 'restartPolicy', name: m[1]!, policy: m[2]! })],
  [re(`container ${NAME} is on network ${NAME}`), (m) => ({ form: 'onNetwork', name: m[1]!, network: m[2]! })],
  [re(`container ${NAME} has network mode ${NAME}`), (m) => ({ form: 'networkMode', name: m[1]!, mode: m[2]! })],
  [re(`container ${NAME} publishes ${INT}(?:->|→)${INT}(?:/(tcp|udp|sctp))?`), (m) => ({ form: 'publishes', name: m[1]!, hostPort: Number(m[2]), containerPort: Number(m[3]), protocol: m[4] ?? 'tcp' })],
  [re(`image ${NAME} exists`), (m) => ({ form: 'image', ref: normalizeRef(m[1]!), present: true })],
  [re(`image ${NAME} is absent`), (m) => ({ form: 'image', ref: normalizeRef(m[1]!), present: false })],
  [re(`image ${NAME} has ${INT} layers?`), (m) => ({ form: 'imageLayers', ref: normalizeRef(m[1]!), count: Number(m[2]) })],
  [re(`image ${NAME} is built on ${NAME}(?: with ${INT} more layers?)?`), (m) => ({ form: 'builtOn', ref: normalizeRef(m[1]!), base: normalizeRef(m[2]!), ...(m[3] ? { more: Number(m[3]) } : {}) })],
  [re(`upper layer of ${NAME} has (whiteout|added file|changed file) (/\\S*)`), (m) => ({ form: 'upper', name: m[1]!, what: m[2]!.split(' ')[0] as 'whiteout' | 'added' | 'changed', path: m[3]! })],
  [re(`network ${NAME} exists`), (m) => ({ form: 'network', network: m[1]!, present: true })],
  [re(`network ${NAME} is absent`), (m) => ({ form: 'network', network: m[1]!, present: false })],
  [re(`cgroup of ${NAME} has (memory|memory\\+swap) limit ${NAME}`), (m) => sizeAtom(m[1]!, m[2] === 'memory+swap', m[3]!)],
  [re(`cgroup of ${NAME} has cpu limit ([\\d.]+)`), (m) => ({ form: 'cpus', name: m[1]!, cpus: Number(m[2]) })],
  [re(`cgroup of ${NAME} is frozen`), (m) => ({ form: 'frozen', name: m[1]! })],
  [re(`the last line exited ${INT}`), (m) => ({ form: 'lastExit', code: Number(m[1]) })],
  [re(`a line matching (/.+/[a-z]*) was run`), (m) => regexAtom(m[1]!, (pattern) => ({ form: 'ran', pattern }))],
  [re(`the output of the last line contains ("(?:[^"\\\\]|\\\\.)*")`), (m) => ({ form: 'output', text: JSON.parse(m[1]!) as string })],
  [re(`the output of a line matching (/.+/[a-z]*) contains ("(?:[^"\\\\]|\\\\.)*")`), (m) => regexAtom(m[1]!, (pattern) => ({ form: 'output', pattern, text: JSON.parse(m[2]!) as string }))],
  // Volumes and mounts, and more about a line's output: in their own files.
  ...VOLUME_FORMS,
  ...OUTPUT_FORMS,
];

function re(source: string): RegExp {
  return new RegExp(`^${source}$`);
}

function regexAtom(literal: string, make: (r: RegExp) => Atom): Atom | string {
  const end = literal.lastIndexOf('/');
  try {
    return make(new RegExp(literal.slice(1, end), literal.slice(end + 1)));
  } catch (err) {
    return `bad regular expression ${literal}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function sizeAtom(name: string, swap: boolean, size: string): Atom | string {
  const bytes = parseSize(size);
  return bytes === undefined ? `bad size "${size}" (a number with an optional b, k, m or g, as docker run --memory takes)` : { form: 'memory', name, bytes, swap };
}

/** Docker's RAMInBytes: binary units. */
export function parseSize(size: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmg]?)i?b?$/i.exec(size);
  if (!m) return undefined;
  const unit = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'b' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
}

/** `nginx` → `nginx:latest`, as Docker names a reference without a tag. */
function normalizeRef(ref: string): string {
  if (ref.startsWith('sha256:') || ref.includes('@')) return ref;
  const slash = ref.lastIndexOf('/');
  return ref.indexOf(':', slash + 1) >= 0 ? ref : `${ref}:latest`;
}

/** Parses a check block; `firstLine` is the file line of its first line, for errors. */
export function parseChecks(text: string, firstLine = 1): Check {
  const rows = text
    .split('\n')
    .map((raw, i) => ({ raw, line: firstLine + i }))
    .filter((r) => r.raw.trim() !== '' && !r.raw.trim().startsWith('#'))
    .map((r) => ({ ...r, indent: r.raw.length - r.raw.trimStart().length, text: r.raw.trim() }));
  if (rows.length === 0) throw new CheckSyntaxError('empty check: a step needs at least one check', firstLine);
  let i = 0;
  const block = (indent: number, line: number, kind: 'all' | 'any'): Check => {
    const checks: Check[] = [];
    while (i < rows.length && rows[i]!.indent >= indent) {
      const row = rows[i]!;
      if (row.indent > indent) throw new CheckSyntaxError(`unexpected indentation: "${row.text}"`, row.line);
      i++;
      if (row.text === 'all:' || row.text === 'any:') {
        const child = rows[i];
        if (!child || child.indent <= indent) throw new CheckSyntaxError(`"${row.text}" needs more-indented checks below it`, row.line);
        checks.push(block(child.indent, row.line, row.text.slice(0, 3) as 'all' | 'any'));
      } else checks.push(parseAtom(row.text, row.line));
    }
    return checks.length === 1 && kind === 'all' ? checks[0]! : { kind, checks, line };
  };
  const top = block(rows[0]!.indent, rows[0]!.line, 'all');
  if (i < rows.length) throw new CheckSyntaxError(`unexpected indentation: "${rows[i]!.text}"`, rows[i]!.line);
  return top;
}

function parseAtom(text: string, line: number): Check {
  for (const [pattern, make] of FORMS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const atom = make(m);
    if (typeof atom === 'string') throw new CheckSyntaxError(atom, line);
    return { kind: 'atom', source: text, line, ...atom };
  }
  throw new CheckSyntaxError(`unknown check: "${text}" (see lessons/AUTHORING.md for the forms)`, line);
}

/** Whether any check in the tree needs the layers' file lists. */
export function needsFiles(check: Check): boolean {
  return check.kind === 'atom' ? check.form === 'upper' : check.checks.some(needsFiles);
}

/** Null when the check holds at `m`; else why not, in one sentence per language. */
export function whyNot(check: Check, m: Moment): Localized | null {
  if (check.kind === 'all') {
    for (const c of check.checks) {
      const why = whyNot(c, m);
      if (why) return why;
    }
    return null;
  }
  if (check.kind === 'any') {
    const whys: Localized[] = [];
    for (const c of check.checks) {
      const why = whyNot(c, m);
      if (!why) return null;
      whys.push(why);
    }
    return { en: whys.map((w) => w.en).join('; or '), 'zh-CN': whys.map((w) => w['zh-CN']).join('；或者') };
  }
  return atomWhyNot(check as AtomCheck, m);
}

type AtomCheck = { kind: 'atom'; source: string; line: number } & Atom;

const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh });
const q = (s: string | number): string => `\`${s}\``;
const noContainer = (name: string): Localized => L(`no container named ${q(name)}`, `没有名为 ${q(name)} 的容器`);

function atomWhyNot(a: AtomCheck, m: Moment): Localized | null {
  const s = m.snapshot;
  switch (a.form) {
    case 'state':
      return stateWhyNot(s, a.name, a.state);
    case 'exitCode': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      if (c.state !== 'exited') return L(`${q(a.name)} is ${q(c.state)}: it has not exited`, `${q(a.name)} 处于 ${q(c.state)} 状态：它还没有退出`);
      return c.exitCode === a.code ? null : L(`${q(a.name)} exited with code ${c.exitCode}, not ${a.code}`, `${q(a.name)} 的退出码是 ${c.exitCode}，不是 ${a.code}`);
    }
    case 'oom': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      return c.oomKilled ? null : L(`${q(a.name)} was not killed by the OOM killer (it is ${q(c.state)})`, `${q(a.name)} 没有被 OOM killer 杀死（它处于 ${q(c.state)} 状态）`);
    }
    case 'restarted': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      return c.restartCount > 0 ? null : L(`Docker has not restarted ${q(a.name)}`, `Docker 还没有重启过 ${q(a.name)}`);
    }
    case 'restartPolicy': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      const p = c.config.restartPolicy.name;
      return p === a.policy ? null : L(`${q(a.name)} has restart policy ${q(p)}, not ${q(a.policy)}`, `${q(a.name)} 的重启策略是 ${q(p)}，不是 ${q(a.policy)}`);
    }
    case 'image': {
      const there = imageTagged(s, a.ref) !== undefined;
      if (there === a.present) return null;
      return a.present ? L(`no image ${q(a.ref)}`, `没有镜像 ${q(a.ref)}`) : L(`image ${q(a.ref)} is still there`, `镜像 ${q(a.ref)} 仍然存在`);
    }
    case 'imageLayers': {
      const img = imageTagged(s, a.ref);
      if (!img) return L(`no image ${q(a.ref)}`, `没有镜像 ${q(a.ref)}`);
      return img.layers.length === a.count ? null : L(`${q(a.ref)} has ${img.layers.length} layers, not ${a.count}`, `${q(a.ref)} 有 ${img.layers.length} 层，不是 ${a.count} 层`);
    }
    case 'builtOn': {
      const img = imageTagged(s, a.ref);
      const base = imageTagged(s, a.base);
      if (!img) return L(`no image ${q(a.ref)}`, `没有镜像 ${q(a.ref)}`);
      if (!base) return L(`no image ${q(a.base)}`, `没有镜像 ${q(a.base)}`);
      if (!base.layers.every((l, i) => img.layers[i] === l)) return L(`${q(a.ref)} does not share the layers of ${q(a.base)}`, `${q(a.ref)} 没有共享 ${q(a.base)} 的各层`);
      const more = img.layers.length - base.layers.length;
      if (a.more === undefined || more === a.more) return null;
      return L(`${q(a.ref)} has ${more} layers more than ${q(a.base)}, not ${a.more}`, `${q(a.ref)} 比 ${q(a.base)} 多 ${more} 层，不是 ${a.more} 层`);
    }
    case 'upper':
      return upperWhyNot(m, a.name, a.what, a.path);
    case 'network': {
      const there = (s.networks ?? []).some((n) => n.name === a.network);
      if (there === a.present) return null;
      return a.present ? L(`no network named ${q(a.network)}`, `没有名为 ${q(a.network)} 的网络`) : L(`network ${q(a.network)} still exists`, `网络 ${q(a.network)} 仍然存在`);
    }
    case 'onNetwork': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      const nets = (c.networks ?? []).map((n) => n.network);
      if (nets.includes(a.network)) return null;
      return L(`${q(a.name)} is not on network ${q(a.network)} (it is on ${nets.length ? nets.map(q).join(', ') : 'none'})`, `${q(a.name)} 不在网络 ${q(a.network)} 上（它在 ${nets.length ? nets.map(q).join('、') : '任何网络之外'}）`);
    }
    case 'networkMode': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      const mode = c.networkMode ?? 'bridge';
      if (a.mode === mode || (a.mode.startsWith('container:') && mode.startsWith('container:') && sameContainerMode(s, a.mode, mode))) return null;
      return L(`${q(a.name)} has network mode ${q(mode)}, not ${q(a.mode)}`, `${q(a.name)} 的网络模式是 ${q(mode)}，不是 ${q(a.mode)}`);
    }
    case 'publishes': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      const ports = c.ports ?? [];
      if (ports.some((p) => p.hostPort === a.hostPort && p.containerPort === a.containerPort && p.protocol === a.protocol)) return null;
      const list = ports.map((p) => `${p.hostPort}→${p.containerPort}`).join(', ');
      const want = `${a.hostPort}→${a.containerPort}`;
      return L(`${q(a.name)} does not publish ${want} (it publishes ${list || 'no port'})`, `${q(a.name)} 没有发布 ${want}（它发布的是 ${list || '无'}）`);
    }
    case 'memory': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      const have = a.swap ? (c.resources?.memorySwap ?? 0) : ((s.cgroups ?? []).find((g) => g.containerId === c.id)?.memoryLimit ?? c.resources?.memory ?? 0);
      if (have === a.bytes) return null;
      const what = a.swap ? L('memory+swap limit', '内存加交换分区限制') : L('memory limit', '内存限制');
      return L(`the ${what.en} of ${q(a.name)} is ${bytes(have)}, not ${bytes(a.bytes)}`, `${q(a.name)} 的${what['zh-CN']}是 ${bytes(have)}，不是 ${bytes(a.bytes)}`);
    }
    case 'cpus': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      const have = (c.resources?.nanoCpus ?? 0) / 1e9;
      if (Math.abs(have - a.cpus) < 1e-9) return null;
      if (have === 0) return L(`${q(a.name)} has no CPU limit, not ${a.cpus}`, `${q(a.name)} 没有 CPU 限制，不是 ${a.cpus}`);
      return L(`${q(a.name)} is limited to ${have} CPUs, not ${a.cpus}`, `${q(a.name)} 的 CPU 限制是 ${have}，不是 ${a.cpus}`);
    }
    case 'frozen': {
      const c = containerNamed(s, a.name);
      if (!c) return noContainer(a.name);
      const g = (s.cgroups ?? []).find((x) => x.containerId === c.id);
      if (!g) return L(`${q(a.name)} has no cgroup (it is ${q(c.state)})`, `${q(a.name)} 没有 cgroup（它处于 ${q(c.state)} 状态）`);
      return g.frozen ? null : L(`the cgroup of ${q(a.name)} is not frozen`, `${q(a.name)} 的 cgroup 没有被冻结`);
    }
    case 'lastExit': {
      const last = m.lines[m.lines.length - 1];
      if (!last) return noLine();
      return last.exit === a.code ? null : L(`the last line exited ${last.exit}, not ${a.code}`, `最后一行命令的退出码是 ${last.exit}，不是 ${a.code}`);
    }
    case 'ran':
      return m.lines.some((l) => a.pattern.test(l.line)) ? null : L(`no line matching ${a.pattern} was run`, `还没有运行过匹配 ${a.pattern} 的命令`);
    case 'output': {
      const line = a.pattern ? [...m.lines].reverse().find((l) => a.pattern!.test(l.line)) : m.lines[m.lines.length - 1];
      if (!line) return a.pattern ? L(`no line matching ${a.pattern} was run`, `还没有运行过匹配 ${a.pattern} 的命令`) : noLine();
      if (line.output.includes(a.text)) return null;
      return L(`the output of ${q(line.line)} does not contain ${JSON.stringify(a.text)}`, `${q(line.line)} 的输出中没有 ${JSON.stringify(a.text)}`);
    }
    case 'volume':
    case 'mount':
      return volumeWhyNot(a, s);
    case 'outputLacks':
    case 'outputLines':
      return outputWhyNot(a, m.lines);
  }
}

function noLine(): Localized {
  return L('no line has been run yet', '还没有运行任何命令');
}

function stateWhyNot(s: Snapshot, name: string, want: ContainerState | 'absent' | 'exists'): Localized | null {
  const c = containerNamed(s, name);
  if (want === 'absent') return c ? L(`${q(name)} still exists (it is ${q(c.state)})`, `${q(name)} 仍然存在（处于 ${q(c.state)} 状态）`) : null;
  if (!c) return noContainer(name);
  if (want === 'exists' || c.state === want) return null;
  const base = L(`${q(name)} exists but is ${q(c.state)}, not ${q(want)}`, `${q(name)} 存在，但处于 ${q(c.state)} 状态，不是 ${q(want)}`);
  const why =
    want === 'running' && c.state === 'created' ? L(': did the command fail?', '：命令是不是失败了？')
    : want === 'running' && c.state === 'exited' ? L(`: its main process ended with code ${c.exitCode}`, `：它的主进程已以退出码 ${c.exitCode} 结束`)
    : c.state === 'running' && want === 'exited' ? L(': its main process is still running', '：它的主进程还在运行')
    : L('', '');
  return { en: base.en + why.en, 'zh-CN': base['zh-CN'] + why['zh-CN'] };
}

function sameContainerMode(s: Snapshot, want: string, have: string): boolean {
  // `container:web` names the container; the snapshot may hold its id.
  const target = want.slice('container:'.length);
  const id = containerNamed(s, target)?.id;
  const got = have.slice('container:'.length);
  return got === target || (id !== undefined && (got === id || id.startsWith(got)));
}

function upperWhyNot(m: Moment, name: string, what: 'whiteout' | 'added' | 'changed', path: string): Localized | null {
  const s = m.snapshot;
  const c = containerNamed(s, name);
  if (!c) return noContainer(name);
  const upper = (s.layers ?? []).find((l) => l.kind === 'container' && l.containerId === c.id);
  if (!upper) return L(`${q(name)} has no upper layer in the snapshot`, `快照里没有 ${q(name)} 的可写层`);
  const entries = m.files?.[upper.id];
  if (!entries) return L(`the files of ${q(name)}'s upper layer are not known here`, `这里看不到 ${q(name)} 可写层里的文件`);
  const entry = entries.find((e) => e.path === path);
  const layerName = L(`the upper layer of ${q(name)}`, `${q(name)} 的可写层`);
  if (what === 'whiteout') {
    if (entry?.type === 'whiteout') return null;
    return L(`${layerName.en} holds no whiteout for ${q(path)}`, `${layerName['zh-CN']}里没有 ${q(path)} 的 whiteout`);
  }
  if (!entry || entry.type === 'whiteout' || entry.type === 'opaque' || entry.type === 'dir')
    return L(`${layerName.en} holds no file ${q(path)}`, `${layerName['zh-CN']}里没有文件 ${q(path)}`);
  // Changed or added: whether a lower layer (image or init) has the path, as `docker diff` decides C or A.
  const lower = (c.rootfs?.layers ?? []).filter((id) => id !== upper.id);
  const known = lower.every((id) => m.files?.[id] !== undefined);
  if (!known) return L(`the files of ${q(name)}'s image layers are not known here`, `这里看不到 ${q(name)} 镜像层里的文件`);
  const below = lower.some((id) => m.files![id]!.some((e) => e.path === path && e.type !== 'whiteout'));
  if (what === 'changed' && !below) return L(`${q(path)} in ${layerName.en} is added, not changed: the image does not have it`, `${layerName['zh-CN']}里的 ${q(path)} 是新增的，不是修改的：镜像里没有它`);
  if (what === 'added' && below) return L(`${q(path)} in ${layerName.en} is changed, not added: the image has it too`, `${layerName['zh-CN']}里的 ${q(path)} 是修改的，不是新增的：镜像里也有它`);
  return null;
}

function imageTagged(s: Snapshot, ref: string) {
  return ref.startsWith('sha256:') ? s.images.find((i) => i.id.startsWith(ref)) : s.images.find((i) => i.tags.includes(ref));
}

function bytes(n: number): string {
  if (n <= 0) return n === -1 ? 'unlimited' : 'none';
  for (const [unit, size] of [['GiB', 1024 ** 3], ['MiB', 1024 ** 2], ['KiB', 1024]] as const) if (n % size === 0) return `${n / size} ${unit}`;
  return `${n} B`;
}
