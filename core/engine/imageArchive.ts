import { parseDockerfile, DockerfileError } from '../images/dockerfile';
import type { LoadedImage } from '../images/archive';
import type { BuildFile } from '../images/build';
import type { HistoryEntry, ImageConfig } from '../images/catalog';
import type { Image, ImageStore } from '../images/store';
import { familiarString, parseNormalizedNamed, ReferenceError, withDefaultTag } from '../images/reference';
import { UnionMount } from '../unionfs/mount';
import { newLayer } from '../unionfs/layer';
import type { LayerDir, TreeNode } from '../unionfs/tree';
import { DaemonError } from './errors';
import type { ImageServiceContext } from './imageService';

/**
 * The daemon's side of `docker load`, `import`, `cp` into a container and a
 * build's COPY/ADD steps, over the image store and union mounts.
 */

/** A build step that adds files: a child image with one more layer. */
export function addImageLayer(ctx: ImageServiceContext, parent: Image, tree: LayerDir, config: ImageConfig, createdBy: string): Image {
  const created = ctx.now();
  return ctx.store.createImage({
    layers: [...parent.layers, ctx.store.layerFromTree(tree)],
    config,
    history: [...parent.history, { created, createdBy }],
    created,
    parent: parent.id,
  });
}

/** Files under `path` in an image's merged view, as COPY --from copies them (absolute paths). */
export function imageFiles(image: Image, path: string): BuildFile[] {
  const mount = new UnionMount({ lowers: image.layers, upper: newLayer('build-from', 'container', { kind: 'dir', mode: 0o755, children: new Map() }) });
  const node = mount.tree(path);
  const out: BuildFile[] = [];
  const walk = (n: TreeNode, p: string): void => {
    if (n.kind === 'dir') {
      out.push({ path: p, kind: 'dir', content: '', mode: n.mode });
      for (const [name, child] of n.children) walk(child, `${p === '/' ? '' : p}/${name}`);
    } else if (n.kind === 'file') out.push({ path: p, kind: 'file', content: n.content ?? '', mode: n.mode });
  };
  if (node) walk(node, path);
  return out;
}

/** `docker load`: the archive's images into the store, tagged; the lines the client prints. */
export function loadIntoStore(ctx: ImageServiceContext, load: (store: ImageStore) => LoadedImage[]): string[] {
  const lines: string[] = [];
  for (const { image, tags } of load(ctx.store)) {
    ctx.emit('load', image.id);
    if (tags.length === 0) {
      lines.push(`Loaded image ID: ${image.id}`);
      continue;
    }
    for (const t of tags) {
      const previous = ctx.store.get(t);
      if (previous && previous.id !== image.id) lines.push(`The image ${t} already exists, renaming the old one with ID ${previous.id} to empty string`);
      ctx.store.tag(image.id, t, ctx.now());
      ctx.emit('tag', image.id, { name: t });
      lines.push(`Loaded image: ${t}`);
    }
  }
  return lines;
}

export interface ImportOptions {
  tree: LayerDir;
  /** REPOSITORY[:TAG], if given. */
  reference: string | undefined;
  /** `-c` Dockerfile instructions. */
  changes: string[];
  /** `-m`. */
  message: string;
}

/** The instructions `docker import -c` / `commit -c` accept, applied to a config. */
export function applyChanges(config: ImageConfig, changes: readonly string[]): ImageConfig {
  const out: ImageConfig = { ...config };
  for (const change of changes) {
    let inst;
    try {
      inst = parseDockerfile(change)[0]!;
    } catch (e) {
      if (e instanceof DockerfileError) throw new DaemonError(e.message.replace(/^dockerfile parse error line 1: /, ''), 'invalidParameter');
      throw e;
    }
    switch (inst.keyword) {
      case 'CMD':
        out.Cmd = inst.json ? inst.args : ['/bin/sh', '-c', inst.rest];
        break;
      case 'ENTRYPOINT':
        out.Entrypoint = inst.json ? inst.args : ['/bin/sh', '-c', inst.rest];
        break;
      case 'ENV':
        out.Env = [...(out.Env ?? []).filter((kv) => !inst.pairs!.some(([k]) => kv.startsWith(`${k}=`))), ...inst.pairs!.map(([k, v]) => `${k}=${v ?? ''}`)];
        break;
      case 'LABEL':
        out.Labels = { ...(out.Labels ?? {}), ...Object.fromEntries(inst.pairs!.map(([k, v]) => [k, v ?? ''])) };
        break;
      case 'WORKDIR':
        out.WorkingDir = inst.args[0]!;
        break;
      case 'USER':
        out.User = inst.args[0]!;
        break;
      case 'EXPOSE':
        out.ExposedPorts = { ...(out.ExposedPorts ?? {}), ...Object.fromEntries(inst.args.map((p) => [p.includes('/') ? p : `${p}/tcp`, {}])) };
        break;
      case 'VOLUME':
        out.Volumes = { ...(out.Volumes ?? {}), ...Object.fromEntries(inst.args.map((v) => [v, {}])) };
        break;
      case 'STOPSIGNAL':
        out.StopSignal = inst.args[0]!;
        break;
      default:
        throw new DaemonError(`${inst.keyword.toLowerCase()} is not a valid change command`, 'invalidParameter');
    }
  }
  return out;
}

/** `docker import`: an image whose one layer is the archive's tree. */
export function importImage(ctx: ImageServiceContext, opts: ImportOptions): string {
  let tag: string | undefined;
  if (opts.reference !== undefined) {
    try {
      tag = familiarString(withDefaultTag(parseNormalizedNamed(opts.reference)));
    } catch (e) {
      if (e instanceof ReferenceError) throw new DaemonError(e.message, 'invalidParameter');
      throw e;
    }
  }
  const config = applyChanges({ Env: null, Cmd: null, Entrypoint: null, WorkingDir: '', User: '', Labels: null }, opts.changes);
  const created = ctx.now();
  const entry: HistoryEntry = { created, createdBy: '', comment: opts.message || 'Imported from -' };
  const image = ctx.store.createImage({
    layers: [ctx.store.layerFromTree(opts.tree)],
    config,
    history: [entry],
    created,
    comment: opts.message || 'Imported from -',
  });
  ctx.emit('import', image.id);
  if (tag !== undefined) ctx.store.tag(image.id, tag, created);
  return image.id;
}

/**
 * `docker cp SRC CONTAINER:PATH`: into an existing directory as `name`, or
 * to PATH itself when it does not exist (its parent must).
 */
export function copyIntoMount(mount: UnionMount, containerName: string, path: string, node: TreeNode, name: string): void {
  const dest = path.startsWith('/') ? path : `/${path}`;
  const existing = mount.lookup(dest);
  const putOne = (target: string, n: TreeNode): void => {
    const err = mount.put(target, n, { parents: false });
    if (err === 'ENOENT') throw new DaemonError(`Could not find the file ${target.slice(0, target.lastIndexOf('/')) || '/'} in container ${containerName}`, 'notFound');
    if (err === 'ENOTDIR') throw new DaemonError('extraction point is not a directory', 'invalidParameter');
    if (err) throw new DaemonError(`cannot copy to ${target}: ${err}`, 'invalidParameter');
  };
  if (name === '') {
    // A tar from stdin: its members go into the directory.
    if (!existing || existing.kind !== 'dir') throw new DaemonError('extraction point is not a directory', 'invalidParameter');
    if (node.kind === 'dir') for (const [child, n] of node.children) putOne(`${dest === '/' ? '' : dest}/${child}`, n);
    return;
  }
  if (existing && existing.kind === 'dir') putOne(`${dest === '/' ? '' : dest}/${name}`, node);
  else if (existing && node.kind === 'dir') throw new DaemonError('cannot copy directory', 'invalidParameter');
  else {
    const parent = dest.slice(0, dest.lastIndexOf('/')) || '/';
    const p = mount.lookup(parent);
    if (!p) throw new DaemonError(`Could not find the file ${parent} in container ${containerName}`, 'notFound');
    if (p.kind !== 'dir') throw new DaemonError('extraction point is not a directory', 'invalidParameter');
    putOne(dest, node);
  }
}
