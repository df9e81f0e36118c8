import { describe, expect, it } from 'vitest';
import { HostShell } from '../hostShell';
import { never } from '../../ports';
import { decodeArchive, encodeArchive, tarSize, verboseLine } from '../../archive/tar';

async function run(sh: HostShell, line: string): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const code = await sh.run(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) }, never, { stdinIsTTY: false });
  return { out, err, code };
}

describe('tar over the simulator archives', () => {
  it('creates, lists and extracts, keeping content and modes', async () => {
    const sh = new HostShell({ commands: {} });
    await run(sh, 'mkdir -p d/sub && echo one > d/a && echo two > d/sub/b');
    expect(await run(sh, 'tar -cf x.tar d')).toEqual({ out: '', err: '', code: 0 });
    expect((await run(sh, 'tar -tf x.tar')).out).toBe('d/\nd/a\nd/sub/\nd/sub/b\n');
    expect((await run(sh, 'tar tf x.tar d/sub')).out).toBe('d/sub/\nd/sub/b\n');
    await run(sh, 'mkdir out && tar -xf x.tar -C out');
    expect((await run(sh, 'cat out/d/sub/b; ls -l out/d/a | cut -c1-10')).out).toBe('two\n-rw-r--r--\n');
    // ls shows the size the real tar would have: 4 headers, 2 content blocks, the end blocks.
    expect((await run(sh, "ls -l x.tar | awk '{print $5}'")).out).toBe(`${6 * 512 + 1024}\n`);
    expect((await run(sh, 'cat x.tar | tar -t | wc -l')).out).toBe('4\n');
  });

  it('gives GNU tar errors and exit codes', async () => {
    const sh = new HostShell({ commands: {} });
    expect(await run(sh, 'tar -tf nope.tar')).toEqual({
      out: '',
      err: 'tar: nope.tar: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n',
      code: 2,
    });
    await run(sh, 'echo text > t');
    expect((await run(sh, 'tar -tf t')).code).toBe(2);
    expect((await run(sh, 'tar -tf t')).err).toContain('tar: This does not look like a tar archive\n');
    expect((await run(sh, 'tar -xf')).err).toBe("tar: option requires an argument -- 'f'\nTry 'tar --help' or 'tar --usage' for more information.\n");
    expect((await run(sh, 'tar -cf e.tar')).err).toBe('tar: Cowardly refusing to create an empty archive\ntar: Error is not recoverable: exiting now\n');
    expect((await run(sh, 'tar -q')).code).toBe(64);
    await run(sh, 'mkdir d; echo a > d/a; tar -cf x.tar d');
    expect(await run(sh, 'tar -tf x.tar d/zz')).toEqual({ out: '', err: 'tar: d/zz: Not found in archive\ntar: Exiting with failure status due to previous errors\n', code: 2 });
  });
});

describe('archive encoding', () => {
  const layer = [{ name: 'bin/', type: 'dir' as const, mode: 0o755, size: 0, mtime: 0, uid: 0, gid: 0, uname: 'root', gname: 'root' }];
  it('round-trips and sizes nested archives as tar does', () => {
    const entries = [
      { name: 'layer.tar', type: 'file' as const, mode: 0o644, size: 0, mtime: 0, uid: 0, gid: 0, uname: 'root', gname: 'root', archive: layer },
    ];
    expect(tarSize(layer)).toBe(1536);
    expect(tarSize(entries)).toBe(512 + 1536 + 1024);
    expect(decodeArchive(encodeArchive(entries))![0]!.size).toBe(1536);
  });
  it('lists a member as GNU tar -tv does', () => {
    // From `docker save busybox | tar -tv` here.
    expect(verboseLine({ name: 'repositories', type: 'file', mode: 0o644, size: 90, mtime: 0, uid: 0, gid: 0, uname: 'root', gname: 'root' })).toBe(
      '-rw-r--r-- root/root        90 1970-01-01 00:00 repositories',
    );
  });
});
