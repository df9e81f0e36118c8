import { decodeArchive, encodeArchive, tarSize, type ArchiveEntry } from '../../archive/tar';
import { DaemonError } from '../../engine/errors';
import { entriesToTree, loadImages, LoadError, saveImages, treeToEntries } from '../../images/archive';
import type { Fs } from '../../shell/filesystem';
import { resolvePath } from '../../shell/filesystem';
import type { LayerDir, TreeNode } from '../../unionfs/tree';
import { volumeTree, writeFsTree } from '../../engine/volumes/volumeCopy';
import { humanSizeWithPrecision } from '../humanize';
import { daemonErrorText, type CommandDef, type Ctx } from './common';

/**
 * The commands that move tar archives between the daemon and the host:
 * `save`/`load` (images), `export`/`import` (a container's filesystem, an
 * image of one layer) and `cp` (files in and out of a container). Archives on
 * the host are the simulator's (core/archive/tar.ts): `tar -tvf` lists them
 * and `ls -l` shows the size the real tar would have.
 */

const TERMINAL_REFUSAL = 'cowardly refusing to save to a terminal. Use the -o flag or redirect';

function hostFs(ctx: Ctx): Fs {
  if (!ctx.fs) throw new Error('docker: this command needs the host filesystem');
  return ctx.fs;
}

function abs(ctx: Ctx, path: string): string {
  return resolvePath(path, ctx.io.cwd ?? '/');
}

/** Writes an archive to `-o PATH` or stdout (refusing a terminal, as the client does). */
function writeArchive(ctx: Ctx, output: string, entries: ArchiveEntry[], what: 'save image' | 'export container'): number {
  const text = encodeArchive(entries);
  if (output === '') {
    if (ctx.io.stdoutIsTTY) {
      ctx.io.stderr(`${TERMINAL_REFUSAL}\n`);
      return 1;
    }
    ctx.io.stdout(text);
    return 0;
  }
  const fs = hostFs(ctx);
  const path = abs(ctx, output);
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  if (!fs.isDir(dir)) {
    ctx.io.stderr(`failed to ${what}: invalid output path: stat ${dir}: no such file or directory\n`);
    return 1;
  }
  const err = fs.writeFile(path, text);
  if (err) {
    ctx.io.stderr(`failed to ${what}: open ${output}: ${err === 'EISDIR' ? 'is a directory' : 'no such file or directory'}\n`);
    return 1;
  }
  return 0;
}

/** Reads an archive from `-i PATH`/a file argument or stdin; returns the text, or the exit code after printing the error. */
function readInput(ctx: Ctx, path: string): string | number {
  if (path === '' || path === '-') return ctx.io.stdin ?? '';
  const r = hostFs(ctx).tryRead(abs(ctx, path));
  if ('error' in r) {
    ctx.io.stderr(`open ${path}: ${r.error === 'EISDIR' ? 'is a directory' : 'no such file or directory'}\n`);
    return 1;
  }
  return r.data;
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export const save: CommandDef = {
  name: 'save',
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    const items: Parameters<typeof saveImages>[0][number][] = [];
    for (const ref of flags.args) {
      const image = ctx.engine.image(ref);
      if (!image) {
        // The classic image store's reference lookup (moby reference/store.go ErrDoesNotExist), which save uses.
        ctx.io.stderr('Error response from daemon: reference does not exist\n');
        return 1;
      }
      // A reference by tag saves that tag; by id, every tag of the image.
      const byId = image.id.slice(7).startsWith(ref.replace(/^sha256:/, ''));
      const tags = byId ? [...image.repoTags] : image.repoTags.filter((t) => t === ctx.engine.normalizeRef(ref));
      const same = items.find((i) => i.image === image);
      if (same) same.tags.push(...tags.filter((t) => !same.tags.includes(t)));
      else items.push({ image, tags });
    }
    return writeArchive(ctx, flags.string('output'), saveImages(items, seconds(ctx.engine.now())), 'save image');
  },
};

export const load: CommandDef = {
  name: 'load',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const input = flags.string('input');
    if (input === '' && ctx.io.stdinIsTTY && ctx.io.stdin === null) {
      ctx.io.stderr('requested load from stdin, but stdin is empty\n');
      return 1;
    }
    const text = readInput(ctx, input);
    if (typeof text === 'number') return text;
    const entries = decodeArchive(text);
    if (!entries) {
      ctx.io.stderr(text === '' ? 'open /var/lib/docker/tmp/docker-import-0/repositories: no such file or directory\n' : 'Error processing tar file(exit status 1): unexpected EOF\n');
      return 1;
    }
    try {
      for (const line of ctx.engine.loadImages((store) => loadImages(store, entries))) ctx.io.stdout(line + '\n');
    } catch (e) {
      if (e instanceof LoadError) {
        ctx.io.stderr(e.message + '\n');
        return 1;
      }
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    return 0;
  },
};

export const exportCommand: CommandDef = {
  name: 'export',
  usage: '[OPTIONS] CONTAINER',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    let tree: TreeNode | undefined;
    try {
      tree = ctx.engine.containerMount(flags.args[0]!).tree('/');
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    return writeArchive(ctx, flags.string('output'), treeToEntries(tree!, seconds(ctx.engine.now())), 'export container');
  },
};

export const importCommand: CommandDef = {
  name: 'import',
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  args: { kind: 'range', min: 1, max: 2 },
  async run(ctx, flags) {
    const [source, reference] = flags.args as [string, string | undefined];
    if (/^https?:\/\//.test(source)) {
      ctx.io.stderr(`Error response from daemon: Get "${source}": dial tcp: lookup ${source.replace(/^https?:\/\//, '').split(/[\/:]/)[0]}: no such host\n`);
      return 1;
    }
    const text = readInput(ctx, source);
    if (typeof text === 'number') return text;
    const entries = text === '' ? [] : decodeArchive(text);
    if (!entries) {
      ctx.io.stderr('Error response from daemon: Error processing tar file(exit status 1): unexpected EOF\n');
      return 1;
    }
    try {
      const id = ctx.engine.importImage({ tree: entriesToTree(entries), reference, changes: flags.stringArray('change'), message: flags.string('message') });
      ctx.io.stdout(`${id}\n`);
      return 0;
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
  },
};

/** `CONTAINER:PATH` (a colon before any slash), or a local path. */
function splitCpArg(arg: string): { container: string; path: string } | { local: string } {
  if (arg.startsWith('/') || arg.startsWith('.')) return { local: arg };
  const colon = arg.indexOf(':');
  if (colon <= 0) return { local: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

function treeBytes(node: TreeNode): number {
  return tarSize(treeToEntries(node.kind === 'dir' ? node : ({ kind: 'dir', mode: 0o755, children: new Map([['x', node]]) } as LayerDir), 0));
}

export const cp: CommandDef = {
  name: 'cp',
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tdocker cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  args: { kind: 'exact', n: 2 },
  async run(ctx, flags) {
    const src = splitCpArg(flags.args[0]!);
    const dst = splitCpArg(flags.args[1]!);
    if ('local' in src && 'local' in dst) {
      ctx.io.stderr('must specify at least one container source\n');
      return 1;
    }
    if ('container' in src && 'container' in dst) {
      ctx.io.stderr('copying between containers is not supported\n');
      return 1;
    }
    const fs = hostFs(ctx);
    const quiet = flags.bool('quiet') || !ctx.io.stdoutIsTTY;
    try {
      if ('container' in src) {
        const node = ctx.engine.containerTree(src.container, src.path);
        if (!node) throw new DaemonError(`Could not find the file ${src.path} in container ${src.container}`, 'notFound');
        const local = (dst as { local: string }).local;
        if (local === '-') {
          ctx.io.stdout(encodeArchive(treeToEntries({ kind: 'dir', mode: 0o755, children: new Map([[src.path.replace(/\/+$/, '').split('/').pop() || '/', node]]) }, seconds(ctx.engine.now()))));
          return 0;
        }
        let target = abs(ctx, local);
        if (fs.isDir(target)) target = `${target === '/' ? '' : target}/${src.path.replace(/\/+$/, '').split('/').pop()}`;
        const parent = target.slice(0, target.lastIndexOf('/')) || '/';
        if (!fs.isDir(parent)) {
          ctx.io.stderr(`invalid output path: directory "${parent}" does not exist\n`);
          return 1;
        }
        writeFsTree(fs, target, node);
        if (!quiet) ctx.io.stdout(`Successfully copied ${humanSizeWithPrecision(treeBytes(node), 3)} to ${target}\n`);
        return 0;
      }
      const local = src.local;
      const container = dst as { container: string; path: string };
      let node: TreeNode | undefined;
      let name: string;
      if (local === '-') {
        const entries = decodeArchive(ctx.io.stdin ?? '');
        if (!entries) throw new DaemonError('Error processing tar file(exit status 1): unexpected EOF', 'invalidParameter');
        node = entriesToTree(entries) as TreeNode;
        name = '';
      } else {
        const from = abs(ctx, local);
        node = volumeTree(fs, from);
        if (!node) {
          ctx.io.stderr(`lstat ${from}: no such file or directory\n`);
          return 1;
        }
        name = from.split('/').pop() ?? '';
      }
      ctx.engine.copyToContainer(container.container, container.path, node, name);
      if (!quiet) ctx.io.stdout(`Successfully copied ${humanSizeWithPrecision(treeBytes(node), 3)} to ${container.container}:${container.path}\n`);
      return 0;
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
  },
};
