/**
 * stat: a file's status in coreutils' or busybox's default layout, -t, or
 * -c FORMAT. Inode numbers come from the filesystem and device numbers from
 * the mount table (UtilContext.sys); where neither is known the utility says
 * so rather than invent one. The filesystem keeps one time per file, so
 * access and change times are its modification time, and the birth time is
 * unknown ("-").
 */
import { getopt, has, last } from '../getopt';
import { bbUsage, notSimulated, optionError, usageError, type UtilContext } from '../context';
import { fsErrorText, resolvePath, type FsStat } from '../filesystem';
import { modeString } from './ls';
import { accounts, groupName, userName } from './accounts';

const GNU_DEFAULT = '  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Hd,%Ld\tInode: %-11i Links: %h\nAccess: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n';
const BB_DEFAULT = '  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Dh/%dd\tInode: %-10i  Links: %h\nAccess: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nAccess: %x\nModify: %y\nChange: %z\n';
const GNU_TERSE = '%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o\n';
const BB_TERSE = '%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %o\n';

/** "2026-01-01 00:00:00.000000000 +0000": the simulator keeps UTC and milliseconds. */
export function statTime(ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, '0')}000000 +0000`;
}

function fileType(st: FsStat): string {
  return st.kind === 'dir' ? 'directory' : st.kind === 'symlink' ? 'symbolic link' : st.size === 0 ? 'regular empty file' : 'regular file';
}

/** The device ("major:minor") of the mount a path lies on: the longest mount point that contains it. */
function deviceOf(ctx: UtilContext, abs: string): [number, number] | null {
  if (!ctx.sys) return null;
  let best: { len: number; dev: string } | null = null;
  for (const m of ctx.sys.mounts()) {
    const t = m.target === '/' ? '/' : m.target.replace(/\/+$/, '');
    if (abs === t || abs.startsWith(t === '/' ? '/' : t + '/')) if (!best || t.length >= best.len) best = { len: t.length, dev: m.dev };
  }
  const m = best ? /^(\d+):(\d+)$/.exec(best.dev) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

class Unknown extends Error {}

export function stat(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), {
    flags: gnu ? 'LftZ' : 'LftZ',
    withValue: 'c',
    long: gnu ? { dereference: { as: 'L', value: false }, 'file-system': { as: 'f', value: false }, terse: { as: 't', value: false }, format: { as: 'c', value: true }, printf: { as: 'printf', value: true } } : {},
  });
  if ('error' in p) return optionError(ctx, p.error);
  if (has(p, 'f')) {
    ctx.io.stderr('glassbox: stat: -f (file system status) is not simulated yet\n');
    return 2;
  }
  if (p.operands.length === 0) return gnu ? usageError(ctx, 'missing operand') : bbUsage(ctx);
  const printf = last(p, 'printf');
  const format = printf ?? (has(p, 'c') ? last(p, 'c')! + '\n' : has(p, 't') ? (gnu ? GNU_TERSE : BB_TERSE) : gnu ? GNU_DEFAULT : BB_DEFAULT);
  const acc = accounts(ctx);
  let status = 0;
  let out = '';
  for (const name of p.operands) {
    const abs = resolvePath(name, ctx.cwd);
    const st = has(p, 'L') ? ctx.fs.stat(abs) : ctx.fs.lstat(abs);
    if (typeof st === 'string') {
      ctx.io.stderr(gnu ? `stat: cannot statx '${name}': ${fsErrorText(st)}\n` : `stat: can't stat '${name}': ${fsErrorText(st)}\n`);
      status = 1;
      continue;
    }
    try {
      out += render(format, { ctx, name, abs, st, acc, gnu, isDefault: !has(p, 'c') && printf === undefined });
    } catch (e) {
      if (e instanceof Unknown) {
        ctx.io.stdout(out);
        return notSimulated(ctx);
      }
      throw e;
    }
  }
  ctx.io.stdout(out);
  return status;
}

interface Subject {
  ctx: UtilContext;
  name: string;
  abs: string;
  st: FsStat;
  acc: ReturnType<typeof accounts>;
  gnu: boolean;
  isDefault: boolean;
}

function render(format: string, s: Subject): string {
  const { st } = s;
  const dev = (): [number, number] => {
    const d = deviceOf(s.ctx, s.abs);
    if (!d) throw new Unknown();
    return d;
  };
  const ino = (): number => {
    if (st.ino === undefined) throw new Unknown();
    return st.ino;
  };
  const blocks = st.kind === 'dir' ? 8 : st.kind === 'symlink' ? 0 : Math.ceil(st.size / 4096) * 8;
  const typeBits = st.kind === 'dir' ? 0o040000 : st.kind === 'symlink' ? 0o120000 : 0o100000;
  const sec = String(Math.floor(st.mtime / 1000));
  const target = st.kind === 'symlink' ? st.target ?? '' : '';
  const value = (c: string): string | null => {
    switch (c) {
      case 'n': return s.name;
      case 'N':
        if (s.isDefault) return st.kind === 'symlink' ? (s.gnu ? `${s.name} -> ${target}` : `'${s.name}' -> '${target}'`) : s.name;
        return st.kind === 'symlink' ? `'${s.name}' -> '${target}'` : s.gnu ? `'${s.name}'` : s.name;
      case 's': return String(st.size);
      case 'b': return String(blocks);
      case 'B': return '512';
      case 'o': return '4096';
      case 'F': return fileType(st);
      case 'f': return (typeBits | st.mode).toString(16);
      case 'a': return (st.mode & 0o7777).toString(8);
      case 'A': return modeString(st);
      case 'h': return String(st.nlink);
      case 'u': return String(st.uid ?? 0);
      case 'g': return String(st.gid ?? 0);
      case 'U': return userName(s.acc, st.uid ?? 0);
      case 'G': return groupName(s.acc, st.gid ?? 0);
      case 'i': return String(ino());
      case 'd': { const [ma, mi] = dev(); return String(ma * 256 + mi); }
      case 'D': { const [ma, mi] = dev(); return (ma * 256 + mi).toString(16); }
      case 'Hd': case 'Hr': return String(dev()[0]);
      case 'Ld': case 'Lr': return String(dev()[1]);
      case 't': case 'T': return '0';
      case 'x': case 'y': case 'z': return statTime(st.mtime);
      case 'X': case 'Y': case 'Z': return sec;
      case 'w': return '-';
      case 'W': return '0';
      case '%': return '%';
      default: return null;
    }
  };
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch === '\\' && s.gnu && !s.isDefault) {
      const esc: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"' };
      const next = format[i + 1];
      if (next !== undefined && esc[next] !== undefined) {
        out += esc[next];
        i++;
        continue;
      }
    }
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const m = /^%([-#0 +]*)(\d*)(?:\.(\d+))?([HL][dr]|[A-Za-z%])/.exec(format.slice(i));
    if (!m) {
      out += ch;
      continue;
    }
    i += m[0].length - 1;
    let v = value(m[4]!);
    if (v === null) {
      out += s.gnu ? '?' : m[0];
      continue;
    }
    if (m[3] !== undefined) v = /^\d+$/.test(v) ? v.padStart(Number(m[3]), '0') : v.slice(0, Number(m[3]));
    const width = Number(m[2] || 0);
    const flags = m[1]!;
    if (flags.includes('0') && /^\d+$/.test(v)) v = v.padStart(width, '0');
    out += flags.includes('-') ? v.padEnd(width) : v.padStart(width);
  }
  return out;
}
