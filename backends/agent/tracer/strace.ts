import { cloneFlagNames, mountFlagNames, signalName } from './parse';

/**
 * The kernel trace's fallback where bpftrace is missing: strace attached to
 * dockerd and containerd (following their forks), its lines translated into
 * the lines docker.bt prints, so that TraceParser (parse.ts) turns them into
 * the same TraceOps with the same attribution. Pure: the tracer feeds it
 * strace's output line by line, the tests a recorded file.
 */

/** The syscalls traced: docker.bt's operations (mkdirat/openat2: runc's cgroup set-up). */
export const STRACE_SYSCALLS = 'clone,clone3,unshare,setns,mount,umount2,pivot_root,sethostname,execve,kill,exit_group,mkdir,mkdirat,openat,openat2,write';

/** strace's fixed argv; the two pids are the only variable part. */
export function straceArgs(dockerdPid: number, containerdPid: number): string[] {
  for (const pid of [dockerdPid, containerdPid]) {
    if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`not a pid: ${pid}`);
  }
  return ['-f', '-tt', '-qq', '-s', '256', '-e', `trace=${STRACE_SYSCALLS}`, '-p', String(dockerdPid), '-p', String(containerdPid)];
}

/** Flag name → bit, by asking parse.ts's namers about every bit (so the names stay in one place). */
function bitsByName(namer: (bit: number) => string, from: number, to: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = from; i <= to; i++) {
    const name = namer(2 ** i);
    if (name && !name.includes('|')) out.set(name, 2 ** i);
  }
  return out;
}
const CLONE_BITS = bitsByName((b) => cloneFlagNames(b, true), 7, 30);
const MOUNT_BITS = bitsByName(mountFlagNames, 0, 20);
const SIGNALS = new Map<string, number>();
for (let n = 1; n < 32; n++) SIGNALS.set(signalName(n), n);

/** "CLONE_VM|CLONE_FS|SIGCHLD" or "0x1234" → the number (unknown names count as 0). */
function flagValue(text: string, bits: Map<string, number>): number {
  let v = 0;
  for (const part of text.split('|')) {
    const p = part.trim();
    if (/^(0x[0-9a-f]+|\d+)$/i.test(p)) v += Number(p);
    else v += bits.get(p) ?? SIGNALS.get(p) ?? 0;
  }
  return v;
}

/** A C string strace printed ("…" with escapes, maybe followed by "..." when cut) → its text; non-strings → null. */
export function unquote(arg: string | undefined): string | null {
  if (!arg || arg[0] !== '"') return null;
  let out = '';
  for (let i = 1; i < arg.length; i++) {
    const c = arg[i]!;
    if (c === '"') return out;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = arg[++i]!;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', v: '\v', f: '\f', '"': '"', '\\': '\\' };
    if (n in simple) out += simple[n];
    else if (n === 'x') {
      out += String.fromCharCode(parseInt(arg.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(arg.slice(i))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length - 1;
    } else out += n;
  }
  return out;
}

/** Top-level arguments of a call: split on commas outside strings and brackets. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (text.slice(start).trim()) out.push(text.slice(start).trim());
  return out;
}

/** Bytes as docker.bt's %r prints them: printable ASCII as is, a backslash doubled, others \xNN. */
function raw(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '\\') out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else out += `\\x${(c & 0xff).toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** A printed path or name: tabs would split docker.bt's fields. */
const field = (text: string): string => text.replace(/[\t\n]/g, ' ');

/** "PID HH:MM:SS.micro call" (strace -o FILE) or "[pid PID] HH:…" (strace writing to stderr). */
const LINE_RE = /^(?:\[pid\s+)?(\d+)\]?\s+(\d\d):(\d\d):(\d\d)\.(\d{6}) (.*)$/;
const CALL_RE = /^(\w+)\((.*)\)\s+=\s+(-?\d+|\?|0x[0-9a-f]+)/s;
const CGROUP = '/sys/fs/cgroup/';

export interface StraceTranslatorOptions {
  dockerdPid: number;
  containerdPid: number;
  /** Hierarchy id → its directory under /sys/fs/cgroup, as TraceParser's (to name cgroup mkdirs). */
  hierarchies: Record<number, string>;
  /** The process a thread belongs to, for threads that existed before strace attached (the agent reads /proc). */
  tgidOf?: (tid: number) => number | undefined;
}

export class StraceTranslator {
  /** tid → its process's pid. */
  private tgid = new Map<number, number>();
  /** pid → the comm docker.bt would print. */
  private comm = new Map<number, string>();
  /** tid → the first half of an <unfinished ...> call. */
  private unfinished = new Map<number, { ns: bigint; text: string }>();
  /** Lines of a process strace showed before its parent's clone returned: replayed once it does. */
  private held = new Map<number, string[]>();
  private readonly hierarchyOf = new Map<string, number>();
  private started = false;

  constructor(private readonly opts: StraceTranslatorOptions) {
    this.comm.set(opts.dockerdPid, 'dockerd');
    this.comm.set(opts.containerdPid, 'containerd');
    for (const [id, dir] of Object.entries(opts.hierarchies)) if (!this.hierarchyOf.has(dir)) this.hierarchyOf.set(dir, Number(id));
  }

  /** One line of strace's output → the docker.bt lines it stands for (the first call also yields START 0: times are ns since midnight). */
  translate(line: string): string[] {
    const out: string[] = [];
    if (!this.started) {
      this.started = true;
      out.push('START\t0');
    }
    const m = LINE_RE.exec(line.replace(/\r?\n$/, ''));
    if (!m) return out;
    const tid = Number(m[1]);
    if (!this.known(tid)) {
      const lines = this.held.get(tid) ?? [];
      if (lines.length < 1000) lines.push(line);
      this.held.set(tid, lines);
      return out;
    }
    let ns = ((BigInt(m[2]!) * 3600n + BigInt(m[3]!) * 60n + BigInt(m[4]!)) * 1_000_000n + BigInt(m[5]!)) * 1000n;
    let text = m[6]!;
    if (text.startsWith('---') || text.startsWith('+++')) return out;
    const resumed = /^<\.\.\. \w+ resumed>\s?(.*)$/s.exec(text);
    if (resumed) {
      const first = this.unfinished.get(tid);
      this.unfinished.delete(tid);
      if (first === undefined) return out;
      // the op happened when it was entered, as docker.bt stamps it
      ns = first.ns;
      text = first.text + resumed[1]!;
    } else if (text.endsWith(' <unfinished ...>')) {
      const first = text.slice(0, -' <unfinished ...>'.length);
      // exit_group never returns: its first half is all there is.
      if (!first.startsWith('exit_group(')) {
        this.unfinished.set(tid, { ns, text: first });
        return out;
      }
      text = `${first}) = ?`;
    }
    const call = CALL_RE.exec(text);
    if (!call) return out;
    this.call(out, ns, tid, call[1]!, splitArgs(call[2]!), call[3]!, text);
    return out;
  }

  /** A thread strace attached to, or one a traced clone made. */
  private known(tid: number): boolean {
    if (this.tgid.has(tid)) return true;
    const pid = tid === this.opts.dockerdPid || tid === this.opts.containerdPid ? tid : this.opts.tgidOf?.(tid);
    if (pid === undefined) return false;
    this.tgid.set(tid, pid);
    return true;
  }

  /** A new thread or process: its lines strace showed early, now in order. */
  private born(out: string[], child: number, pid: number): void {
    this.tgid.set(child, pid);
    const lines = this.held.get(child);
    this.held.delete(child);
    for (const l of lines ?? []) out.push(...this.translate(l));
  }

  private call(out: string[], ns: bigint, tid: number, name: string, a: string[], ret: string, text: string): void {
    const pid = this.tgid.get(tid)!;
    const comm = this.comm.get(pid) ?? 'dockerd';
    const head = `${ns}\t${pid}\t${tid}\t${field(comm)}`;
    const r = Number(ret);
    switch (name) {
      case 'clone':
      case 'clone3': {
        const flagText = name === 'clone' ? (/flags=([\w|]+)/.exec(a.join(', '))?.[1] ?? '0') : (/\{flags=([\w|]+)/.exec(text)?.[1] ?? '0');
        let flags = flagValue(flagText, CLONE_BITS);
        if (name === 'clone3') flags += SIGNALS.get(/exit_signal=(\w+)/.exec(text)?.[1] ?? '') ?? 0;
        if (!(r > 0)) return;
        if (flags & 0x10000) {
          this.born(out, r, pid);
          return;
        }
        if (flags & 0x7e020080) out.push(`CLONE\t${head}\t${flags}`);
        this.comm.set(r, comm);
        out.push(`FORK\t${head}\t${r}\t${flags}`);
        this.born(out, r, r);
        return;
      }
      case 'unshare':
        if (r === 0) out.push(`UNSHARE\t${head}\t${flagValue(a[0] ?? '0', CLONE_BITS)}`);
        return;
      case 'setns':
        if (r === 0) out.push(`SETNS\t${head}\t${Number(a[0])}\t${flagValue(a[1] ?? '0', CLONE_BITS)}`);
        return;
      case 'mount': {
        const flags = flagValue(a[3] ?? '0', MOUNT_BITS);
        out.push(`MOUNT\t${head}\t${flags}\t${raw(unquote(a[2]) ?? '')}\t${raw(unquote(a[0]) ?? '')}\t${field(unquote(a[1]) ?? '')}`);
        out.push(`DATA\t${tid}\t${r}\t${field(unquote(a[4]) ?? '')}`);
        return;
      }
      case 'umount2':
        out.push(`UMOUNT\t${head}\t${field(unquote(a[0]) ?? '')}\t${flagValue(a[1] ?? '0', new Map([['MNT_DETACH', 2], ['MNT_FORCE', 1]]))}`);
        return;
      case 'pivot_root':
        out.push(`PIVOT\t${head}\t${field(unquote(a[0]) ?? '')}\t${raw(unquote(a[1]) ?? '')}`);
        // runc init, from here on (its execve is the container's entrypoint)
        if (r === 0) this.comm.set(pid, 'runc:[2:INIT]');
        return;
      case 'sethostname':
        out.push(`HOST\t${head}\t${field(unquote(a[0]) ?? '')}`);
        return;
      case 'mkdir':
      case 'mkdirat': {
        const path = unquote(name === 'mkdir' ? a[0] : a[1]) ?? '';
        if (r !== 0 || !path.startsWith(CGROUP)) return;
        const rest = path.slice(CGROUP.length);
        const slash = rest.indexOf('/');
        const id = this.hierarchyOf.get(slash < 0 ? rest : rest.slice(0, slash)) ?? this.hierarchyOf.get('');
        if (id === undefined) return;
        const inDir = this.hierarchyOf.has(slash < 0 ? rest : rest.slice(0, slash)) ? (slash < 0 ? '/' : rest.slice(slash)) : `/${rest}`;
        out.push(`CGMKDIR\t${head}\t${id}\t${field(inDir)}`);
        return;
      }
      case 'openat':
      case 'openat2': {
        const path = unquote(a[1]) ?? '';
        const writes = /O_WRONLY|O_RDWR/.test(a[2] ?? '');
        // openat2 relative to a dir fd: runc's paths under /sys/fs/cgroup (as docker.bt reads them)
        const cgroup = path.startsWith(CGROUP) || (name === 'openat2' && !path.startsWith('/') && a[0] !== 'AT_FDCWD');
        if (!writes || !cgroup) return;
        out.push(`PATH\t${tid}\t${field(path)}`, `OPEN\t${head}\t${r}`);
        return;
      }
      case 'write': {
        const data = unquote(a[1]);
        if (data !== null && r >= 0) out.push(`WRITE\t${head}\t${Number(a[0])}\t${raw(data)}`);
        return;
      }
      case 'execve': {
        if (r !== 0) return;
        const path = unquote(a[0]) ?? '';
        out.push(`EXEC\t${head}\t${field(path)}`);
        const argv = /^\[(.*)\]$/s.exec(a[1] ?? '')?.[1] ?? '';
        splitArgs(argv).forEach((arg, i) => {
          const v = unquote(arg);
          if (v !== null) out.push(`ARG\t${tid}\t${i}\t${field(v)}`);
        });
        out.push(`END\t${tid}`);
        this.comm.set(pid, (path.split('/').pop() ?? '').slice(0, 15));
        return;
      }
      case 'kill':
        if (r === 0) out.push(`KILL\t${head}\t${Number(a[0])}\t${flagValue(a[1] ?? '0', new Map())}`);
        return;
      case 'exit_group': {
        const code = Number(a[0]);
        out.push(`EXIT\t${head}\t${(code & 0xff) << 8}`);
        for (const [t, p] of this.tgid) if (p === pid) this.tgid.delete(t);
        this.comm.delete(pid);
        return;
      }
    }
  }
}
