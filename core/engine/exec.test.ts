import { describe, expect, it } from 'vitest';
import { DaemonError } from './errors';
import { EngineDriver } from './testDriver';

function running(d: EngineDriver, name = 'box'): string {
  const { id } = d.engine.create({ image: 'busybox', cmd: ['sleep', '300'], name });
  d.engine.start(id);
  return id;
}

async function execOut(d: EngineDriver, ref: string, cmd: string[], opts: { user?: string; workingDir?: string; env?: string[] } = {}): Promise<{ out: string; err: string; code: number }> {
  const execId = d.engine.execCreate(ref, { cmd, ...opts });
  let out = '';
  let err = '';
  const h = d.engine.execStart(execId, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  const code = await d.until(h.done);
  return { out, err, code };
}

describe('docker exec in the engine', () => {
  it('runs in the container filesystem, with its own user, directory and environment, and reports exec events', async () => {
    const d = new EngineDriver();
    const id = running(d);
    expect(await execOut(d, 'box', ['sh', '-c', 'echo hi > /tmp/x; cat /tmp/x; exit 4'])).toEqual({ out: 'hi\n', err: '', code: 4 });
    // The file stays: the next exec sees the same filesystem.
    expect(await execOut(d, 'box', ['cat', '/tmp/x'])).toEqual({ out: 'hi\n', err: '', code: 0 });
    expect(await execOut(d, 'box', ['sh', '-c', 'id; pwd; echo $HOME $A'], { user: 'nobody', workingDir: '/tmp', env: ['A=1'] })).toEqual({
      out: 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n/tmp\n/home 1\n',
      err: '',
      code: 0,
    });
    const actions = d.actions(id).filter((a) => a.startsWith('exec'));
    expect(actions.slice(0, 3)).toEqual(["exec_create: sh -c echo hi > /tmp/x; cat /tmp/x; exit 4", "exec_start: sh -c echo hi > /tmp/x; cat /tmp/x; exit 4", 'exec_die']);
    expect(d.events.find((e) => e.action === 'exec_die')?.attributes.exitCode).toBe('4');
  });

  it('refuses with dockerd and runc texts: not running, paused, missing command, directory or user', async () => {
    const d = new EngineDriver();
    const id = running(d);
    const fails = (ref: string, cmd: string[], opts: { user?: string; workingDir?: string } = {}): string => {
      try {
        d.engine.execStart(d.engine.execCreate(ref, { cmd, ...opts }), { stdout: () => {}, stderr: () => {} });
        return 'started';
      } catch (e) {
        if (!(e instanceof DaemonError)) throw e;
        return `${e.exitCode ?? '-'} ${e.message}`;
      }
    };
    const runc = 'OCI runtime exec failed: exec failed: unable to start container process';
    expect(fails('box', ['nosuch'])).toBe(`126 ${runc}: exec: "nosuch": executable file not found in $PATH: unknown`);
    expect(fails('box', ['/nope'])).toBe(`126 ${runc}: exec: "/nope": stat /nope: no such file or directory: unknown`);
    expect(fails('box', ['/etc'])).toBe(`126 ${runc}: exec: "/etc": permission denied: unknown`);
    expect(fails('box', ['pwd'], { workingDir: '/nonexist' })).toBe(`126 ${runc}: chdir to cwd ("/nonexist") set in config.json failed: no such file or directory: unknown`);
    expect(fails('box', ['id'], { user: 'nouser' })).toBe('126 unable to find user nouser: no matching entries in passwd file');
    d.engine.pause('box');
    expect(fails('box', ['ls'])).toBe('- Container box is paused, unpause the container before exec');
    d.engine.unpause('box');
    d.engine.kill('box');
    await d.advance(10);
    expect(fails('box', ['ls'])).toBe(`- Container ${id} is not running`);
    expect(fails('nosuch', ['ls'])).toBe('- No such container: nosuch');
  });

  it('lists exec processes in ps, tells the kernel hook, and kills them when the container stops', async () => {
    const d = new EngineDriver();
    running(d);
    const hook: string[] = [];
    d.engine.onExec((e) => hook.push(e.phase === 'start' ? `start ${e.pid} ${e.argv.join(' ')}` : `exit ${e.pid} ${e.exitCode}`));
    const bg = d.engine.execStart(d.engine.execCreate('box', { cmd: ['sleep', '100'] }), { stdout: () => {}, stderr: () => {} });
    expect(await execOut(d, 'box', ['ps'])).toEqual({ out: 'PID   USER     COMMAND\n    1 root     sleep 300\n    7 root     sleep 100\n    8 root     ps\n', err: '', code: 0 });
    d.engine.kill('box');
    expect(await d.until(bg.done)).toBe(137);
    expect(hook).toEqual(['start 7 sleep 100', 'start 8 ps', 'exit 8 0', 'exit 7 137']);
  });

  it('an interactive shell over a tty: banner, prompt, echo, Ctrl-C, cd in the prompt, exit code', async () => {
    const d = new EngineDriver();
    running(d);
    let out = '';
    const h = d.engine.execStart(d.engine.execCreate('box', { cmd: ['sh'], tty: true, attachStdin: true }), { stdout: (t) => (out += t), stderr: (t) => (out += t), stdin: null });
    await d.advance(10);
    expect(out.endsWith('/ # ')).toBe(true);
    out = '';
    h.write('echo hi > /etc/motd\r');
    h.write('cat /etc/motd\r');
    await d.advance(10);
    expect(out).toBe('echo hi > /etc/motd\r\n/ # cat /etc/motd\r\nhi\r\n/ # ');
    out = '';
    h.write('sleep 50\r');
    await d.advance(1000);
    h.write('\x03');
    await d.advance(10);
    expect(out).toBe('sleep 50\r\n^C\r\n/ # ');
    out = '';
    h.write('cd /tmp\rabc\x7f\x7fx\r');
    await d.advance(10);
    expect(out).toBe('cd /tmp\r\n/tmp # abc\b \b\b \bx\r\nsh: ax: not found\r\n/tmp # ');
    h.write('exit 3\r');
    expect(await d.until(h.done)).toBe(3);
  });

  it('Ctrl-D at the prompt ends the shell with the last status; cat reads the terminal until Ctrl-D', async () => {
    const d = new EngineDriver();
    running(d);
    let out = '';
    const h = d.engine.execStart(d.engine.execCreate('box', { cmd: ['sh'], tty: true, attachStdin: true }), { stdout: (t) => (out += t), stderr: () => {}, stdin: null });
    await d.advance(10);
    out = '';
    h.write('cat\rline\r\x04');
    await d.advance(10);
    expect(out).toBe('cat\r\nline\r\nline\r\n/ # ');
    h.write('false\r\x04');
    expect(await d.until(h.done)).toBe(1);
  });
});

describe('A container process forking a child', () => {
  it('shows the child in the container pid namespace and in docker top until it exits', async () => {
    const d = new EngineDriver();
    const id = running(d);
    const execId = d.engine.execCreate(id, { cmd: ['sleep', '100'] });
    d.engine.execStart(execId, { stdout: () => {}, stderr: () => {} });
    const parent = d.engine.kernel.containerProcesses(id).find((p) => p.argv[0] === 'sleep' && p.argv[1] === '100')!;
    const pid = d.engine.kernel.fork(parent.pid, ['sleep', '5'], '/bin/sleep');
    const child = d.engine.kernel.process(pid)!;
    expect(child.ppid).toBe(parent.pid);
    expect(child.ns).toEqual(parent.ns);
    expect(child.nsPid).toBeGreaterThan(parent.nsPid);
    expect(d.engine.kernel.containerProcesses(id).map((p) => p.argv.join(' '))).toEqual(['sleep 300', 'sleep 100', 'sleep 5']);
    d.engine.kernel.processExit(pid, 0);
    expect(d.engine.kernel.containerProcesses(id).map((p) => p.argv.join(' '))).toEqual(['sleep 300', 'sleep 100']);
  });
});
