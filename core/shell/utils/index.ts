import { usageError, type Utility } from '../context';
import { cat, grep, wc, head, tail, sort, uniq, cut, tr, tee, seq, rev } from './text';
import { ls, touch, rm, mkdir, rmdir, cp, mv, readlink } from './files';
import { tar } from './tar';
import { sed } from './sed';
import { awk } from './awk';

/**
 * The utilities every shell of the simulator can run, by name: the host's
 * bash (GNU output) and the shells inside containers (`ctx.flavor` says
 * whether the program is GNU's or busybox's applet, whose messages and
 * formats differ). Utilities that need the shell itself (sleep, env, xargs,
 * sudo, bash) are added by the shell.
 */
export const utilities: Readonly<Record<string, Utility>> = {
  cat, grep, egrep: (c) => grep({ ...c, argv: ['grep', '-E', ...c.argv.slice(1)] }), fgrep: (c) => grep({ ...c, argv: ['grep', '-F', ...c.argv.slice(1)] }),
  wc, head, tail, sort, uniq, cut, tr, tee, seq, rev, sed, awk, ls, touch, rm, mkdir, rmdir, cp, mv, tar, readlink,
  clear: (c) => (c.io.stdout('\x1b[H\x1b[2J\x1b[3J'), 0),
  whoami: (c) => (c.io.stdout(c.user + '\n'), 0),
  hostname: (c) => (c.io.stdout(c.hostname + '\n'), 0),
  id: (c) => {
    const uid = c.user === 'root' ? 0 : 1000;
    c.io.stdout(`uid=${uid}(${c.user}) gid=${uid}(${c.user}) groups=${uid}(${c.user})\n`);
    return 0;
  },
  basename: (c) => {
    const a = c.argv[1];
    if (a === undefined) return usageError(c, 'missing operand');
    let b = a.replace(/\/+$/, '');
    b = b === '' ? '/' : b.slice(b.lastIndexOf('/') + 1);
    if (c.argv[2] !== undefined && b.endsWith(c.argv[2]) && b !== c.argv[2]) b = b.slice(0, -c.argv[2].length);
    c.io.stdout(b + '\n');
    return 0;
  },
  dirname: (c) => {
    const a = c.argv[1];
    if (a === undefined) return usageError(c, 'missing operand');
    const s = a.replace(/\/+$/, '');
    const i = s.lastIndexOf('/');
    c.io.stdout((i < 0 ? '.' : i === 0 ? '/' : s.slice(0, i).replace(/\/+$/, '') || '/') + '\n');
    return 0;
  },
  yes: (c) => {
    // Infinite output cannot stream through a pipe here; give a bounded amount.
    const word = c.argv.length > 1 ? c.argv.slice(1).join(' ') : 'y';
    c.io.stdout((word + '\n').repeat(10000));
    return 0;
  },
};
