import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import type { BackendEvent } from '../../core/backend';
import { SimHost } from './simHost';
import { run } from './testRun';

function newHost(seed = 'sim-host-test'): SimHost {
  return new SimHost({ seed, yieldToEventLoop: () => yieldImmediate() });
}

const script = [
  'docker run -d --name web busybox sleep 300',
  'docker run -d busybox sleep 5',
  'docker pause web',
  'docker ps -a --format "{{.ID}} {{.Names}} {{.Status}}"',
  'docker stop -t 3 web',
  'docker ps -a --format "{{.ID}} {{.Names}} {{.Status}}"',
];

describe('SimHost', () => {
  it('is deterministic: the same seed and lines give the same output', async () => {
    const outputs = async (seed: string) => {
      const host = newHost(seed);
      const all: string[] = [];
      for (const line of script) all.push(JSON.stringify(await run(host, line)));
      return all;
    };
    const a = await outputs('one');
    expect(await outputs('one')).toEqual(a);
    expect(await outputs('two')).not.toEqual(a);
  });

  it('moves virtual time only as far as a line needs', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name web busybox sleep 300');
    const before = host.now();
    expect((await run(host, 'docker pause web')).exit).toBe(0);
    expect((await run(host, 'docker stop nosuch')).exit).toBe(1);
    expect(host.now()).toBe(before);
  });

  it('waits the stop timeout in virtual time, then kills (137)', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name web busybox sleep 300');
    const before = host.now();
    expect((await run(host, 'docker stop -t 3 web')).exit).toBe(0);
    expect(host.now() - before).toBe(3000);
    expect(host.snapshot().containers.find((c) => c.name === 'web')).toMatchObject({ state: 'exited', exitCode: 137 });
  });

  it('rebuilds the same machine from its journal', async () => {
    const host = newHost();
    for (const line of script) await run(host, line);
    const journal = structuredClone(host.journal);
    const copy = newHost('other');
    await copy.replay(journal);
    expect(copy.snapshot()).toEqual(host.snapshot());
    expect(copy.journal).toEqual(journal);
  });

  it('a replay is the past, not news: a page that subscribes after a reload hears the state, not the moves that rebuilt it', async () => {
    const host = newHost();
    for (const line of script) await run(host, line);
    const copy = newHost();
    await copy.replay(host.journal, 3);
    const heard: BackendEvent[] = [];
    copy.subscribe((e) => heard.push(e));
    copy.flushEvents();
    const snapshots = heard.filter((e) => e.type === 'snapshot');
    expect(snapshots).toHaveLength(1);
    // A lesson judging these would credit "web is running" from the replayed run, though web is paused.
    expect(snapshots[0]).toMatchObject({ transitions: [] });
    expect(snapshots[0]!.type === 'snapshot' && snapshots[0]!.snapshot.containers.find((c) => c.name === 'web')?.state).toBe('paused');
  });

  it('rebuilds any earlier moment (the timeline)', async () => {
    const host = newHost();
    for (const line of script) await run(host, line);
    const copy = newHost();
    await copy.replay(host.journal, 3);
    const web = copy.snapshot().containers.find((c) => c.name === 'web');
    expect(web?.state).toBe('paused');
  });

  it('rebuild: a fresh machine with only the given lines run, journaled so a reload rebuilds it', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name stray busybox sleep 300');
    // The third line waits out the stop timeout (SIGKILL after 10 s): time jumps, as in a script.
    const codes = await host.rebuild(['docker run -d --name web busybox sleep 300', 'docker pause web', 'docker unpause web && docker stop web'], Date.UTC(2026, 5, 1));
    expect(codes).toEqual([0, 0, 0]);
    const names = host.snapshot().containers.map((c) => [c.name, c.state, c.exitCode]);
    expect(names).toEqual([['web', 'exited', 137]]);
    expect(host.journal.entries.map((e) => ('line' in e ? e.line : '?'))).toEqual(['docker run -d --name web busybox sleep 300', 'docker pause web', 'docker unpause web && docker stop web']);
    const copy = newHost('other');
    await copy.replay(structuredClone(host.journal));
    expect(copy.snapshot()).toEqual(host.snapshot());
  });

  it('journals a Ctrl-C with its time and replays it at the same moment', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name web busybox sleep 300');
    const line = host.start('docker stop web', { stdout: () => {}, stderr: () => {} });
    await host.advanceTo(host.now() + 2000);
    host.interrupt();
    await host.advanceTo(host.now() + 20_000);
    await line;
    const entries = host.journal.entries;
    expect(entries.at(-1)).toMatchObject({ interrupt: true });
    const copy = newHost();
    await copy.replay(host.journal);
    expect(copy.journal).toEqual(host.journal);
    // The daemon goes on stopping after the client is interrupted; let the copy's time catch up.
    await copy.advanceTo(host.now());
    expect(copy.snapshot()).toEqual(host.snapshot());
  });

  it('refuses a second line while one runs', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name web busybox sleep 300');
    const first = host.start('docker stop web', { stdout: () => {}, stderr: () => {} });
    let err = '';
    const code = await host.start('docker ps', { stdout: () => {}, stderr: (t) => (err += t) });
    expect(code).toBe(1);
    expect(err).toMatch(/still running/);
    await host.advanceTo(host.now() + 20_000);
    expect(await first).toBe(0);
  });

  it('never leaves a scripted line hanging: a foreground container gets Ctrl-C, as a user would', async () => {
    const host = newHost();
    const r = await run(host, 'docker run --name fg busybox sleep 100000');
    expect(r.exit).not.toBe(0);
    expect(host.isRunning).toBe(false);
    expect((await run(host, 'echo next')).out).toBe('next\n');
  });

  it('reports every change to subscribers with its transitions', async () => {
    const host = newHost();
    const seen: string[] = [];
    host.subscribe((e) => {
      if (e.type === 'snapshot') for (const t of e.transitions) seen.push(`${t.name}:${t.from ?? '-'}>${t.to ?? '-'}`);
    });
    await run(host, 'docker run -d --name web busybox sleep 300');
    await run(host, 'docker pause web');
    expect(seen).toContain('web:running>paused');
    expect(seen.some((s) => s.startsWith('web:') && s.endsWith('>running'))).toBe(true);
  });
});

describe('SimHost trace events', () => {
  it('sends the kernel ops of each line, tagged with the line, before the snapshot that shows their effect', async () => {
    const host = newHost();
    const events: string[] = [];
    const lines = new Set<string | undefined>();
    host.subscribe((e) => {
      if (e.type === 'trace') {
        events.push(`trace:${e.ops.length}`);
        for (const op of e.ops) lines.add(op.command);
      } else if (e.type === 'snapshot') events.push('snapshot');
    });
    await run(host, 'docker run -d --name web busybox sleep 300');
    expect(events[0]).toMatch(/^trace:[1-9]/);
    expect(events[1]).toBe('snapshot');
    expect([...lines]).toEqual(['docker run -d --name web busybox sleep 300']);
    expect(host.snapshot().trace!.some((o) => o.op === 'unshare')).toBe(true);
  });
});

describe('SimHost /proc and /sys/fs/cgroup', () => {
  it('shows the container’s PID 1 under both pids, its namespaces and its cgroup files, as the snapshot does', async () => {
    const host = newHost();
    await run(host, 'docker run -d --name web --memory 64m busybox sleep 300');
    const snap = host.snapshot();
    const c = snap.containers.find((x) => x.name === 'web')!;
    const proc = snap.processes!.find((p) => p.pid === c.pid)!;
    expect((await run(host, `grep NSpid /proc/${c.pid}/status`)).out).toBe(`NSpid:\t${c.pid}\t1\n`);
    expect((await run(host, `grep PPid /proc/${c.pid}/status`)).out).toBe(`PPid:\t${proc.ppid}\n`);
    expect((await run(host, `readlink /proc/${c.pid}/ns/net`)).out).toBe(`net:[${proc.namespaces.net}]\n`);
    expect((await run(host, `readlink /proc/1/ns/net`)).out).toBe('net:[4026531833]\n');
    expect((await run(host, `ls -l /proc/${c.pid}/ns | grep ' uts '`)).out).toMatch(new RegExp(`^lrwxrwxrwx .* uts -> uts:\\[${proc.namespaces.uts}\\]\\n$`));
    expect((await run(host, `grep memory /proc/${c.pid}/cgroup`)).out).toBe(`4:memory:/docker/${c.id}\n`);
    expect((await run(host, `cat /sys/fs/cgroup/memory/docker/${c.id}/memory.limit_in_bytes`)).out).toBe('67108864\n');
    expect((await run(host, `cat /sys/fs/cgroup/pids/docker/${c.id}/cgroup.procs`)).out).toBe(`${c.pid}\n`);
    await run(host, 'docker pause web');
    expect((await run(host, `cat /sys/fs/cgroup/freezer/docker/${c.id}/freezer.state`)).out).toBe('FROZEN\n');
    await run(host, 'docker rm -f web');
    // Docker's parent cgroup stays, with its own files, once the container's is gone.
    expect((await run(host, `ls /sys/fs/cgroup/memory/docker`)).out).not.toContain(c.id);
    expect((await run(host, `ls /sys/fs/cgroup/memory/docker`)).out).toContain('memory.limit_in_bytes\n');
    expect((await run(host, `cat /proc/${c.pid}/status`)).exit).toBe(1);
  });
});

describe('SimHost: keystrokes for a line that reads the terminal', () => {
  const tty = (): SimHost => new SimHost({ seed: 'tty', yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: true, terminalInput: true });

  /** Starts `line`, types each chunk once the line reads the terminal, and returns the output and exit code. */
  async function typeInto(host: SimHost, line: string, keys: string[]): Promise<{ out: string; exit: number; rawModes: boolean[] }> {
    let out = '';
    const rawModes: boolean[] = [];
    const done = host.start(line, { stdout: (t) => (out += t), stderr: (t) => (out += t), raw: (on) => rawModes.push(on) });
    await host.advanceTo(host.now() + 100);
    for (const k of keys) {
      expect(host.readsInput).toBe(true);
      host.input(k);
      await host.advanceTo(host.now() + 100);
    }
    return { out, exit: await done, rawModes };
  }

  it('docker run -it: the prompt, the echo and the output come back; Ctrl-P Ctrl-Q detaches and the container runs on', async () => {
    const host = tty();
    const r = await typeInto(host, 'docker run -it --name box busybox sh', ['echo hi > /etc/motd\r', 'cat /etc/motd\r', '\x10\x11']);
    expect(r.out.endsWith('/ # echo hi > /etc/motd\r\n/ # cat /etc/motd\r\nhi\r\n/ # ')).toBe(true);
    expect(r.exit).toBe(0);
    expect(r.rawModes).toEqual([true, false]);
    expect(host.readsInput).toBe(false);
    expect((await run(host, 'docker ps --format "{{.Names}} {{.State}}"')).out).toBe('box running\n');
    // Keystrokes with nothing reading them are dropped, not journaled.
    host.input('x');
    expect(host.journal.entries.filter((e) => 'input' in e).map((e) => ('input' in e ? e.input : ''))).toEqual(['echo hi > /etc/motd\r', 'cat /etc/motd\r', '\x10\x11']);
  });

  it('docker attach reports the escape sequence; exec -it and start -ai run to the exit code', async () => {
    const host = tty();
    await typeInto(host, 'docker run -it --name box busybox sh', ['\x10\x11']);
    const attached = await typeInto(host, 'docker attach box', ['ls -d /tmp\r', '\x10\x11']);
    expect(attached.out).toBe('ls -d /tmp\r\n/tmp\r\n/ # read escape sequence\n');
    expect(attached.exit).toBe(1);
    const exec = await typeInto(host, 'docker exec -it box sh', ['cd /etc\r', 'exit 7\r']);
    expect(exec.out.endsWith('/ # cd /etc\r\n/etc # exit 7\r\n')).toBe(true);
    expect(exec.exit).toBe(7);
    const ended = await typeInto(host, 'docker attach box', ['exit 5\r']);
    expect(ended.exit).toBe(5);
    // A fresh shell: Ctrl-D at its first prompt ends it with status 0.
    const again = await typeInto(host, 'docker start -ai box', ['\x04']);
    expect(again.exit).toBe(0);
    expect((await run(host, 'docker ps -a --format "{{.Names}} {{.Status}}"')).out).toMatch(/^box Exited \(0\)/);
  });

  it('a replay types the journaled keystrokes at their times and rebuilds the same machine', async () => {
    const host = tty();
    // Ctrl-C reaches the foreground sleep through the tty, then the client detaches.
    const typed = await typeInto(host, 'docker run -it --name box busybox sh', ['echo one > /tmp/a\r', 'sleep 30\r', '\x03', '\x10\x11']);
    expect(typed.out.endsWith('/ # sleep 30\r\n^C\r\n/ # ')).toBe(true);
    const before = await run(host, 'docker exec box sh -c "cat /tmp/a; ls /tmp"');
    const journal = structuredClone(host.journal);
    const copy = tty();
    await copy.replay(journal);
    expect(copy.snapshot()).toEqual(host.snapshot());
    expect(await run(copy, 'docker exec box sh -c "cat /tmp/a; ls /tmp"')).toEqual(before);
    expect(before.out).toBe('one\na\n');
  });

  it('glassbox sim: the lines after `docker run -i … sh` are its input, then end of input', async () => {
    const host = new SimHost({ seed: 'cli', yieldToEventLoop: () => yieldImmediate(), terminalInput: true });
    const lines = ['echo typed', 'exit 4'];
    let out = '';
    let err = '';
    const exit = await host.runToCompletion('docker run -i --name box busybox sh', { stdout: (t) => (out += t), stderr: (t) => (err += t) }, undefined, async () => lines.shift());
    expect({ out, exit }).toEqual({ out: 'typed\n', exit: 4 });
    expect(lines).toEqual([]);
    // A fresh machine: the image is pulled first, and none of the script's lines went to the pull.
    expect(err).toMatch(/^Unable to find image 'busybox:latest' locally\nlatest: Pulling from library\/busybox\n/);
  });
});

describe('SimHost: a fresh install, or images already there', () => {
  it('starts with no images: the first docker run pulls from the simulated Hub, as on a new Docker install', async () => {
    const host = newHost('fresh');
    expect(await run(host, 'docker images')).toEqual({ out: 'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n', err: '', exit: 0 });
    expect((await run(host, 'docker info --format {{.Images}}')).out).toBe('0\n');
    const first = await run(host, 'docker run hello-world');
    expect(first.exit).toBe(0);
    expect(first.out).toContain('Hello from Docker!');
    const pulled = first.err.split('\n');
    expect(pulled.slice(0, 2)).toEqual(["Unable to find image 'hello-world:latest' locally", 'latest: Pulling from library/hello-world']);
    expect(pulled.filter((l) => /^[0-9a-f]{12}: Pull complete$/.test(l))).toHaveLength(1);
    expect(pulled.slice(-3)).toEqual([expect.stringMatching(/^Digest: sha256:[0-9a-f]{64}$/), 'Status: Downloaded newer image for hello-world:latest', '']);
    // The second run finds it.
    expect(await run(host, 'docker run hello-world')).toMatchObject({ err: '', exit: 0 });
    expect((await run(host, 'docker images --format "{{.Repository}}:{{.Tag}}"')).out).toBe('hello-world:latest\n');
  });

  it('with preload has the conformance host’s images before the first line, and keeps them across reset and replay', async () => {
    const host = new SimHost({ seed: 'preloaded', preload: ['busybox:latest', 'hello-world:latest'], yieldToEventLoop: () => yieldImmediate() });
    const listed = 'busybox:latest\nhello-world:latest\n';
    const images = 'docker images --format "{{.Repository}}:{{.Tag}}" | sort';
    expect((await run(host, images)).out).toBe(listed);
    expect(await run(host, 'docker run busybox echo hi')).toEqual({ out: 'hi\n', err: '', exit: 0 });
    expect(host.journal.preload).toEqual(['busybox:latest', 'hello-world:latest']);
    // The other hosts of the LAN were set up the same way.
    expect((await run(host, images.replace('docker ', 'docker -H node2 '))).out).toBe(listed);
    const copy = newHost('other');
    await copy.replay(host.journal);
    expect((await run(copy, images)).out).toBe(listed);
    host.reset();
    expect((await run(host, images)).out).toBe(listed);
  });
});
