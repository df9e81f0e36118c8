import type { NamespaceType } from '../model';
import type { CommandRunner, ProcessIO } from '../process';
import type { Kernel } from './kernel';
import { HOST_NAMESPACES } from './namespaces';

/**
 * util-linux 2.38's nsenter as root on the host runs it: `nsenter -t PID -n
 * ip addr` runs the host's `ip` in the target's network namespace; -m gives
 * the command the target's files (its /proc, its /etc/hostname), -u its
 * hostname, -p a pid in its pid namespace. The command is a child process of
 * the shell in those namespaces, so /proc/self/ns shows where it is.
 */

/** Where the entered command runs. */
export interface NsenterTarget {
  /** Host pid of the command's process. */
  pid: number;
  /** The namespaces it entered. */
  entered: readonly NamespaceType[];
  /** The container whose mount namespace it entered (-m), whose uts namespace (-u), whose network namespace (-n). */
  mnt?: string;
  uts?: string;
  net?: string;
}

export interface NsenterDeps {
  kernel: Kernel;
  /** Whether the command can be executed there (execvp's lookup). */
  canExec(name: string, target: NsenterTarget): boolean;
  /** Runs the command as `target.pid`; resolves to its exit status. */
  run(argv: string[], io: ProcessIO, target: NsenterTarget): Promise<number>;
}

/** nsenter's option letters for each namespace, and the order it opens them in (util-linux's namespace_files). */
const NS_OPTIONS: readonly [string, string, NamespaceType | 'time'][] = [
  ['U', 'user', 'user'], ['C', 'cgroup', 'cgroup'], ['i', 'ipc', 'ipc'], ['u', 'uts', 'uts'],
  ['n', 'net', 'net'], ['p', 'pid', 'pid'], ['m', 'mount', 'mnt'], ['T', 'time', 'time'],
];

const TRY = "Try 'nsenter --help' for more information.\n";

export function nsenterCommand(deps: NsenterDeps): CommandRunner {
  return async (argv, io) => {
    const fail = (msg: string, code = 1): number => {
      io.stderr(msg);
      return code;
    };
    const wanted = new Set<NamespaceType | 'time'>();
    let all = false;
    let target: number | undefined;
    let i = 1;
    for (; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (!a.startsWith('-') || a === '-') break;
      if (a.startsWith('--')) {
        const [name, value] = a.slice(2).split('=', 2) as [string, string | undefined];
        const ns = NS_OPTIONS.find(([, long]) => long === name);
        if (ns) {
          if (value !== undefined) return fail(`glassbox: nsenter --${name}=FILE (a namespace file): not simulated yet\n`, 2);
          wanted.add(ns[2]);
        } else if (name === 'target') {
          const v = value ?? argv[++i];
          if (v === undefined) return fail(`nsenter: option '--target' requires an argument\n${TRY}`);
          target = parsePid(v);
          if (target === undefined) return fail(`nsenter: failed to parse pid: '${v}'\n`);
        } else if (name === 'all') all = true;
        else if (['root', 'wd', 'setuid', 'setgid', 'preserve-credentials', 'no-fork', 'follow-context'].includes(name)) {
          return fail(`glassbox: nsenter --${name}: not simulated yet\n`, 2);
        } else if (name === 'help' || name === 'version') return fail(`glassbox: nsenter --${name}: not simulated yet\n`, 2);
        else return fail(`nsenter: unrecognized option '${a}'\n${TRY}`);
        continue;
      }
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const ns = NS_OPTIONS.find(([short]) => short === c);
        if (ns) {
          // -m, -u … take an optional namespace file only when attached (-m/proc/1/ns/mnt).
          if (j < a.length - 1) return fail(`glassbox: nsenter -${c}FILE (a namespace file): not simulated yet\n`, 2);
          wanted.add(ns[2]);
        } else if (c === 't') {
          const v = j < a.length - 1 ? a.slice(j + 1) : argv[++i];
          if (v === undefined) return fail(`nsenter: option requires an argument -- 't'\n${TRY}`);
          target = parsePid(v);
          if (target === undefined) return fail(`nsenter: failed to parse pid: '${v}'\n`);
          break;
        } else if (c === 'a') all = true;
        else if ('rwSGFZ'.includes(c)) return fail(`glassbox: nsenter -${c}: not simulated yet\n`, 2);
        else if (c === 'h' || c === 'V') return fail(`glassbox: nsenter -${c}: not simulated yet\n`, 2);
        else return fail(`nsenter: invalid option -- '${c}'\n${TRY}`);
      }
    }
    const command = argv.slice(i);
    const kernel = deps.kernel;
    const order = NS_OPTIONS.map(([, , t]) => t);
    if (all) {
      if (target === undefined) return fail('nsenter: no target PID specified for --all\n');
      for (const t of order) wanted.add(t);
    }
    const types = order.filter((t) => wanted.has(t));
    if (types.length > 0 && target === undefined) return fail(`nsenter: neither filename nor target pid supplied for ns/${types[0] === 'mnt' ? 'mnt' : types[0]}\n`);
    const proc = target !== undefined ? kernel.process(target) : undefined;
    if (target !== undefined && types.length > 0 && !proc) return fail(`nsenter: cannot open /proc/${target}/ns/${types[0]}: No such file or directory\n`);
    if (command.length === 0) {
      return fail('glassbox: nsenter without a command (an interactive shell in the namespaces): not simulated yet; give it the command to run, e.g. nsenter -t PID -n ip addr\n', 2);
    }
    // Entering a namespace the shell is already in is skipped with --all; asked for by name, the user namespace refuses.
    const enter: Partial<Record<NamespaceType, number>> = {};
    const entered: NamespaceType[] = [];
    for (const t of types) {
      if (t === 'time') continue;
      const inode = proc!.ns[t];
      if (inode === HOST_NAMESPACES[t]) {
        if (t === 'user' && !all) return fail("nsenter: reassociate to namespace 'ns/user' failed: Invalid argument\n");
        continue;
      }
      enter[t] = inode;
      entered.push(t);
    }
    const owner = (t: NamespaceType): string | undefined => (entered.includes(t) ? proc?.containerId : undefined);
    const pid = kernel.hostExec(command, enter);
    const where: NsenterTarget = { pid, entered };
    for (const [key, t] of [['mnt', 'mnt'], ['uts', 'uts'], ['net', 'net']] as const) {
      const id = owner(t);
      if (id !== undefined) where[key] = id;
    }
    try {
      if (!deps.canExec(command[0]!, where)) return fail(`nsenter: failed to execute ${command[0]}: No such file or directory\n`, 127);
      return await deps.run(command, io, where);
    } finally {
      kernel.hostExit(pid);
    }
  };
}

function parsePid(s: string): number | undefined {
  return /^[0-9]+$/.test(s) ? Number(s) : undefined;
}
