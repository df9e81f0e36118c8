import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { opaqueFromGetfattr, walkDiffDir } from './layers';

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
    const walk = await walkDiffDir(root, { opaqueUnder: async (dir) => new Set([join(dir, 'usr/sbin')]) });
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
