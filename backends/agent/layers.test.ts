import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpaqueBatch, opaqueFromGetfattr, walkDiffDir } from './layers';

describe('opaqueFromGetfattr', () => {
  it('lists the files whose overlay opaque attribute is y, undoing getfattr’s octal escapes', () => {
    const text = [
      '# file: /d/diff/usr/sbin',
      'trusted.overlay.opaque="y"',
      '',
      '# file: /d/diff/odd\\040name\\\\x',
      'user.overlay.opaque="y"',
      '',
      '# file: /d/diff/etc',
      'trusted.overlay.origin="\\000"',
      '',
    ].join('\n');
    expect([...opaqueFromGetfattr(text)]).toEqual(['/d/diff/usr/sbin', '/d/diff/odd name\\x']);
  });
});

describe('walkDiffDir', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists files, directories and links as the container sees them, sorted, with opaque directories marked', async () => {
    root = mkdtempSync(join(tmpdir(), 'gb-walk-'));
    mkdirSync(join(root, 'etc'));
    mkdirSync(join(root, 'usr/sbin'), { recursive: true });
    writeFileSync(join(root, 'etc/motd'), 'hi\n');
    writeFileSync(join(root, 'usr/sbin/z'), 'hello');
    linkSync(join(root, 'usr/sbin/z'), join(root, 'usr/sbin/z2'));
    symlinkSync('/etc/motd', join(root, 'etc/m'));
    let asked: string[] = [];
    const walk = await walkDiffDir(root, {
      opaqueAmong: async (dirs) => {
        asked = dirs;
        return new Set([join(root, 'usr/sbin')]);
      },
    });
    // Only directories are asked about.
    expect(asked.sort()).toEqual([join(root, 'etc'), join(root, 'usr'), join(root, 'usr/sbin')]);
    expect(walk.entries.map((e) => [e.path, e.type, e.size, e.target])).toEqual([
      ['/etc', 'dir', 0, undefined],
      ['/etc/m', 'symlink', 9, '/etc/motd'],
      ['/etc/motd', 'file', 3, undefined],
      ['/usr', 'dir', 0, undefined],
      ['/usr/sbin', 'opaque', 0, undefined],
      ['/usr/sbin/z', 'file', 5, undefined],
      ['/usr/sbin/z2', 'file', 5, undefined],
    ]);
    // The hard link's bytes count once, the symlink's target length counts, as Docker's DiffSize.
    expect(walk.size).toBe(3 + 9 + 5);
  });
});

describe('OpaqueBatch', () => {
  it('asks once for walks that list side by side, and answers each', async () => {
    const reads: string[][] = [];
    const batch = new OpaqueBatch(async (dirs) => {
      reads.push(dirs);
      return new Set(dirs.filter((d) => d.endsWith('!')));
    });
    const tick = () => new Promise<void>((r) => setImmediate(r));
    const walk = (dirs: string[], ticks: number) =>
      batch.around(async (ask) => {
        for (let i = 0; i < ticks; i++) await tick();
        return [...(await ask(dirs))].filter((d) => dirs.includes(d));
      });
    const got = await Promise.all([walk(['/a', '/a/x!'], 1), walk(['/b!'], 3), walk([], 2)]);
    expect(got).toEqual([['/a/x!'], ['/b!'], []]);
    expect(reads).toEqual([['/a', '/a/x!', '/b!']]);
  });

  it('lets a failed walk leave without holding the others', async () => {
    const reads: string[][] = [];
    const batch = new OpaqueBatch(async (dirs) => (reads.push(dirs), new Set<string>()));
    const failing = batch.around(async () => {
      await new Promise<void>((r) => setImmediate(r));
      throw new Error('gone');
    });
    const ok = batch.around(async (ask) => ask(['/c']));
    await expect(failing).rejects.toThrow('gone');
    await expect(ok).resolves.toEqual(new Set());
    expect(reads).toEqual([['/c']]);
  });

  it('passes a failed read to every walk in the batch', async () => {
    const batch = new OpaqueBatch(async () => {
      throw new Error('no getfattr');
    });
    const both = [batch.around((ask) => ask(['/a'])), batch.around((ask) => ask(['/b']))];
    for (const p of both) await expect(p).rejects.toThrow('no getfattr');
  });
});
