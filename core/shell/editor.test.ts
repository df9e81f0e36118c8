import { describe, expect, it } from 'vitest';
import type { EditRequest } from '../process';
import { MemFs } from './memfs';
import { noTerminalText, runEditor, writeErrorText, type EditorFlavor } from './editor';

/** A pane that answers each request in turn and remembers what it was shown. */
function pane(...answers: (string | null)[]) {
  const shown: EditRequest[] = [];
  return {
    shown,
    edit: (r: EditRequest): Promise<string | null> => {
      shown.push(r);
      return Promise.resolve(answers.length > 0 ? answers.shift()! : null);
    },
  };
}

function session(flavor: EditorFlavor, argv: string[], fs: MemFs, edit?: ReturnType<typeof pane>, tty = true) {
  let out = '';
  let err = '';
  const io = { stdout: (t: string) => void (out += t), stderr: (t: string) => void (err += t), stdinIsTTY: tty, stdoutIsTTY: tty };
  const terminal = edit ? { claim: () => () => {}, edit: edit.edit } : undefined;
  return runEditor(flavor, { argv, fs, cwd: '/root', io, terminal }).then((exit) => ({ exit, out, err }));
}

function disk(): MemFs {
  const fs = new MemFs(() => 0);
  fs.mkdir('/etc/docker', { parents: true });
  fs.mkdir('/root', { parents: true });
  return fs;
}

describe('vi, vim and nano in the editor pane', () => {
  it('opens the file with its text and writes back what is saved', async () => {
    const fs = disk();
    fs.writeFile('/etc/docker/daemon.json', '{}\n');
    const p = pane('{ "debug": true }\n');
    const r = await session('vim', ['vim', '/etc/docker/daemon.json'], fs, p);
    expect(r).toEqual({ exit: 0, out: '', err: '' });
    expect(p.shown).toEqual([{ path: '/etc/docker/daemon.json', content: '{}\n', title: 'vim /etc/docker/daemon.json' }]);
    expect(fs.readFile('/etc/docker/daemon.json')).toBe('{ "debug": true }\n');
  });

  it('opens a missing file empty, and saving creates it (relative to the working directory)', async () => {
    const fs = disk();
    const p = pane('hello\n');
    expect((await session('nano', ['nano', 'notes.txt'], fs, p)).exit).toBe(0);
    expect(p.shown[0]).toMatchObject({ content: '', path: '/root/notes.txt', newFile: true });
    expect(fs.readFile('/root/notes.txt')).toBe('hello\n');
  });

  it('quit without saving leaves the file as it was', async () => {
    const fs = disk();
    fs.writeFile('/etc/motd', 'old\n');
    expect((await session('vim', ['vi', '/etc/motd'], fs, pane(null))).exit).toBe(0);
    expect(fs.readFile('/etc/motd')).toBe('old\n');
    expect((await session('vim', ['vi', '/etc/new'], fs, pane(null))).exit).toBe(0);
    expect(fs.exists('/etc/new')).toBe(false);
  });

  it.each<[EditorFlavor, string]>([
    ['vim', `"/nonexist/x" E212: Can't open file for writing`],
    ['busybox', `'/nonexist/x' No such file or directory`],
    ['nano', '[ Error writing /nonexist/x: No such file or directory ]'],
  ])('%s: a save into a missing directory shows the editor’s own error and keeps the pane open', async (flavor, message) => {
    const fs = disk();
    const p = pane('text\n', null);
    expect((await session(flavor, [flavor === 'busybox' ? 'vi' : flavor, '/nonexist/x'], fs, p)).exit).toBe(0);
    expect(p.shown).toHaveLength(2);
    expect(p.shown[1]).toMatchObject({ content: 'text\n', error: message });
    expect(fs.exists('/nonexist')).toBe(false);
  });

  it('a save that fails, then one that works after the student fixes the path elsewhere, writes the second', async () => {
    const fs = disk();
    const p = pane('one\n', 'two\n');
    const shown = session('vim', ['vim', '/srv/x'], fs, {
      shown: p.shown,
      edit: (r) => {
        if (p.shown.length === 1) fs.mkdir('/srv');
        return p.edit(r);
      },
    });
    expect((await shown).exit).toBe(0);
    expect(fs.readFile('/srv/x')).toBe('two\n');
  });

  it('without a terminal, vim warns and gives up as at end of input, writing nothing', async () => {
    const fs = disk();
    const r = await session('vim', ['vim', '/etc/docker/daemon.json'], fs, undefined, false);
    expect(r).toEqual({
      exit: 1,
      err: 'Vim: Warning: Output is not to a terminal\nVim: Warning: Input is not from a terminal\n',
      out: 'Vim: Error reading input, exiting...\nVim: Finished.\n',
    });
    expect(fs.exists('/etc/docker/daemon.json')).toBe(false);
  });

  it.each<[EditorFlavor, string, string]>([
    ['busybox', 'vi', "vi: can't read user input\n"],
    ['nano', 'nano', 'Too many errors from stdin\n'],
  ])('without a terminal, %s says what the real one says (exit 1)', async (flavor, name, stderr) => {
    expect(noTerminalText(flavor, name, true)).toEqual({ stdout: '', stderr });
    expect((await session(flavor, [name, '/x'], disk(), undefined, false)).exit).toBe(1);
  });

  it('refuses options and several files plainly (exit 2) rather than ignore them', async () => {
    expect((await session('vim', ['vim', '-R', '/x'], disk(), pane('a'))).exit).toBe(2);
    expect((await session('vim', ['vim', '/x', '/y'], disk(), pane('a'))).err).toMatch(/^glassbox: .*not simulated yet/);
  });

  it('writeErrorText names a read-only file system as the editor does', () => {
    expect(writeErrorText('busybox', '/proc/x', 'EROFS')).toBe(`'/proc/x' Read-only file system`);
    expect(writeErrorText('nano', '/proc/x', 'EROFS')).toBe('[ Error writing /proc/x: Read-only file system ]');
  });
});
