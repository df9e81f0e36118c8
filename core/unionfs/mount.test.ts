import { describe, expect, it } from 'vitest';
import { layerEntries, layerStats, newLayer, wastedBytes, type Layer } from './layer';
import { UnionMount } from './mount';
import { initLayerTree, runtimeBinds, DEFAULT_HOSTS } from './init';
import { cloneTree, dirNode, type FileNode, type LayerDir } from './tree';

function file(content: string, mode = 0o644): FileNode {
  return { kind: 'file', mode, size: content.length, content };
}

/** A small image: /bin/{sh,vi} (one inode), /etc/{passwd,group}, /var/spool/mail, /tmp. */
function baseLayer(): Layer {
  const bin: FileNode = { kind: 'file', mode: 0o755, size: 1000, program: 'sh', ino: 1 };
  return newLayer(
    'sha256:base',
    'image',
    dirNode(0o755, {
      bin: dirNode(0o755, { sh: { ...bin }, vi: { ...bin, program: 'vi' } }),
      etc: dirNode(0o755, { passwd: file('root:x:0:0\n'), group: file('root:x:0:\n') }),
      tmp: dirNode(0o1777),
      var: dirNode(0o755, { spool: dirNode(0o755, { mail: dirNode(0o755, { root: file('') }) }) }),
    }),
  );
}

function mountOver(...lowers: Layer[]): UnionMount {
  const all = lowers.length > 0 ? lowers : [baseLayer()];
  return new UnionMount({ lowers: [...all, newLayer('init', 'init', initLayerTree())], upper: newLayer('upper', 'container', dirNode()), now: () => 5 });
}

/** The upper layer's diff directory as `path type` lines. */
function upperLines(m: UnionMount): string[] {
  return layerEntries(m.upper).map((e) => `${e.path} ${e.type}`);
}

function diffLines(m: UnionMount): string[] {
  return m.diff().map((c) => `${c.kind} ${c.path}`);
}

describe('UnionMount', () => {
  describe('reading the merged view', () => {
    it.each([
      ['a lower file', '/etc/passwd', 'root:x:0:0\n'],
      ['an init layer placeholder', '/.dockerenv', ''],
      ['a path through .. ', '/etc/../etc/group', 'root:x:0:\n'],
    ])('shows %s', (_what, path, content) => {
      const node = mountOver().lookup(path);
      expect(node?.kind === 'file' ? node.content : node?.kind).toBe(content);
    });

    it('merges a directory present in several layers, upper entries first', () => {
      const top = newLayer('sha256:top', 'image', dirNode(0o755, { etc: dirNode(0o755, { motd: file('hi\n') }), tmp: dirNode(0o700) }));
      const m = mountOver(baseLayer(), top);
      expect(m.readdir('/etc')).toEqual(['group', 'hostname', 'hosts', 'motd', 'mtab', 'passwd', 'resolv.conf']);
      // The topmost copy of a directory gives its metadata.
      expect(m.lookup('/tmp')?.mode).toBe(0o700);
    });

    it('hides what a whiteout in a higher layer deletes, and everything below an opaque directory', () => {
      const top = newLayer(
        'sha256:top',
        'image',
        dirNode(0o755, { bin: dirNode(0o755, { vi: { kind: 'whiteout' } }), var: dirNode(0o755, { spool: { ...dirNode(0o755, { new: file('') }), opaque: true } }) }),
      );
      const m = mountOver(baseLayer(), top);
      expect(m.readdir('/bin')).toEqual(['sh']);
      expect(m.lookup('/bin/vi')).toBeUndefined();
      expect(m.readdir('/var/spool')).toEqual(['new']);
      expect(m.resolve('/var/spool/mail/root')).toBe('ENOENT');
    });

    it('answers one name of a merged directory (child) as listing it would, through whiteouts, opaque directories and binds', () => {
      const top = newLayer(
        'sha256:top',
        'image',
        dirNode(0o755, { bin: dirNode(0o755, { vi: { kind: 'whiteout' }, ls: file('ls') }), var: dirNode(0o755, { spool: { ...dirNode(0o755, { new: file('') }), opaque: true } }) }),
      );
      const m = new UnionMount({ lowers: [baseLayer(), top], upper: newLayer('upper', 'container', dirNode()), now: () => 5, binds: new Map([['/etc/hosts', file('127.0.0.1 localhost\n')]]) });
      m.writeFile('/bin/new', 'x');
      for (const [dir, names] of [['/bin', ['sh', 'vi', 'ls', 'new', 'none']], ['/var/spool', ['new', 'mail']], ['/etc', ['hosts', 'passwd', 'none']]] as const) {
        const d = m.lookup(dir);
        if (d?.kind !== 'dir' || !d.child) throw new Error(`${dir} is not a merged directory`);
        // Asked one by one before the directory is ever listed (listing memoizes it).
        const ones = names.map((n) => d.child!(n));
        for (const [i, name] of names.entries()) {
          const one = ones[i];
          const listed = d.children.get(name);
          expect(one?.kind, `${dir}/${name}`).toBe(listed?.kind);
          if (one?.kind === 'file') expect(one).toBe(listed);
        }
      }
      expect((m.lookup('/bin') as { child(n: string): unknown }).child('vi')).toBeUndefined();
    });

    it('a file in a higher layer hides a directory of the same path below it', () => {
      const top = newLayer('sha256:top', 'image', dirNode(0o755, { var: file('not a dir') }));
      const m = mountOver(baseLayer(), top);
      expect(m.lookup('/var')?.kind).toBe('file');
      expect(m.resolve('/var/spool')).toBe('ENOTDIR');
    });

    it('follows symlinks on the way, and at the end only when asked', () => {
      const top = newLayer('sha256:top', 'image', dirNode(0o755, { usr: dirNode(0o755, { bin: dirNode(0o755, { ls: file('ls') }) }), sbin: { kind: 'symlink', mode: 0o777, target: 'usr/bin' } }));
      const m = mountOver(baseLayer(), top);
      expect(m.lookup('/sbin/ls')?.kind).toBe('file');
      expect(m.lookup('/sbin')?.kind).toBe('dir');
      expect(m.lookup('/sbin', false)?.kind).toBe('symlink');
      expect(m.realpath('/sbin/ls')).toBe('/usr/bin/ls');
    });

    it('serves bind mounts over the union without touching any layer', () => {
      const m = new UnionMount({
        lowers: [baseLayer(), newLayer('init', 'init', initLayerTree())],
        upper: newLayer('upper', 'container', dirNode()),
        binds: runtimeBinds({ hostname: 'box', hosts: DEFAULT_HOSTS, resolvConf: 'nameserver 8.8.8.8\n' }),
      });
      const hostname = m.lookup('/etc/hostname');
      expect(hostname?.kind === 'file' && hostname.content).toBe('box\n');
      expect(m.readdir('/dev')).toContain('null');
      expect(m.writeFile('/dev/null', 'gone')).toBeUndefined();
      expect(m.writeFile('/etc/hostname', 'other\n')).toBeUndefined();
      expect(upperLines(m)).toEqual([]);
      expect(m.diff()).toEqual([]);
    });
  });

  describe('writing: copy-up, whiteouts, opaque directories', () => {
    // Each row: what the user does, the upper layer's diff directory after it, and `docker diff`.
    const cases: { name: string; act: (m: UnionMount) => unknown; upper: string[]; diff: string[] }[] = [
      {
        name: 'a new file: its parent directory is copied up (metadata only)',
        act: (m) => m.writeFile('/etc/motd', 'hi\n'),
        upper: ['/etc dir', '/etc/motd file'],
        diff: ['C /etc', 'A /etc/motd'],
      },
      {
        name: 'appending to a lower file copies it up whole',
        act: (m) => m.writeFile('/etc/passwd', 'u:x:1:1\n', { append: true }),
        upper: ['/etc dir', '/etc/passwd file'],
        diff: ['C /etc', 'C /etc/passwd'],
      },
      {
        name: 'a chmod copies the file up though its data is unchanged',
        act: (m) => m.chmod('/etc/group', 0o600),
        upper: ['/etc dir', '/etc/group file'],
        diff: ['C /etc', 'C /etc/group'],
      },
      {
        name: 'touch of a lower file copies it up',
        act: (m) => m.touch('/bin/sh'),
        upper: ['/bin dir', '/bin/sh file'],
        diff: ['C /bin', 'C /bin/sh'],
      },
      {
        name: 'deleting a lower file leaves a whiteout',
        act: (m) => m.remove('/bin/vi'),
        upper: ['/bin dir', '/bin/vi whiteout'],
        diff: ['C /bin', 'D /bin/vi'],
      },
      {
        name: 'deleting a file made in the container leaves nothing',
        act: (m) => [m.writeFile('/tmp/t', 'x'), m.remove('/tmp/t')],
        upper: ['/tmp dir'],
        diff: ['C /tmp'],
      },
      {
        name: 'rm -r of a lower directory: one whiteout for the directory',
        act: (m) => m.remove('/var/spool', { recursive: true }),
        upper: ['/var dir', '/var/spool whiteout'],
        diff: ['C /var', 'D /var/spool'],
      },
      {
        name: 'a directory deleted and made again is opaque, and what it held is deleted',
        act: (m) => [m.remove('/var/spool', { recursive: true }), m.mkdir('/var/spool'), m.mkdir('/var/spool/new')],
        upper: ['/var dir', '/var/spool opaque', '/var/spool/new dir'],
        diff: ['C /var', 'C /var/spool', 'A /var/spool/new', 'D /var/spool/mail'],
      },
      {
        name: 'a new directory tree: everything in it is added',
        act: (m) => m.mkdir('/a/b/c', { parents: true }),
        upper: ['/a dir', '/a/b dir', '/a/b/c dir'],
        diff: ['A /a', 'A /a/b', 'A /a/b/c'],
      },
      {
        name: 'per directory: added and changed entries first, deletions last, names in byte order',
        act: (m) => [m.remove('/etc/group'), m.writeFile('/etc/motd', ''), m.chmod('/etc/passwd', 0o600), m.writeFile('/etc/Z', '')],
        upper: ['/etc dir', '/etc/Z file', '/etc/group whiteout', '/etc/motd file', '/etc/passwd file'],
        diff: ['C /etc', 'A /etc/Z', 'A /etc/motd', 'C /etc/passwd', 'D /etc/group'],
      },
      {
        name: 'rename of a lower file: a copy in the upper layer and a whiteout for the old name',
        act: (m) => m.rename('/etc/passwd', '/etc/passwd.old'),
        upper: ['/etc dir', '/etc/passwd whiteout', '/etc/passwd.old file'],
        diff: ['C /etc', 'A /etc/passwd.old', 'D /etc/passwd'],
      },
      {
        name: 'replacing a lower file by a directory',
        act: (m) => [m.remove('/etc/group'), m.mkdir('/etc/group')],
        upper: ['/etc dir', '/etc/group opaque'],
        diff: ['C /etc', 'A /etc/group'],
      },
    ];

    it.each(cases)('$name', ({ act, upper, diff }) => {
      const m = mountOver();
      const results = [act(m)].flat();
      expect(results.filter((r) => r !== undefined)).toEqual([]);
      expect(upperLines(m)).toEqual(upper);
      expect(diffLines(m)).toEqual(diff);
    });

    it.each([
      ['mkdir over an existing entry', (m: UnionMount) => m.mkdir('/etc'), 'EEXIST'],
      ['write where the parent is missing', (m: UnionMount) => m.writeFile('/nope/x', ''), 'ENOENT'],
      ['write under a file', (m: UnionMount) => m.writeFile('/etc/passwd/x', ''), 'ENOTDIR'],
      ['write to a directory', (m: UnionMount) => m.writeFile('/etc', ''), 'EISDIR'],
      ['rmdir of a non-empty directory', (m: UnionMount) => m.remove('/etc', { dir: true }), 'ENOTEMPTY'],
      ['unlink of a directory', (m: UnionMount) => m.remove('/etc'), 'EISDIR'],
      ['remove of a missing entry', (m: UnionMount) => m.remove('/nope'), 'ENOENT'],
      ['rename of a directory into itself', (m: UnionMount) => m.rename('/etc', '/etc/sub'), 'EINVAL'],
    ])('refuses %s (%s) and changes nothing', (_what, act, code) => {
      const m = mountOver();
      expect(act(m)).toBe(code);
      expect(upperLines(m)).toEqual([]);
      expect(m.version).toBe(0);
    });

    it('never changes a lower layer', () => {
      const base = baseLayer();
      const before = JSON.stringify(layerEntries(base));
      const m = mountOver(base);
      m.writeFile('/etc/passwd', 'x');
      m.remove('/bin/vi');
      m.chmod('/bin/sh', 0o700);
      m.remove('/var', { recursive: true });
      expect(JSON.stringify(layerEntries(base))).toBe(before);
      const passwd = base.root.children.get('etc');
      expect(passwd?.kind === 'dir' && passwd.children.get('passwd')).toMatchObject({ content: 'root:x:0:0\n' });
    });

    it('a live directory view follows later writes', () => {
      const m = mountOver();
      const etc = m.lookup('/etc');
      expect(etc?.kind === 'dir' && etc.children.has('motd')).toBe(false);
      m.writeFile('/etc/motd', 'x');
      expect(etc?.kind === 'dir' && etc.children.has('motd')).toBe(true);
    });
  });

  describe('commit and layer figures', () => {
    it('commit freezes the upper layer: later writes do not change the committed tree', () => {
      const m = mountOver();
      m.writeFile('/etc/motd', 'one');
      const committed = newLayer('sha256:c', 'image', cloneTree(m.upper.root));
      m.writeFile('/etc/motd', 'two');
      m.remove('/bin/vi');
      expect(layerEntries(committed).map((e) => e.path)).toEqual(['/etc', '/etc/motd']);
      const motd = (committed.root.children.get('etc') as LayerDir).children.get('motd');
      expect(motd).toMatchObject({ content: 'one' });
    });

    it('a committed layer stacks like any image layer', () => {
      const m = mountOver();
      m.remove('/bin/vi');
      m.writeFile('/etc/motd', 'hello');
      const committed = newLayer('sha256:c', 'image', cloneTree(m.upper.root));
      const next = mountOver(baseLayer(), committed);
      expect(next.readdir('/bin')).toEqual(['sh']);
      expect(next.lookup('/etc/motd')).toMatchObject({ content: 'hello' });
      expect(next.diff()).toEqual([]);
    });

    it('sizes count each inode once; entries count whiteouts and directories', () => {
      const base = baseLayer();
      expect(layerStats(base)).toEqual({ size: 1000 + 11 + 10, entries: 11, files: 5 });
      const m = mountOver(base);
      m.remove('/bin/vi');
      expect(layerStats(m.upper)).toEqual({ size: 0, entries: 2, files: 0 });
    });

    it('wasted bytes: files a later layer overwrites or deletes', () => {
      const top = newLayer(
        'sha256:top',
        'image',
        dirNode(0o755, { etc: dirNode(0o755, { passwd: file('new') }), var: { kind: 'whiteout' }, bin: dirNode(0o755, { sh: { kind: 'whiteout' } }) }),
      );
      // passwd (11) replaced, /var/spool/mail/root (0) under a deleted dir, /bin/sh's inode (1000) deleted once.
      expect(wastedBytes([baseLayer(), top])).toBe(11 + 0 + 1000);
      expect(wastedBytes([baseLayer()])).toBe(0);
    });

    it('memoises the diff and the entry list until the upper layer changes', () => {
      const m = mountOver();
      m.writeFile('/etc/motd', 'x');
      const first = m.diff();
      expect(m.diff()).toBe(first);
      expect(layerEntries(m.upper)).toBe(layerEntries(m.upper));
      m.writeFile('/etc/motd2', 'x');
      expect(m.diff()).not.toBe(first);
    });
  });
});
