import { utf8Length } from '../utf8';
import { pathParts, type FileNode, type LayerDir, type LayerNode } from '../unionfs/tree';
import { sha256Hex } from './digest';

/**
 * Builds a layer's diff tree from a short description: a few hand-written
 * files (/etc/os-release…) and bulk entries (a distribution's /usr/bin, its
 * package directories) whose sizes are drawn deterministically from their
 * names and scaled so the layer weighs exactly what the real image's layer
 * does. Nothing random: the same description always gives the same tree.
 */
export class TreeBuilder {
  readonly root: LayerDir = { kind: 'dir', mode: 0o755, children: new Map() };
  private fixedBytes = 0;
  private readonly bulk: { file: FileNode; weight: number }[] = [];
  private nextIno = 1;

  /** A directory (and its parents). */
  dir(path: string, mode = 0o755): LayerDir {
    let dir = this.root;
    const parts = pathParts(path);
    parts.forEach((name, i) => {
      let next = dir.children.get(name);
      if (next === undefined || next.kind !== 'dir') {
        next = { kind: 'dir', mode: i === parts.length - 1 ? mode : 0o755, children: new Map() };
        dir.children.set(name, next);
      } else if (i === parts.length - 1) next.mode = mode;
      dir = next;
    });
    return dir;
  }

  private put(path: string, node: LayerNode): void {
    const parts = pathParts(path);
    const name = parts.pop()!;
    this.dir('/' + parts.join('/'), this.existingMode(parts)).children.set(name, node);
  }

  private existingMode(parts: string[]): number {
    let node: LayerNode | undefined = this.root;
    for (const p of parts) node = node?.kind === 'dir' ? node.children.get(p) : undefined;
    return node?.kind === 'dir' ? node.mode : 0o755;
  }

  /** A text file; `program` when it is a script the simulator runs as that program (an image's entrypoint). */
  text(path: string, content: string, mode = 0o644, program?: string): this {
    this.put(path, { kind: 'file', mode, size: utf8Length(content), content, ...(program !== undefined ? { program } : {}) });
    this.fixedBytes += utf8Length(content);
    return this;
  }

  /** A binary of a known size; `program` is what the simulator runs when it is executed. */
  binary(path: string, size: number, program?: string, mode = 0o755): FileNode {
    const file: FileNode = { kind: 'file', mode, size };
    if (program !== undefined) file.program = program;
    this.put(path, file);
    this.fixedBytes += size;
    return file;
  }

  /** A hard link to `file` (same inode: the layer counts its bytes once). */
  link(path: string, file: FileNode, program?: string): this {
    if (file.ino === undefined) file.ino = this.nextIno++;
    const copy: FileNode = { ...file };
    if (program !== undefined) copy.program = program;
    this.put(path, copy);
    return this;
  }

  symlink(path: string, target: string): this {
    this.put(path, { kind: 'symlink', mode: 0o777, target });
    return this;
  }

  whiteout(path: string): this {
    this.put(path, { kind: 'whiteout' });
    return this;
  }

  /** Files whose sizes are filled in by `finish` from the layer's total. */
  files(dir: string, names: readonly string[], opts: { mode?: number; programs?: ReadonlySet<string>; weight?: number } = {}): this {
    const parent = this.dir(dir);
    for (const name of names) {
      if (parent.children.has(name)) continue; // listed twice: one file
      const file: FileNode = { kind: 'file', mode: opts.mode ?? 0o644, size: 0 };
      if (opts.programs?.has(name)) file.program = name;
      this.put(`${dir}/${name}`, file);
      this.bulk.push({ file, weight: (opts.weight ?? 1) * (1 + (parseInt(sha256Hex(`${dir}/${name}`).slice(0, 6), 16) % 1000)) });
    }
    return this;
  }

  /** Gives the bulk files sizes so that the layer's files add up to `totalBytes`; returns the tree. */
  finish(totalBytes?: number): LayerDir {
    if (totalBytes !== undefined && this.bulk.length > 0) {
      const left = Math.max(0, totalBytes - this.fixedBytes);
      const weights = this.bulk.reduce((s, b) => s + b.weight, 0);
      let given = 0;
      for (const b of this.bulk) {
        b.file.size = Math.floor((left * b.weight) / weights);
        given += b.file.size;
      }
      this.bulk[0]!.file.size += left - given;
    }
    return this.root;
  }
}
