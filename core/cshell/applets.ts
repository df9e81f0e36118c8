/**
 * The busybox applets the shared utilities (core/shell/utils, flavor
 * 'busybox') do not replace: `cat` reading a terminal line by line, and `id`
 * and `whoami`, which read the container's /etc/passwd and /etc/group for the
 * process's `--user`. Output as the test image's busybox 1.35 prints it.
 */
import type { Proc, Program } from '../engine/process';
import { fsErrorText, resolvePath } from '../shell/filesystem';
import { BUSYBOX_BANNER, err, out } from './procio';
import { lookupUser, parsePasswd, parseGroup, type Account } from './users';

function abs(p: Proc, path: string): string {
  return resolvePath(path, p.cwd);
}

/** Splits `-abc` style options (busybox getopt32) from operands; returns the unknown option, if any. */
function options(argv: readonly string[], known: string): { flags: Set<string>; operands: string[]; bad?: string } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (const c of a.slice(1)) {
      if (!known.includes(c)) return { flags, operands, bad: c };
      flags.add(c);
    }
  }
  operands.push(...argv.slice(i));
  return { flags, operands };
}

function accounts(p: Proc): { users: Account[]; groups: Account[] } {
  const read = (path: string): string => {
    const r = p.fs.tryRead(path);
    return 'data' in r ? r.data : '';
  };
  return { users: parsePasswd(read('/etc/passwd')), groups: parseGroup(read('/etc/group')) };
}

/** busybox ls: -1 -a -A -d -l (one name per line without a tty, 80-column layout with one). */
const cat: Program = (p) => {
  const files = p.argv.slice(1);
  if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
    p.stdin.read((text) => out(p, text), () => p.exit(0));
    return;
  }
  let code = 0;
  for (const f of files) {
    const r = p.fs.tryRead(abs(p, f));
    if ('data' in r) out(p, r.data);
    else if (r.error === 'EISDIR') {
      err(p, 'cat: read error: Is a directory\n');
      code = 1;
    } else {
      err(p, `cat: can't open '${f}': ${fsErrorText(r.error)}\n`);
      code = 1;
    }
  }
  p.exit(code);
};

/** The account the process runs as: its uid/gid and names. */
export function whoIs(p: Proc): { uid: number; gid: number; user?: string; group?: string; groups: { id: number; name?: string }[] } {
  const { users, groups } = accounts(p);
  const who = lookupUser(p.user, users, groups);
  const uid = who?.uid ?? 0;
  const gid = who?.gid ?? 0;
  const userName = users.find((u) => u.id === uid)?.name;
  const groupName = groups.find((g) => g.id === gid)?.name;
  const extra = groups.filter((g) => g.id !== gid && userName !== undefined && g.members.includes(userName));
  return { uid, gid, user: userName, group: groupName, groups: [{ id: gid, name: groupName }, ...extra.map((g) => ({ id: g.id, name: g.name }))] };
}

const id: Program = (p) => {
  const o = options(p.argv, 'ugGnr');
  if (o.bad !== undefined || (o.flags.has('n') && !['u', 'g', 'G'].some((f) => o.flags.has(f)))) {
    err(p, `${BUSYBOX_BANNER}\n\nUsage: id [-ugGnr] [USER]\n\nPrint information about USER or the current user\n\n\t-u\tUser ID\n\t-g\tGroup ID\n\t-G\tSupplementary group IDs\n\t-n\tPrint names instead of numbers\n\t-r\tPrint real ID instead of effective ID\n`);
    return p.exit(1);
  }
  const w = whoIs(p);
  const named = (idn: number, name?: string): string => (name === undefined ? String(idn) : `${idn}(${name})`);
  const n = o.flags.has('n');
  if (o.flags.has('u')) out(p, (n ? w.user ?? String(w.uid) : String(w.uid)) + '\n');
  else if (o.flags.has('g')) out(p, (n ? w.group ?? String(w.gid) : String(w.gid)) + '\n');
  else if (o.flags.has('G')) out(p, w.groups.map((g) => (n ? g.name ?? String(g.id) : String(g.id))).join(' ') + '\n');
  else out(p, `uid=${named(w.uid, w.user)} gid=${named(w.gid, w.group)} groups=${w.groups.map((g) => named(g.id, g.name)).join(',')}\n`);
  p.exit(0);
};

const whoami: Program = (p) => {
  const w = whoIs(p);
  if (w.user === undefined) {
    err(p, `whoami: unknown uid ${w.uid}\n`);
    return p.exit(1);
  }
  out(p, w.user + '\n');
  p.exit(0);
};

/** busybox df: every mount with blocks, from the container's mount table (the one /proc/mounts shows). */
export const applets: Readonly<Record<string, Program>> = { cat, id, whoami };
