import type { Image } from '../images/store';
import { commit } from './imageService';
import { DaemonError } from './errors';
import type { Services } from './services';

/** `docker commit` (moby's daemon/commit.go): the container's upper layer as a new image layer. */

/** `docker commit`: the upper layer as a new image layer; returns the new image. */
export function containerCommit(d: Services, ref: string, opts: { reference?: string; comment?: string; author?: string; changes?: Partial<Image['config']>; createdBy?: string } = {}): Image {
  return d.events.op(() => {
    const c = d.containers.get(ref);
    if (c.state === 'removing' || c.state === 'dead') throw new DaemonError(`You cannot commit container ${c.id} which is being removed or dead`, 'conflict');
    const base = c.image.config;
    const config = {
      ...base,
      Env: [...c.config.env],
      Cmd: c.config.cmd ? [...c.config.cmd] : null,
      Entrypoint: c.config.entrypoint ? [...c.config.entrypoint] : null,
      WorkingDir: c.config.workingDir,
      Labels: Object.keys(c.config.labels).length > 0 ? { ...c.config.labels } : base.Labels,
      ...(opts.changes ?? {}),
    };
    return commit(d.images.imageContext(), {
      containerId: c.id,
      image: c.image,
      config,
      mount: c.mount,
      createdBy: opts.createdBy ?? [c.path, ...c.args].join(' '),
      ...(opts.reference !== undefined ? { reference: opts.reference } : {}),
      ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
      ...(opts.author !== undefined ? { author: opts.author } : {}),
    });
  });
}
