/**
 * ps, kill, tty and stty over a given system. The busybox expectations were
 * captured with `docker run --rm busybox ps …` (its only process is ps itself,
 * PID 1, whose argv is the command line); the terminal ones inside a real pty:
 * `script -qec 'stty rows 24 cols 80; stty; stty -a; stty size; tty' /dev/null`
 * with GNU coreutils 9.1 and with busybox.
 */
import { describe, expect, it } from 'vitest';
import { MemFs } from '../memfs';
import { never } from '../../ports';
import type { UtilContext, UtilProcess, UtilSystem, UtilTerminal } from '../context';
import { utilities } from './index';
import { bbScaled } from './ps';

function proc(pid: number, argv: string[], extra: Partial<UtilProcess> = {}): UtilProcess {
  return { pid, ppid: 0, user: '', argv, tty: '?', started: 0, rss: 1252 * 1024, vsz: 2268 * 1024, stat: 'R', ...extra };
}

function sys(procs: UtilProcess[], terminal: UtilTerminal | null = null, signals: [number, number][] = []): UtilSystem {
  return {
    processes: () => procs,
    kill: (pid, sig) => {
      if (!procs.some((p) => p.pid === pid)) return 'ESRCH';
      signals.push([pid, sig]);
      return 'ok';
    },
    mounts: () => [],
    memory: () => ({ total: 24683772, free: 0, available: 0, shared: 0, buffers: 0, cached: 0, swapTotal: 0, swapFree: 0 }),
    terminal: () => terminal,
    kernel: { release: '6.1.0-18-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)', machine: 'x86_64' },
    privileged: false,
  };
}

async function run(argv: string[], flavor: 'gnu' | 'busybox', system: UtilSystem, tty = false): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const fs = new MemFs();
  fs.writeFile('/etc/passwd', 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n');
  fs.writeFile('/etc/group', 'root:x:0:\ndaemon:x:1:\n');
  const ctx: UtilContext = {
    argv,
    io: { stdin: tty ? null : '', stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupt: never, stdinIsTTY: tty },
    stdoutIsTTY: tty,
    fs,
    cwd: '/',
    env: {},
    user: 'root',
    hostname: 'glassbox',
    flavor,
    now: () => 0,
    sleep: async () => true,
    exec: async () => 'ENOENT',
    sys: system,
  };
  const code = await utilities[argv[0]!]!(ctx);
  return { stdout, stderr, code };
}

describe('busybox ps prints what busybox printed', () => {
  const cases: [string[], string][] = [
    [['ps'], 'PID   USER     COMMAND\n    1 root     ps\n'],
    [['ps', '-o', 'pid,ppid,user,group,comm,stat,tty,args'], 'PID   PPID  USER     GROUP    COMMAND          STAT TT     COMMAND\n    1     0 root     root     ps               R    ?      ps -o pid,ppid,user,group,comm,stat,tty,args\n'],
    [['ps', '-o', 'pid=P,comm=NAME,user=U'], 'P NAME U\n1 ps   r\n'],
    [['ps', '-o', 'pid,args,user'], 'PID   COMMAND\n    1 ps -o pid,args,user\n'],
  ];
  it.each(cases)('%j', async (argv, expected) => {
    expect(await run(argv, 'busybox', sys([proc(1, argv)]))).toEqual({ stdout: expected, stderr: '', code: 0 });
  });

  it('names a bad column and lists the ones it has', async () => {
    expect(await run(['ps', '-o', 'foo'], 'busybox', sys([proc(1, ['ps', '-o', 'foo'])]))).toEqual({
      stdout: '',
      stderr: "ps: bad -o argument 'foo', supported arguments: user,group,comm,args,pid,ppid,pgid,nice,rgroup,ruser,tty,vsz,sid,stat,rss\n",
      code: 1,
    });
  });

  it('shows a user by name from /etc/passwd, else by uid', async () => {
    const r = await run(['ps'], 'busybox', sys([proc(1, ['sh']), proc(7, ['sleep', '100'], { user: '1' }), proc(8, ['top'], { user: '1234' })]));
    expect(r.stdout).toBe('PID   USER     COMMAND\n    1 root     sh\n    7 daemon   sleep 100\n    8 1234     top\n');
  });
});

describe("busybox's four-column sizes (smart_ulltoa4)", () => {
  // busybox's libbb rule: up to 9999 as is, then scaled with one decimal below 10 (2268 as the busybox container showed its sh).
  const cases: [number, string][] = [[0, '   0'], [2268, '2268'], [9999, '9999'], [59392, ' 58m'], [17408, ' 17m'], [10240, ' 10m'], [1048576, '1.0g'], [126976, '124m']];
  it.each(cases)('%i kB → %j', (kb, text) => expect(bbScaled(kb)).toBe(text));
});

describe('procps ps', () => {
  it('lists the processes on the caller terminal by default, and all with -e', async () => {
    const procs = [proc(1, ['/sbin/init'], { stat: 'Ss' }), proc(4242, ['-bash'], { tty: 'pts/0', stat: 'Ss', ppid: 1 }), proc(4300, ['ps'], { tty: 'pts/0', stat: 'R+', ppid: 4242 })];
    const term = { name: '/dev/pts/0', rows: 24, cols: 80 };
    expect((await run(['ps'], 'gnu', sys(procs, term), true)).stdout).toBe('  PID TTY          TIME CMD\n 4242 pts/0    00:00:00 -bash\n 4300 pts/0    00:00:00 ps\n');
    expect((await run(['ps', '-e', '-o', 'pid,comm'], 'gnu', sys(procs, term), true)).stdout).toBe('  PID COMMAND\n    1 init\n 4242 bash\n 4300 ps\n');
  });

  it('refuses what it does not know with procps words', async () => {
    const r = await run(['ps', '-o', 'nope'], 'gnu', sys([]));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('error: unknown user-defined format specifier "nope"');
  });
});

describe('kill', () => {
  it('sends the signal named or numbered, TERM by default', async () => {
    const sent: [number, number][] = [];
    const s = sys([proc(7, ['sleep', '100'])], null, sent);
    for (const flavor of ['gnu', 'busybox'] as const) {
      expect(await run(['kill', '7'], flavor, s)).toEqual({ stdout: '', stderr: '', code: 0 });
      expect(await run(['kill', '-9', '7'], flavor, s)).toEqual({ stdout: '', stderr: '', code: 0 });
      expect(await run(['kill', '-s', 'HUP', '7'], flavor, s)).toEqual({ stdout: '', stderr: '', code: 0 });
      expect(await run(['kill', '-SIGUSR1', '7'], flavor, s)).toEqual({ stdout: '', stderr: '', code: 0 });
    }
    expect(sent).toEqual([[7, 15], [7, 9], [7, 1], [7, 10], [7, 15], [7, 9], [7, 1], [7, 10]]);
  });

  it('says when there is no such process, as each kill words it', async () => {
    expect(await run(['kill', '99999'], 'gnu', sys([]))).toEqual({ stdout: '', stderr: 'kill: (99999): No such process\n', code: 1 });
    expect(await run(['kill', '99999'], 'busybox', sys([]))).toEqual({ stdout: '', stderr: "kill: can't kill pid 99999: No such process\n", code: 1 });
  });

  it('refuses plainly what the simulator cannot deliver', async () => {
    const s: UtilSystem = { ...sys([proc(1, ['dockerd'])]), kill: () => 'ENOSYS' };
    expect(await run(['kill', '1'], 'gnu', s)).toEqual({ stdout: '', stderr: 'glassbox: kill: delivering signal 15 to pid 1 is not simulated yet\n', code: 2 });
  });
});

describe('tty and stty on a terminal and off one', () => {
  const term = { name: '/dev/pts/1', rows: 24, cols: 80 };
  const modes = '-parenb -parodd -cmspar cs8 -hupcl -cstopb cread -clocal -crtscts\n-ignbrk -brkint -ignpar -parmrk -inpck -istrip -inlcr -igncr icrnl ixon -ixoff\n-iuclc -ixany -imaxbel -iutf8\nopost -olcuc -ocrnl onlcr -onocr -onlret -ofill -ofdel nl0 cr0 tab0 bs0 vt0 ff0\nisig icanon iexten echo echoe echok -echonl -noflsh -xcase -tostop -echoprt\nechoctl echoke -flusho -extproc\n';
  const chars = (discard: string): string => `intr = ^C; quit = ^\\; erase = ^?; kill = ^U; eof = ^D; eol = <undef>;\neol2 = <undef>; swtch = <undef>; start = ^Q; stop = ^S; susp = ^Z; rprnt = ^R;\nwerase = ^W; lnext = ^V; ${discard} = ^O; min = 1; time = 0;\n`;
  const cases: [string[], 'gnu' | 'busybox', string][] = [
    [['tty'], 'gnu', '/dev/pts/1\n'],
    [['tty'], 'busybox', '/dev/pts/1\n'],
    [['stty'], 'gnu', 'speed 38400 baud; line = 0;\n-brkint -imaxbel\n'],
    [['stty'], 'busybox', `speed 38400 baud; line = 0;\n${chars('flush')}-brkint -imaxbel\n`],
    [['stty', '-a'], 'gnu', `speed 38400 baud; rows 24; columns 80; line = 0;\n${chars('discard')}${modes}`],
    [['stty', '-a'], 'busybox', `speed 38400 baud; rows 24; columns 80; line = 0;\n${chars('flush')}${modes}`],
    [['stty', 'size'], 'gnu', '24 80\n'],
    [['stty', '-g'], 'gnu', '500:5:bf:8a3b:3:1c:7f:15:4:0:1:0:11:13:1a:0:12:f:17:16:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0:0\n'],
  ];
  it.each(cases)('%j (%s)', async (argv, flavor, expected) => {
    expect(await run(argv, flavor, sys([], term), true)).toEqual({ stdout: expected, stderr: '', code: 0 });
  });

  it('says "not a tty" and refuses stty when stdin is not a terminal', async () => {
    expect(await run(['tty'], 'gnu', sys([]))).toEqual({ stdout: 'not a tty\n', stderr: '', code: 1 });
    expect(await run(['stty'], 'gnu', sys([]))).toEqual({ stdout: '', stderr: "stty: 'standard input': Inappropriate ioctl for device\n", code: 1 });
    expect(await run(['stty'], 'busybox', sys([]))).toEqual({ stdout: '', stderr: 'stty: standard input: Inappropriate ioctl for device\n', code: 1 });
  });

  it('refuses to change settings it cannot change, and rejects what is no setting', async () => {
    expect(await run(['stty', '-echo'], 'gnu', sys([], term), true)).toEqual({ stdout: '', stderr: 'glassbox: stty: changing the terminal settings is not simulated yet\n', code: 2 });
    expect(await run(['stty', 'foo'], 'busybox', sys([], term), true)).toEqual({ stdout: '', stderr: "stty: invalid number 'foo'\n", code: 1 });
  });
});
