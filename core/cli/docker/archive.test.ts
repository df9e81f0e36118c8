import { describe, expect, it } from 'vitest';
import { never } from '../../ports';
import { EngineDriver } from '../../engine/testDriver';
import { HostShell } from '../../shell/hostShell';
import { MemFs } from '../../shell/memfs';
import { dockerCommand } from './index';

/** A host shell with `docker` over one simulated engine, sharing the host filesystem. */
class Host {
  readonly d: EngineDriver;
  readonly sh: HostShell;

  constructor(name: string, readonly fs = new MemFs()) {
    this.d = new EngineDriver(name);
    this.sh = new HostShell({ fs, commands: { docker: dockerCommand(this.d.engine, { fs }) } });
  }

  async run(line: string, tty = false): Promise<{ out: string; err: string; code: number }> {
    let out = '';
    let err = '';
    let code: number | undefined;
    void this.sh.run(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, never, { stdinIsTTY: tty }).then((c) => (code = c));
    // The shell's pipelines and && chains take many promise turns: let them run out, then move virtual time on.
    for (let idle = 0; code === undefined; ) {
      await new Promise((r) => setImmediate(r));
      if (code !== undefined) break;
      const at = this.d.scheduler.nextAt();
      if (at !== undefined) this.d.scheduler.advanceTo(at);
      else if (++idle > 50) throw new Error(`never finished: ${line}`);
    }
    return { out, err, code };
  }
}

const NOTICE = 'DEPRECATED: The legacy builder is deprecated';

describe('docker build (the legacy builder)', () => {
  const dockerfile = 'FROM busybox\\nENV A=1\\nWORKDIR /app\\nCOPY f.txt .\\nCMD ["cat","f.txt"]\\n';

  it('runs one step per instruction, then uses the cache', async () => {
    const h = new Host('build');
    await h.run(`mkdir /ctx && cd /ctx && echo data > f.txt && printf '${dockerfile}' > Dockerfile`);
    const first = await h.run('cd /ctx && docker build -t mine:1 .');
    expect(first.code).toBe(0);
    expect(first.err.startsWith(NOTICE)).toBe(true);
    const lines = first.out.split('\n');
    expect(lines[0]).toBe('Sending build context to Docker daemon  3.072kB\r\r');
    expect(lines.filter((l) => l.startsWith('Step '))).toEqual([
      'Step 1/5 : FROM busybox',
      'Step 2/5 : ENV A=1',
      'Step 3/5 : WORKDIR /app',
      'Step 4/5 : COPY f.txt .',
      'Step 5/5 : CMD ["cat","f.txt"]',
    ]);
    // Metadata steps run (and remove) an intermediate container; COPY does not.
    expect(lines.filter((l) => l.startsWith(' ---> Running in ')).length).toBe(3);
    expect(lines.filter((l) => l.startsWith('Removing intermediate container ')).length).toBe(3);
    expect(lines.at(-2)).toBe('Successfully tagged mine:1');
    const image = h.d.engine.image('mine:1')!;
    expect(image.config).toMatchObject({ Cmd: ['cat', 'f.txt'], WorkingDir: '/app' });
    expect(image.config.Env).toContain('A=1');
    expect(image.history.slice(-4).map((e) => e.createdBy)).toEqual([
      '/bin/sh -c #(nop)  ENV A=1',
      '/bin/sh -c #(nop) WORKDIR /app',
      expect.stringMatching(/^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \/app\/ $/),
      '/bin/sh -c #(nop)  CMD ["cat" "f.txt"]',
    ]);
    expect((await h.run('docker run --rm mine:1')).out).toBe('data\n');
    // No intermediate container is left behind.
    expect((await h.run('docker ps -aq')).out).toBe('');

    const second = await h.run('cd /ctx && docker build -t mine:2 .');
    expect(second.out.split('\n').filter((l) => l === ' ---> Using cache').length).toBe(4);
    expect(h.d.engine.image('mine:2')!.id).toBe(image.id);
    // A changed file misses the cache from its COPY on.
    await h.run('echo changed > /ctx/f.txt');
    const third = await h.run('cd /ctx && docker build -q .');
    expect(third.out).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(third.out.trim()).not.toBe(image.id);
  });

  it.each([
    ['FROM busybox\\nFOO bar', 'Error response from daemon: dockerfile parse error line 2: unknown instruction: FOO\n', 1],
    ['RUN echo hi', 'Error response from daemon: no build stage in current context\n', 1],
    ['FROM busybox\\nCOPY nope.txt /', 'COPY failed: file not found in build context or excluded by .dockerignore: stat nope.txt: file does not exist\n', 1],
    ['FROM busybox\\nEXPOSE abc', 'Invalid containerPort: abc\n', 1],
  ])('%s fails as the daemon says', async (text, err, code) => {
    const h = new Host('build-errors');
    const r = await h.run(`printf '${text}\\n' | docker build -`);
    expect(r.err.slice(r.err.indexOf('\n\n') + 2)).toBe(err);
    expect(r.code).toBe(code);
  });

  it('refuses a bad tag, a missing context and a missing Dockerfile', async () => {
    const h = new Host('build-args');
    expect(await h.run('docker build -t BAD:tag .')).toMatchObject({ code: 125 });
    expect((await h.run('docker build /nonexist')).err).toContain('unable to prepare context: path "/nonexist" not found\n');
    await h.run('mkdir /empty');
    expect((await h.run('docker build /empty')).err).toContain('unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat /empty/Dockerfile: no such file or directory\n');
  });
});

describe('docker save and load', () => {
  it('round-trips an image through a tar on the host', async () => {
    const fs = new MemFs();
    const a = new Host('save', fs);
    expect(await a.run('docker save -o /bb.tar busybox')).toEqual({ out: '', err: '', code: 0 });
    const listing = (await a.run('tar -tf /bb.tar')).out.split('\n');
    expect(listing).toEqual(expect.arrayContaining(['blobs/', 'blobs/sha256/', 'index.json', 'manifest.json', 'oci-layout', 'repositories']));
    // The tar's size as ls shows it is about the image's (one 2 MB layer).
    const size = Number((await a.run("ls -l /bb.tar | awk '{print $5}'")).out);
    expect(size).toBeGreaterThan(2_000_000);
    expect(size).toBeLessThan(2_300_000);
    const original = a.d.engine.image('busybox')!;

    // A second daemon without the image… (same host filesystem)
    const b = new Host('load', fs);
    await b.run('docker tag busybox other:1');
    const loaded = await b.run('docker load -i /bb.tar');
    expect(loaded).toEqual({ out: 'Loaded image: busybox:latest\n', err: '', code: 0 });
    const image = b.d.engine.image('busybox')!;
    expect(image.id).toBe(original.id);
    expect(image.layers.map((l) => l.id)).toEqual(original.layers.map((l) => l.id));
    expect((await b.run('docker run --rm busybox ls /bin/ls')).out).toBe('/bin/ls\n');
  });

  it('refuses a terminal and gives the daemon errors', async () => {
    const h = new Host('save-errors');
    expect(await h.run('docker save busybox', true)).toEqual({ out: '', err: 'cowardly refusing to save to a terminal. Use the -o flag or redirect\n', code: 1 });
    expect(await h.run('docker save nosuch:img -o /x.tar')).toEqual({ out: '', err: 'Error response from daemon: reference does not exist\n', code: 1 });
    expect(await h.run('docker save -o /nodir/x.tar busybox')).toEqual({ out: '', err: 'failed to save image: invalid output path: stat /nodir: no such file or directory\n', code: 1 });
    expect(await h.run('docker load -i nope.tar')).toEqual({ out: '', err: 'open nope.tar: no such file or directory\n', code: 1 });
    await h.run('echo hello > /notar');
    expect(await h.run('docker load -i /notar')).toEqual({ out: '', err: 'Error processing tar file(exit status 1): unexpected EOF\n', code: 1 });
    expect(await h.run('docker load', true)).toEqual({ out: '', err: 'requested load from stdin, but stdin is empty\n', code: 1 });
  });

  it('streams through a pipe as dive-style tools read it', async () => {
    const h = new Host('save-pipe');
    const r = await h.run('docker save busybox | tar -t | grep -c blobs/sha256/');
    expect(r.out).toBe('4\n');
  });
});

describe('docker export, import and cp', () => {
  it('exports a container, imports the tar as a one-layer image, and copies files both ways', async () => {
    const h = new Host('export');
    await h.run('docker run --name c1 busybox true');
    await h.run('mkdir /work && echo hello > /work/note.txt');
    expect(await h.run('docker cp /work/note.txt c1:/note.txt')).toEqual({ out: '', err: '', code: 0 });
    expect(h.d.engine.containerDiff('c1')).toContainEqual({ kind: 'A', path: '/note.txt' });
    expect(await h.run('docker cp c1:/note.txt /work/back.txt')).toEqual({ out: '', err: '', code: 0 });
    expect((await h.run('cat /work/back.txt')).out).toBe('hello\n');
    await h.run('docker cp c1:/etc /work');
    expect((await h.run('ls /work/etc')).out).toContain('passwd');

    expect(await h.run('docker export c1 -o /c1.tar')).toEqual({ out: '', err: '', code: 0 });
    expect((await h.run('tar -tf /c1.tar')).out).toContain('note.txt\n');
    const imported = await h.run('docker import /c1.tar flat:v1');
    expect(imported.out).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const image = h.d.engine.image('flat:v1')!;
    expect(image.layers.length).toBe(1);
    expect(image.history).toMatchObject([{ comment: 'Imported from -' }]);
    expect((await h.run('docker run --rm flat:v1 cat /note.txt')).out).toBe('hello\n');
  });

  it('gives the client and daemon errors', async () => {
    const h = new Host('cp-errors');
    await h.run('docker run -d --name c2 busybox sleep 100');
    expect(await h.run('docker cp a b')).toEqual({ out: '', err: 'must specify at least one container source\n', code: 1 });
    expect(await h.run('docker cp a:/x b:/y')).toEqual({ out: '', err: 'copying between containers is not supported\n', code: 1 });
    expect(await h.run('docker cp nosuchc:/x /tmp')).toEqual({ out: '', err: 'Error response from daemon: No such container: nosuchc\n', code: 1 });
    expect(await h.run('docker cp c2:/nope /tmp')).toEqual({ out: '', err: 'Error response from daemon: Could not find the file /nope in container c2\n', code: 1 });
    expect(await h.run('docker cp /nope c2:/')).toEqual({ out: '', err: 'lstat /nope: no such file or directory\n', code: 1 });
    expect(await h.run('docker export nosuchc -o /e.tar')).toEqual({ out: '', err: 'Error response from daemon: No such container: nosuchc\n', code: 1 });
    expect(await h.run('docker import /nope.tar')).toEqual({ out: '', err: 'open /nope.tar: no such file or directory\n', code: 1 });
  });
});
