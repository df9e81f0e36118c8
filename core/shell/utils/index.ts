import type { Utility } from '../context';
import { cat, echo, wc, head, tail, tee, seq, rev } from './text';
import { grep } from './grep';
import { sort, uniq } from './sort';
import { cut, tr } from './cut';
import { printf } from './printf';
import { ls } from './ls';
import { touch, rm, mkdir, rmdir, cp, mv, readlink } from './files';
import { ln } from './ln';
import { stat } from './stat';
import { du } from './du';
import { find } from './find';
import { tar } from './tar';
import { sed } from './sed';
import { awk } from './awk';
import { env, printenv, sleep, xargs, which, trueUtility, falseUtility } from './exec';
import { test } from './test';
import { ps, kill } from './ps';
import { df, mount, umount, free, uname, tty, stty } from './system';
import { date } from './date';
import { id, whoami, hostname } from './accounts';
import { md5sum, sha256sum, basename, dirname } from './sums';

/**
 * The utilities every shell of the simulator can run, by name: the host's
 * bash (GNU output) and the shells inside containers (`ctx.flavor` says
 * whether the program is GNU's or busybox's applet, whose messages and
 * formats differ). Those that need the machine (ps, kill, df, free, mount,
 * uname, tty, stty) read it from `ctx.sys`. Utilities that are the shell
 * itself (sudo, bash, sh) are added by the shell.
 */
export const utilities: Readonly<Record<string, Utility>> = {
  cat, grep, egrep: (c) => grep({ ...c, argv: ['grep', '-E', ...c.argv.slice(1)] }), fgrep: (c) => grep({ ...c, argv: ['grep', '-F', ...c.argv.slice(1)] }),
  echo, printf, wc, head, tail, sort, uniq, cut, tr, tee, seq, rev, sed, awk,
  ls, touch, rm, mkdir, rmdir, cp, mv, ln, readlink, stat, du, find, tar, md5sum, sha256sum, basename, dirname,
  env, printenv, sleep, xargs, which, true: trueUtility, false: falseUtility, test, '[': test,
  ps, kill, df, mount, umount, free, uname, tty, stty, date, id, whoami, hostname,
  clear: (c) => (c.io.stdout('\x1b[H\x1b[2J\x1b[3J'), 0),
  yes: (c) => {
    // Infinite output cannot stream through a pipe here; give a bounded amount.
    const word = c.argv.length > 1 ? c.argv.slice(1).join(' ') : 'y';
    c.io.stdout((word + '\n').repeat(10000));
    return 0;
  },
};

/** The utilities that read the machine (`ctx.sys`). */
const MACHINE_UTILITIES: ReadonlySet<string> = new Set(['ps', 'kill', 'df', 'mount', 'umount', 'free', 'uname', 'tty', 'stty']);

/**
 * The utilities without those that read the machine: for a shell whose files
 * live in memory on a real machine (the agent's terminal), where `uname` must
 * be "command not found" rather than a simulated answer about another machine.
 */
export function machinelessUtilities(): Record<string, Utility> {
  return Object.fromEntries(Object.entries(utilities).filter(([name]) => !MACHINE_UTILITIES.has(name)));
}
