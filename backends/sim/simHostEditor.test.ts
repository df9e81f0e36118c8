import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import type { EditRequest } from '../../core/backend';
import { SimHost } from './simHost';

function newHost(): SimHost {
  return new SimHost({ seed: 'editor-test', yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: true, terminalInput: true });
}

async function run(host: SimHost, line: string, edit?: (r: EditRequest) => Promise<string | null>): Promise<{ out: string; exit: number }> {
  let out = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => void (out += t), stderr: (t) => void (out += t), ...(edit ? { edit } : {}) });
  return { out, exit };
}

const answer = (...texts: (string | null)[]) => {
  const shown: EditRequest[] = [];
  return { shown, edit: (r: EditRequest) => (shown.push(r), Promise.resolve(texts.shift() ?? null)) };
};

describe('SimHost: vi, vim and nano open the page’s editor pane', () => {
  it('a daemon.json saved in vim takes effect at the next restart of docker', async () => {
    const host = newHost();
    const pane = answer('{\n  "registry-mirrors": ["https://mirror.example.com"]\n}\n');
    expect((await run(host, 'vim /etc/docker/daemon.json', pane.edit)).exit).toBe(0);
    expect(pane.shown[0]).toMatchObject({ path: '/etc/docker/daemon.json', content: '' });
    expect((await run(host, 'systemctl restart docker')).exit).toBe(0);
    expect((await run(host, 'docker info')).out).toContain('https://mirror.example.com/');
  });

  it('a save under a read-only location gets the editor’s error, and nothing is written', async () => {
    const host = newHost();
    const pane = answer('x\n', null);
    expect((await run(host, 'vi /proc/gb-test', pane.edit)).exit).toBe(0);
    expect(pane.shown[1]?.error).toBe(`"/proc/gb-test" E212: Can't open file for writing`);
    expect((await run(host, 'cat /proc/gb-test')).exit).toBe(1);
    // Docker's overlay2 tree is the engine's own view, read-only to the shell (as `touch` finds it).
    const touched = await run(host, 'touch /var/lib/docker/overlay2/gb-test');
    const data = answer('x\n', null);
    await run(host, 'nano /var/lib/docker/overlay2/gb-test', data.edit);
    expect(touched.out).toContain('Read-only file system');
    expect(data.shown[1]?.error).toBe('[ Error writing /var/lib/docker/overlay2/gb-test: Read-only file system ]');
  });

  it('vi docker.service shows docker.io’s unit; quitting leaves it, a changed unit is refused in the pane (not saved without effect)', async () => {
    const host = newHost();
    const pane = answer(null);
    expect((await run(host, 'vi /usr/lib/systemd/system/docker.service', pane.edit)).exit).toBe(0);
    expect(pane.shown[0]!.content).toContain('ExecStart=/usr/sbin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock $DOCKER_OPTS\n');
    const changed = answer('[Service]\nExecStart=/usr/bin/dockerd --graph=/data/docker\n', null);
    await run(host, 'vi /usr/lib/systemd/system/docker.service', changed.edit);
    expect(changed.shown[1]!.error).toMatch(/^glassbox: changes to docker.service are not simulated yet/);
    expect((await run(host, 'grep -c graph /usr/lib/systemd/system/docker.service')).out).toBe('0\n');
  });

  it('journals what was saved, so a replay of the journal gives the same file', async () => {
    const host = newHost();
    await run(host, 'echo old > /root/a.txt');
    await run(host, 'nano /root/a.txt', answer('edited\n').edit);
    await run(host, 'vim /root/b.txt', answer(null).edit);
    expect(host.journal.entries.filter((e) => 'edit' in e).map((e) => ('edit' in e ? e.edit : undefined))).toEqual(['edited\n', null]);
    const copy = newHost();
    await copy.replay(host.journal);
    expect((await run(copy, 'cat /root/a.txt')).out).toBe('edited\n');
    expect((await run(copy, 'ls /root/b.txt')).exit).toBe(2);
    expect(copy.journal.entries).toEqual(host.journal.entries.concat(copy.journal.entries.slice(host.journal.entries.length)));
  });

  it('without an editor (a script), vim says input is not from a terminal and exits 1', async () => {
    const host = new SimHost({ seed: 'editor-test', yieldToEventLoop: () => yieldImmediate() });
    const r = await run(host, 'vim /etc/docker/daemon.json');
    expect(r.exit).toBe(1);
    expect(r.out).toContain('Vim: Warning: Input is not from a terminal');
    expect((await run(host, 'cat /etc/docker/daemon.json')).exit).toBe(1);
  });
});

describe('SimHost: vi inside a container', () => {
  it('docker exec -it … vi edits the container’s file through its upper layer (copy-up), and docker diff shows it', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name gb-ed busybox sleep 3600');
    const pane = answer('edited in busybox vi\n');
    expect((await run(host, 'docker exec -it gb-ed vi /etc/hostname', pane.edit)).exit).toBe(0);
    expect(pane.shown[0]).toMatchObject({ path: '/etc/hostname', title: 'vi /etc/hostname' });
    expect((await run(host, 'docker exec gb-ed cat /etc/hostname')).out).toBe('edited in busybox vi\n');
    const saved = answer('x\n');
    expect((await run(host, 'docker exec -it gb-ed vi /bin/notes', saved.edit)).exit).toBe(0);
    expect((await run(host, 'docker diff gb-ed')).out).toContain('A /bin/notes');
  });

  it('vi typed into docker run -it’s shell opens the pane of the attached client', async () => {
    const host = newHost();
    const pane = answer('typed at the prompt\n');
    const lines = ['vi /root/notes', 'exit'];
    let out = '';
    const exit = await host.runToCompletion('docker run -it --name gb-ed busybox sh', { stdout: (t) => void (out += t), stderr: (t) => void (out += t), edit: pane.edit }, undefined, async () => lines.shift());
    expect(exit).toBe(0);
    expect(pane.shown[0]).toMatchObject({ path: '/root/notes', content: '', title: 'vi /root/notes' });
    await run(host, 'docker start gb-ed');
    expect((await run(host, 'docker exec gb-ed cat /root/notes')).out).toBe('typed at the prompt\n');
  });

  it('busybox vi’s own error for a save into a missing directory, in the container', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name gb-ed busybox sleep 3600');
    const pane = answer('x\n', null);
    await run(host, 'docker exec -it gb-ed vi /no/such/file', pane.edit);
    expect(pane.shown[1]?.error).toBe(`'/no/such/file' No such file or directory`);
  });

  it('CentOS’s vi is vim-minimal: vim’s E212 for a save it cannot make', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name gb-ed centos sleep 3600');
    const pane = answer('x\n', null);
    expect((await run(host, 'docker exec -it gb-ed vi /no/such/file', pane.edit)).exit).toBe(0);
    expect(pane.shown[1]?.error).toBe(`"/no/such/file" E212: Can't open file for writing`);
  });

  it('without -it, busybox vi cannot read user input (exit 1)', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name gb-ed busybox sleep 3600');
    const r = await run(host, 'docker exec gb-ed vi /etc/hostname', answer('no\n').edit);
    expect(r).toEqual({ exit: 1, out: "vi: can't read user input\n" });
  });

  it('an image without vi: the shell’s own not found (127)', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name gb-ed ubuntu sleep 3600');
    const r = await run(host, "docker exec gb-ed bash -c 'vi /etc/hostname'");
    expect(r.exit).toBe(127);
    expect(r.out).toBe('bash: line 1: vi: command not found\n');
  });
});

describe('SimHost: docker login’s simulated Docker Hub sign-in', () => {
  it('journals the Enter and the sign-in’s answer; a replay stores the same credentials', async () => {
    const host = newHost();
    let out = '';
    let code = '';
    const done = host.runToCompletion(
      'docker login',
      {
        stdout: (t) => void (out += t),
        stderr: (t) => void (out += t),
        signIn: (r) => {
          code = r.code;
          return Promise.resolve('student');
        },
      },
      undefined,
      async () => '',
    );
    expect(await done).toBe(0);
    expect(out).toContain(`Your one-time device confirmation code is: \x1b[1m${code}`);
    expect(out).toContain('Login Succeeded');
    expect(host.journal.entries.some((e) => 'signIn' in e && e.signIn === 'student')).toBe(true);
    const config = (await run(host, 'cat /root/.docker/config.json')).out;
    const copy = newHost();
    await copy.replay(host.journal);
    expect((await run(copy, 'cat /root/.docker/config.json')).out).toBe(config);
  });

  it('Ctrl-C while the client waits for the browser: "login canceled", exit 1, nothing stored', async () => {
    const host = newHost();
    let out = '';
    const done = host.start('docker login', { stdout: (t) => void (out += t), stderr: (t) => void (out += t), signIn: () => Promise.resolve(null) });
    await host.advanceTo(host.now() + 1000);
    host.input('\r');
    await host.advanceTo(host.now() + 1000);
    host.interrupt();
    expect(await done).toBe(1);
    expect(out.endsWith('login canceled\n')).toBe(true);
    expect((await run(host, 'ls /root/.docker/config.json')).exit).toBe(2);
  });
});
