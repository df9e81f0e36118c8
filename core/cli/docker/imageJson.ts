import type { Engine } from '../../engine/engine';
import { cacheDir, type Image } from '../../images/store';

/** `docker image inspect` of an image: Engine API ImageInspect, keys in Docker's order. */
export function imageJson(engine: Engine, image: Image): Record<string, unknown> {
  const chains = engine.imageStore.chainIds(image);
  const dirs = chains.map((c) => `/var/lib/docker/overlay2/${cacheDir(c)}`);
  const top = dirs[dirs.length - 1] ?? '';
  const lower = dirs
    .slice(0, -1)
    .reverse()
    .map((d) => `${d}/diff`)
    .join(':');
  const c = image.config;
  return {
    Id: image.id,
    RepoTags: [...image.repoTags],
    RepoDigests: [...image.repoDigests],
    Parent: image.parent,
    Comment: image.comment,
    Created: image.created,
    DockerVersion: image.dockerVersion,
    Author: image.author,
    Config: {
      Hostname: '',
      Domainname: '',
      User: c.User,
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ...(c.ExposedPorts ? { ExposedPorts: c.ExposedPorts } : {}),
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: c.Env,
      Cmd: c.Cmd,
      Image: '',
      Volumes: c.Volumes ?? null,
      WorkingDir: c.WorkingDir,
      Entrypoint: c.Entrypoint,
      OnBuild: null,
      Labels: c.Labels,
      ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
    },
    Architecture: 'amd64',
    Os: 'linux',
    Size: engine.imageSize(image),
    GraphDriver: {
      Data: {
        ...(lower !== '' ? { LowerDir: lower } : {}),
        MergedDir: `${top}/merged`,
        UpperDir: `${top}/diff`,
        WorkDir: `${top}/work`,
      },
      Name: 'overlay2',
    },
    RootFS: { Type: 'layers', Layers: image.layers.map((l) => l.id) },
    Metadata: { LastTagTime: image.lastTagTime || '0001-01-01T00:00:00Z' },
  };
}
