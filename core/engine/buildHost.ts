import { utf8Length } from '../utf8';
import type { BuildConfig, BuildFile, BuildHost } from '../images/build';
import { BuildError } from '../images/build';
import type { ImageConfig } from '../images/catalog';
import { sha256Hex } from '../images/digest';
import type { Image } from '../images/store';
import type { LayerDir, LayerNode } from '../unionfs/tree';
import type { Engine } from './engine';
import { DaemonError } from './errors';
import { PullStreamError } from './imageService';
import { displayJsonMessages } from '../cli/docker/jsonMessages';

/**
 * The simulated daemon as the legacy builder uses it: intermediate containers
 * created from the step's image with the build's config, started and waited
 * for, committed and removed; COPY/ADD layers made straight from the context.
 */

function toBuildConfig(c: ImageConfig): BuildConfig {
  return {
    Env: [...(c.Env ?? [])],
    Cmd: c.Cmd ? [...c.Cmd] : null,
    Entrypoint: c.Entrypoint ? [...c.Entrypoint] : null,
    WorkingDir: c.WorkingDir,
    User: c.User,
    Labels: { ...(c.Labels ?? {}) },
    ExposedPorts: { ...(c.ExposedPorts ?? {}) },
    Volumes: { ...(c.Volumes ?? {}) },
    StopSignal: c.StopSignal ?? '',
  };
}

function toImageConfig(c: BuildConfig): ImageConfig {
  return {
    Env: c.Env.length > 0 ? [...c.Env] : null,
    Cmd: c.Cmd ? [...c.Cmd] : null,
    Entrypoint: c.Entrypoint ? [...c.Entrypoint] : null,
    WorkingDir: c.WorkingDir,
    User: c.User,
    Labels: Object.keys(c.Labels).length > 0 ? { ...c.Labels } : null,
    ...(Object.keys(c.ExposedPorts).length > 0 ? { ExposedPorts: { ...c.ExposedPorts } } : {}),
    ...(Object.keys(c.Volumes).length > 0 ? { Volumes: { ...c.Volumes } } : {}),
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
  };
}

/** Files as a layer diff tree, parents created as directories. */
function filesToTree(files: readonly BuildFile[]): LayerDir {
  const root: LayerDir = { kind: 'dir', mode: 0o755, children: new Map() };
  for (const f of files) {
    const parts = f.path.split('/').filter((p) => p !== '');
    let dir = root;
    for (const p of parts.slice(0, -1)) {
      let next = dir.children.get(p);
      if (!next || next.kind !== 'dir') {
        next = { kind: 'dir', mode: 0o755, children: new Map() };
        dir.children.set(p, next);
      }
      dir = next;
    }
    const name = parts[parts.length - 1];
    if (name === undefined) continue;
    const node: LayerNode =
      f.kind === 'dir' ? { kind: 'dir', mode: f.mode || 0o755, children: new Map() } : { kind: 'file', mode: f.mode || 0o644, size: utf8Length(f.content), content: f.content };
    if (!(f.kind === 'dir' && dir.children.get(name)?.kind === 'dir')) dir.children.set(name, node);
  }
  return root;
}


export function engineBuildHost(engine: Engine): BuildHost {
  const imageOf = (id: string): Image => {
    const image = engine.image(id);
    if (!image) throw new BuildError(`No such image: ${id}`, 1, true);
    return image;
  };
  return {
    findImage(ref) {
      const image = engine.image(ref);
      return image ? { id: image.id, config: toBuildConfig(image.config) } : undefined;
    },
    pullImage(ref, out) {
      try {
        const { messages, image } = engine.pullImage(ref);
        // The build's output is plain text here, as a client not on a terminal shows it.
        out(displayJsonMessages(messages, false));
        return { id: image.id, config: toBuildConfig(image.config) };
      } catch (e) {
        // A pull refused after its stream began (a schema 1 image) shows that stream, then the error as the stream carries it.
        if (e instanceof PullStreamError) {
          out(displayJsonMessages(e.messages, false));
          throw new BuildError(e.message, 1, false);
        }
        if (e instanceof DaemonError) throw new BuildError(e.message, 1, true);
        throw e;
      }
    },
    cached(parentId, createdBy) {
      for (const child of engine.imageStore.children(parentId)) {
        const last = child.history[child.history.length - 1];
        if (last?.createdBy === createdBy) return child.id;
      }
      return undefined;
    },
    createIntermediate(imageId, config, argv) {
      const image = imageOf(imageId);
      const { id } = engine.create({
        image: image.id,
        cmd: argv ?? config.Cmd ?? image.config.Cmd ?? ['/bin/sh'],
        ...(argv !== null ? { entrypoint: '' } : {}),
        env: config.Env,
        workingDir: config.WorkingDir,
        labels: {},
      });
      return id;
    },
    async runIntermediate(containerId, out) {
      const detach = engine.attach(containerId, { stdout: (t) => out('stdout', t), stderr: (t) => out('stderr', t) });
      try {
        const exited = engine.wait(containerId, 'next-exit');
        engine.start(containerId);
        return await exited;
      } catch (e) {
        if (e instanceof DaemonError) throw new BuildError(e.message, e.exitCode ?? 1);
        throw e;
      } finally {
        detach();
      }
    },
    commit(containerId, config, createdBy) {
      return engine.commitContainer(containerId, { changes: toImageConfig(config), createdBy }).id;
    },
    removeContainer(containerId) {
      // As the builder does: an intermediate container's anonymous volumes (a VOLUME above it) go with it.
      engine.remove(containerId, { force: true, volumes: true });
    },
    mkdirp(containerId, path) {
      engine.containerMount(containerId).mkdir(path, { parents: true });
    },
    addLayer(parentId, config, createdBy, files) {
      return engine.addImageLayer(parentId, filesToTree(files), toImageConfig(config), createdBy).id;
    },
    imageFiles(imageId, path) {
      return engine.imageFiles(imageId, path);
    },
    tag(imageId, ref) {
      engine.tagImage(imageId, ref);
      return engine.normalizeRef(ref);
    },
    contentHash(files) {
      return sha256Hex(files.map((f) => `${f.path}\u0000${f.kind}\u0000${f.mode}\u0000${f.content}`).join('\u0000'));
    },
  };
}
