/**
 * The command lines of the course notes (docker-course-notes.zh.md), section
 * by section, in order: what a student would type while following them.
 *
 * Where they are:
 * - in code blocks, after a prompt (`[root@host ~]# `, `$ `, a container's
 *   `/ # ` or `root@<id>:/# `) or, without one, when the line starts with a
 *   command (`docker`, `mkdir`, `wget`, `systemctl` …). Everything else in a
 *   block is output, a comment or the notes' own prose. A line ending in `\`
 *   goes on on the next.
 * - in prose, as inline code (`docker info`) or after a colon
 *   ("停止容器：docker stop id或名字"; "A 或 B" and "docker login/docker logout"
 *   are two commands each).
 *
 * Each command is classified: one to run, an installation step for a real
 * host (yum, the docker-ce repository, get.docker.com: reported, not run), or
 * a synopsis (`docker pull [选项] …`: a usage pattern, not a command). A line
 * typed inside a container (a container prompt, or after the notes say
 * "在容器中执行") is marked so the replay runs it there.
 *
 * The placeholders the notes write where a real id or name goes are listed in
 * PLACEHOLDERS, with what the replay puts in their place (substitute()).
 */

export type CommandKind = 'run' | 'install' | 'synopsis';

export interface NoteCommand {
  /** The heading path, e.g. "命令 › 容器 › 启动、停止、删除". */
  section: string;
  /** 1-based line of the notes where it starts. */
  line: number;
  source: 'code' | 'prose';
  /** As the notes show it: prompt removed, continuation lines joined. */
  text: string;
  kind: CommandKind;
  /** Why it is not run (install, synopsis). */
  reason?: string;
  /** Typed inside a container rather than on the host. */
  inContainer: boolean;
  /** The container's shell, where its prompt shows it: busybox's ash (`/ # `) or bash (`root@<id>:/# `). */
  shell?: 'ash' | 'bash';
  /** The code block it is in (index from 0), for lines typed into a session it opened; -1 in prose. */
  block: number;
}

export interface Section {
  title: string;
  commands: NoteCommand[];
}

/** The programs a line of a code block may start with and still be a command rather than output. */
const COMMAND_WORDS = new Set(
  'docker sudo yum dnf apt apt-get rpm wget curl mkdir vim vi systemctl service ls ll cat echo ip brctl iptables ifconfig mount umount ps touch cd rm cp mv chmod grep sh bash export'.split(' '),
);

/** `[root@host dir]# cmd`, possibly after a container's own prompt pasted before it. */
const CENTOS_PROMPT = /^(?<pre>.*?)\[[^\]\s@]+@[^\]\s]+(?: [^\]]*)?\][#$] ?(?<cmd>.*)$/;
const DOLLAR_PROMPT = /^\$ (?<cmd>.*)$/;
/** busybox ash's `/ # `, or bash in a Debian container: `root@68656158eb8e:/# `. */
const ASH_PROMPT = /^\/[^\s#]* # (?<cmd>.*)$/;
const BASH_PROMPT = /^root@[0-9a-f]{12}:[^#\s]*# (?<cmd>.*)$/;
const CONTAINER_HOST = /root@[0-9a-f]{12}:/;

/** A usage pattern rather than a command: option and name placeholders in brackets. */
const SYNOPSIS = /\[(?:参数|选项|OPTIONS)\]|NAME\[:TAG\]|\[:端口\]|\[tag\]/;

/** Why a line is an installation step for a real host, or undefined. */
export function installReason(text: string): string | undefined {
  const words = text.replace(/^sudo\s+/, '').split(/\s+/);
  const program = words[0] ?? '';
  if (['yum', 'dnf', 'apt', 'apt-get', 'rpm'].includes(program)) return `the host's package manager (${program} ${words[1] ?? ''})`.replace(' )', ')');
  if ((program === 'wget' || program === 'curl') && /docker-ce|get\.docker\.com|download\.docker\.com|\.repo\b/.test(text)) return 'downloads Docker’s package repository or installer';
  if (program === 'sh' && /get-docker/.test(text)) return 'runs Docker’s install script';
  return undefined;
}

function classify(text: string): { kind: CommandKind; reason?: string } {
  const install = installReason(text);
  if (install !== undefined) return { kind: 'install', reason: install };
  if (SYNOPSIS.test(text)) return { kind: 'synopsis', reason: 'a usage pattern with placeholders in brackets' };
  return { kind: 'run' };
}

/** The heading text without Markdown emphasis. */
function headingText(raw: string): string {
  return raw.replace(/\*+/g, '').trim();
}

/** Whether a line without a prompt starts with a command (after a list number such as "2. "). */
function bareCommand(line: string): string | undefined {
  const text = line.trim().replace(/^\d+\.\s+/, '');
  const first = text.split(/\s+/)[0] ?? '';
  return COMMAND_WORDS.has(first) ? text : undefined;
}

/** The commands a prose line shows: inline code that starts with a command, and "说明：docker …". */
export function proseCommands(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/`([^`]+)`/g)) {
    const code = m[1]!.trim();
    if (COMMAND_WORDS.has(code.split(/\s+/)[0] ?? '')) out.push(code);
  }
  const plain = line.replace(/`[^`]*`/g, '');
  const colon = /[：:]\s*(docker\s.*)$/.exec(plain) ?? /[：:]\s*(docker)$/.exec(plain);
  if (colon) {
    const tail = colon[1]!.replace(/[：:。，,]+\s*$/, '').trim();
    for (const part of tail.split(/\s+或\s+|\/(?=docker\b)/)) {
      const cmd = part.trim().replace(/\s+/g, ' ');
      if (cmd !== '') out.push(cmd);
    }
  }
  return out;
}

/** Every command of the notes, by section, in the order they appear. */
export function extractCommands(markdown: string): Section[] {
  const lines = markdown.split('\n');
  const sections: Section[] = [];
  const headings: string[] = [];
  let current: Section | undefined;
  let inCode = false;
  let block = -1;
  let containerHint = false;
  const push = (c: Omit<NoteCommand, 'section' | 'kind' | 'reason' | 'shell'> & { shell?: 'ash' | 'bash' | undefined }): void => {
    if (!current) {
      current = { title: '(before the first section)', commands: [] };
      sections.push(current);
    }
    const { shell, ...rest } = c;
    current.commands.push({ section: current.title, ...rest, ...(shell ? { shell } : {}), ...classify(c.text) });
  };

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (/^\s*```/.test(raw)) {
      inCode = !inCode;
      if (inCode) block++;
      containerHint = false;
      continue;
    }
    if (!inCode) {
      const h = /^(#{1,6})\s+(.*)$/.exec(raw);
      if (h) {
        const level = h[1]!.length;
        // The document's own title (level 1) is not part of the path.
        if (level === 1) continue;
        headings.length = Math.max(0, level - 2);
        headings[level - 2] = headingText(h[2]!);
        current = { title: headings.filter((x) => x !== undefined).join(' › '), commands: [] };
        sections.push(current);
        continue;
      }
      for (const text of proseCommands(raw)) push({ line: i + 1, source: 'prose', text, inContainer: false, block: -1 });
      continue;
    }

    // In a code block.
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) {
      if (/容器中/.test(trimmed)) containerHint = true;
      continue;
    }
    let text: string | undefined;
    let inContainer = false;
    let shell: 'ash' | 'bash' | undefined;
    const centos = CENTOS_PROMPT.exec(raw);
    const container = ASH_PROMPT.exec(raw) ?? BASH_PROMPT.exec(raw);
    const dollar = DOLLAR_PROMPT.exec(raw);
    if (container) {
      text = container.groups!.cmd!;
      inContainer = true;
      shell = ASH_PROMPT.test(raw) ? 'ash' : 'bash';
    } else if (centos) {
      text = centos.groups!.cmd!;
      inContainer = CONTAINER_HOST.test(centos.groups!.pre!);
      if (inContainer) shell = 'bash';
    } else if (dollar) {
      text = dollar.groups!.cmd!;
      inContainer = containerHint;
    } else {
      text = bareCommand(raw);
      inContainer = containerHint && text !== undefined;
    }
    if (text === undefined || text.trim() === '') continue;
    const start = i;
    // A line ending in a backslash goes on on the next.
    while (/\\\s*$/.test(text) && i + 1 < lines.length) {
      text = text.replace(/\s*\\\s*$/, ' ') + lines[++i]!.trim();
    }
    push({ line: start + 1, source: 'code', text: text.trim(), inContainer, shell, block });
    containerHint = false;
  }
  return sections.filter((s) => s.commands.length > 0);
}

// ---------------------------------------------------------------------------
// Placeholders

/** What the replay knows of the simulated machine when it fills a placeholder. */
export interface ReplayState {
  /** Newest first. */
  containers: readonly { name: string; image: string; running: boolean }[];
  /** Newest first (in the order they appeared), with how many containers use each. */
  images: readonly { ref: string; id: string; users: number }[];
}

export type PlaceholderKind = 'container' | 'image';

export interface Placeholder {
  /** As the notes write it. */
  token: string;
  means: PlaceholderKind;
  /** For an image: its repository name ("centos"), its reference ("centos:latest") or its short id. */
  form?: 'name' | 'ref' | 'id';
  /** Why this is a placeholder rather than a name to keep. */
  note: string;
}

/**
 * The notes' stand-ins for a real id or name, longest first (so "id或名字" is
 * taken before "id"). Each becomes, per command, the container or image the
 * command needs from what the simulated machine has then (need(), pick()).
 */
export const PLACEHOLDERS: readonly Placeholder[] = [
  { token: '<image-name>:<tag-name>', means: 'image', form: 'ref', note: 'an image reference, written as a template' },
  { token: '镜像名或id', means: 'image', form: 'name', note: '"image name or id"' },
  { token: '镜像名', means: 'image', form: 'name', note: '"image name"' },
  { token: '镜像id', means: 'image', form: 'id', note: '"image id"' },
  { token: '容器名字', means: 'container', note: '"container name"' },
  { token: '容器id', means: 'container', note: '"container id"' },
  { token: 'id或名字', means: 'container', note: '"id or name"' },
  { token: '<container>', means: 'container', note: 'a container, written as a template' },
  { token: '8be128d85d8d', means: 'container', note: 'a container id on the notes’ author’s machine' },
  { token: '2b85a89be878', means: 'container', note: 'a container id on the notes’ author’s machine' },
  { token: '690123a26237', means: 'container', note: 'a container id on the notes’ author’s machine' },
  { token: '92592755c544', means: 'container', note: 'a container id on the notes’ author’s machine' },
  { token: '67f7ad418fdf', means: 'image', form: 'id', note: 'an image id on the notes’ author’s machine' },
  { token: 'd123f4e55e12', means: 'image', form: 'id', note: 'an image id on the notes’ author’s machine' },
  { token: 'App_Container', means: 'container', note: 'an example name; no line of the notes creates it' },
  { token: 'blog', means: 'container', note: 'an example name (docker port blog); no line of the notes creates it' },
  { token: 'birdben/ubuntu:v1', means: 'container', note: 'docker top takes a container; the notes give an image name no line creates' },
  { token: 'id', means: 'container', note: 'the word "id" alone, as in "docker rm id"' },
];

/** The token where it stands as a word: between spaces, an `=`, the start or end, or before the `:` of a `docker cp` path. */
function tokenPattern(token: string): RegExp {
  const escaped = token.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`(?<=^|[\\s=])${escaped}(?=$|[\\s:])`, 'g');
}

/** The docker subcommand of a command line ("rm" for `docker rm -f x`; "update" for `docker container update`). */
function dockerSubcommand(text: string): string | undefined {
  const words = text.replace(/^sudo\s+/, '').split(/\s+/);
  if (words[0] !== 'docker') return undefined;
  const rest = words.slice(1).filter((w) => !w.startsWith('-'));
  return ['container', 'image'].includes(rest[0] ?? '') ? rest[1] : rest[0];
}

/** Images without a shell named bash: a line that runs bash wants a container of another. */
const NO_BASH = /^(busybox|alpine|hello-world)(:|$)/;

/** What a command needs its placeholder of this kind to be, from what it does. */
export interface Need {
  kind: PlaceholderKind;
  /** A container: running, or stopped (`docker rm` without -f, `docker start`). An image: any, or one no container uses (`docker rmi`). */
  state: 'running' | 'stopped' | 'unused' | 'any';
  /** The line runs bash in the container. */
  bash?: boolean;
}

export function need(text: string, kind: PlaceholderKind): Need {
  const sub = dockerSubcommand(text);
  if (kind === 'image') return { kind, state: sub === 'rmi' ? 'unused' : 'any' };
  const state = (sub === 'rm' && !/\s(-f|--force)\b/.test(text)) || sub === 'start' ? 'stopped' : 'running';
  return { kind, state, ...(/\bbash\b/.test(text) ? { bash: true } : {}) };
}

/** The container or image a placeholder stands for now, or undefined when the machine has none that fits. */
export function pick(state: ReplayState, n: Need, form: Placeholder['form'] = 'ref'): string | undefined {
  if (n.kind === 'image') {
    const image = n.state === 'unused' ? state.images.find((i) => i.users === 0) : state.images[0];
    if (!image) return undefined;
    if (form === 'id') return image.id.replace(/^sha256:/, '').slice(0, 12);
    return form === 'name' ? image.ref.replace(/:[^:/]+$/, '') : image.ref;
  }
  const fits = state.containers.find((c) => (n.state === 'stopped' ? !c.running : c.running) && !(n.bash && NO_BASH.test(c.image)));
  return fits?.name;
}

export interface Substituted {
  line: string;
  /** The placeholders filled, as "token → value". */
  filled: string[];
  /** What nothing on the machine fits yet (the replay makes one first). */
  missing: Need[];
}

/** Fills the command's placeholders from the machine's state. */
export function substitute(text: string, state: ReplayState): Substituted {
  let line = text;
  const filled: string[] = [];
  const missing: Need[] = [];
  for (const p of PLACEHOLDERS) {
    if (!tokenPattern(p.token).test(line)) continue;
    const n = need(text, p.means);
    const value = pick(state, n, p.form);
    if (value === undefined) {
      if (!missing.some((m) => m.kind === n.kind && m.state === n.state)) missing.push(n);
      continue;
    }
    line = line.replace(tokenPattern(p.token), value);
    filled.push(`${p.token} → ${value}`);
  }
  return { line, filled, missing };
}
