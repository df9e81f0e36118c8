import { describe, expect, it } from 'vitest';
import { daemonError, EngineDriver } from './testDriver';
import { displayJsonMessages } from '../cli/docker/jsonMessages';

/** A pull as a client not on a terminal prints it. */
function pulled(d: EngineDriver, ref: string): string {
  return displayJsonMessages(d.engine.pull(ref), false);
}

/** Records as `docker rmi` prints them. */
function rmiLines(d: EngineDriver, ref: string, opts: { force?: boolean } = {}): string[] {
  return d.engine.removeImage(ref, opts).map((r) => ('untagged' in r ? `Untagged: ${r.untagged}` : `Deleted: ${r.deleted}`));
}

describe('Engine images and layers', () => {
  describe('the built-in images match the offline test images', () => {
    it.each([
      ['busybox:latest', 1_982_749, ['sh']],
      ['hello-world:latest', 762_320, ['/hello']],
    ])('%s: one layer of %i bytes, Cmd %j', (ref, size, cmd) => {
      const d = new EngineDriver();
      const image = d.engine.resolveImage(ref);
      expect(image.layers).toHaveLength(1);
      expect(d.engine.imageSize(image)).toBe(size);
      expect(image.config.Cmd).toEqual(cmd);
      expect(image.history.map((h) => h.comment)).toEqual(['Imported from -']);
    });
  });

  describe('snapshot', () => {
    it('lists every layer once and each container rootfs with overlay2 paths (init layer first among the lowerdirs)', () => {
      const d = new EngineDriver();
      d.engine.pull('nginx');
      d.engine.pull('redis');
      const { id } = d.engine.create({ image: 'nginx', name: 'web', cmd: ['true'] });
      const snap = d.engine.snapshot();
      const ids = snap.layers!.map((l) => l.id);
      expect(new Set(ids).size).toBe(ids.length);
      const nginx = snap.images.find((i) => i.tags.includes('nginx:latest'))!;
      const redis = snap.images.find((i) => i.tags.includes('redis:latest'))!;
      // Both are built on the same debian base layer.
      expect(nginx.layers[0]).toBe(redis.layers[0]);
      const c = snap.containers.find((x) => x.id === id)!;
      const rootfs = c.rootfs!;
      expect(rootfs.lowerdirs).toHaveLength(nginx.layers.length + 1);
      expect(rootfs.lowerdirs[0]).toMatch(/^\/var\/lib\/docker\/overlay2\/[0-9a-f]{64}-init\/diff$/);
      expect(rootfs.upperdir).toBe(rootfs.lowerdirs[0]!.replace('-init/diff', '/diff'));
      expect(rootfs.layers.slice(0, -2)).toEqual(nginx.layers);
      const [init, upper] = rootfs.layers.slice(-2).map((l) => snap.layers!.find((x) => x.id === l)!);
      expect(init).toMatchObject({ kind: 'init', parent: nginx.layers[nginx.layers.length - 1], containerId: id });
      expect(upper).toMatchObject({ kind: 'container', parent: init!.id, size: 0, entries: 0 });
      expect(snap.layers!.find((l) => l.id === nginx.layers[0])!.createdBy).toMatch(/^\/bin\/sh -c #\(nop\) ADD file:/);
    });

    it('layerEntries shows the upper layer as a command changes it: copy-up, whiteout', () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd: ['true'] });
      const mount = d.engine.containerMount(id);
      const upperId = d.engine.snapshot().containers[0]!.rootfs!.layers.at(-1)!;
      expect(d.engine.layerEntries(upperId)).toEqual([]);
      mount.writeFile('/etc/motd', 'hi\n');
      mount.remove('/bin/vi');
      expect(d.engine.layerEntries(upperId).map((e) => `${e.type} ${e.path}`)).toEqual(['dir /bin', 'whiteout /bin/vi', 'dir /etc', 'file /etc/motd']);
      const upper = d.engine.snapshot().layers!.find((l) => l.id === upperId)!;
      expect(upper).toMatchObject({ size: 3, entries: 4 });
      expect(d.engine.layerEntries(`${upperId}-init`).map((e) => e.path)).toContain('/.dockerenv');
      expect(d.engine.layerEntries('sha256:nope')).toEqual([]);
    });
  });

  describe('pull', () => {
    it('a fresh engine has no images; busybox and hello-world come from the Hub as the test set-up has them', () => {
      const d = new EngineDriver('fresh', { preload: [] });
      expect(d.engine.snapshot().images).toEqual([]);
      expect(pulled(d, 'hello-world')).toMatch(/^latest: Pulling from library\/hello-world\n([0-9a-f]{12}): Pulling fs layer\n\1: Verifying Checksum\n\1: Download complete\n\1: Pull complete\nDigest: sha256:[0-9a-f]{64}\nStatus: Downloaded newer image for hello-world:latest\n$/);
      const preloaded = new EngineDriver('preloaded');
      d.engine.pull('busybox');
      for (const ref of ['busybox:latest', 'hello-world:latest']) {
        const mine = d.engine.resolveImage(ref);
        const theirs = preloaded.engine.resolveImage(ref);
        expect({ id: mine.id, layers: mine.layers.map((l) => l.id) }).toEqual({ id: theirs.id, layers: theirs.layers.map((l) => l.id) });
      }
      expect(() => new EngineDriver('bad', { preload: ['nginx'] })).toThrow(/no built-in image "nginx" to preload/);
    });

    it('prints per-layer progress, then "Already exists" for layers another image brought', () => {
      const d = new EngineDriver();
      const first = pulled(d, 'nginx');
      expect(first).toMatch(/^latest: Pulling from library\/nginx\n[0-9a-f]{12}: Pulling fs layer\n/);
      expect(first).toMatch(/\nDigest: sha256:[0-9a-f]{64}\nStatus: Downloaded newer image for nginx:latest\n$/);
      const second = pulled(d, 'redis:7.4');
      expect(second.split('\n')[1]).toMatch(/^[0-9a-f]{12}: Already exists$/);
      expect(second).toContain('Status: Downloaded newer image for redis:7.4\n');
      expect(pulled(d, 'nginx')).toMatch(/^latest: Pulling from library\/nginx\nDigest: sha256:[0-9a-f]{64}\nStatus: Image is up to date for nginx:latest\n$/);
    });

    it.each([
      ['nosuch', "pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"],
      ['nginx:nosuch', 'manifest for nginx:nosuch not found: manifest unknown: manifest unknown'],
      ['Nginx', 'invalid reference format: repository name (library/Nginx) must be lowercase'],
    ])('refuses %s', (ref, message) => {
      expect(daemonError(() => new EngineDriver().engine.pull(ref)).message).toBe(message);
    });
  });

  describe('rmi', () => {
    it('by tag only untags while another tag names the image; the last tag deletes it and its layers', () => {
      const d = new EngineDriver();
      d.engine.tagImage('busybox', 'mine:1');
      expect(rmiLines(d, 'mine:1')).toEqual(['Untagged: mine:1']);
      d.engine.tagImage('busybox', 'mine:1');
      const id = d.engine.resolveImage('busybox').id;
      expect(rmiLines(d, 'busybox')).toEqual(['Untagged: busybox:latest']);
      const layer = d.engine.resolveImage('mine:1').layers[0]!.id;
      // A one-layer image's chain id is its diff id.
      expect(rmiLines(d, 'mine:1')).toEqual(['Untagged: mine:1', `Deleted: ${id}`, `Deleted: ${layer}`]);
      expect(d.engine.snapshot().layers!.map((l) => l.id)).not.toContain(layer);
    });

    it.each([
      ['by id while several repositories name it', (d: EngineDriver) => (d.engine.tagImage('busybox', 'mine:1'), d.engine.resolveImage('busybox').id.slice(7, 19)), /^conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is referenced in multiple repositories$/],
      ['by id while a stopped container uses it', (d: EngineDriver) => (d.engine.create({ image: 'busybox', cmd: ['true'] }), d.engine.resolveImage('busybox').id.slice(7, 19)), /^conflict: unable to delete [0-9a-f]{12} \(must be forced\) - image is being used by stopped container [0-9a-f]{12}$/],
      ['by tag while a container uses it', (d: EngineDriver) => (d.engine.create({ image: 'busybox', cmd: ['true'] }), 'busybox'), /^conflict: unable to remove repository reference "busybox" \(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}$/],
      ['a missing image', () => 'nosuch', /^No such image: nosuch:latest$/],
    ])('refuses %s', (_what, setup, message) => {
      const d = new EngineDriver();
      const ref = setup(d);
      expect(daemonError(() => d.engine.removeImage(ref)).message).toMatch(message);
    });

    it('-f by id untags every reference and deletes; a running container still blocks it', async () => {
      const d = new EngineDriver();
      d.engine.tagImage('busybox', 'mine:1');
      const id = d.engine.resolveImage('busybox').id;
      const lines = rmiLines(d, id.slice(7, 19), { force: true });
      expect(lines.slice(0, 3)).toEqual(['Untagged: busybox:latest', 'Untagged: mine:1', `Deleted: ${id}`]);
      expect(d.engine.image('busybox')).toBeUndefined();
      d.engine.pull('busybox');
      const run = d.engine.create({ image: 'busybox', cmd: ['sleep', '60'] });
      d.engine.start(run.id);
      expect(daemonError(() => d.engine.removeImage(d.engine.resolveImage('busybox').id, { force: true })).message).toMatch(/\(cannot be forced\) - image is being used by running container/);
    });
  });

  describe('commit', () => {
    it('takes the upper layer (not the init layer) as a new layer on the image; the image is its parent', () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd: ['sh', '-c', 'echo hi > /etc/motd'] });
      const mount = d.engine.containerMount(id);
      mount.writeFile('/etc/motd', 'hi\n');
      mount.remove('/bin/vi');
      const base = d.engine.resolveImage('busybox');
      const image = d.engine.commitContainer(id, { reference: 'mine:v1', comment: 'added motd' });
      expect(image.parent).toBe(base.id);
      expect(image.layers.slice(0, -1)).toEqual(base.layers);
      expect(d.engine.layerEntries(image.layers.at(-1)!.id).map((e) => `${e.type} ${e.path}`)).toEqual(['dir /bin', 'whiteout /bin/vi', 'dir /etc', 'file /etc/motd']);
      expect(image.history.at(-1)).toMatchObject({ createdBy: 'sh -c echo hi > /etc/motd', comment: 'added motd' });
      expect(image.repoTags).toEqual(['mine:v1']);
      // A container of the new image sees the change, and has nothing to diff.
      const next = d.engine.create({ image: 'mine:v1', cmd: ['true'] });
      expect(d.engine.containerMount(next.id).lookup('/etc/motd')).toMatchObject({ content: 'hi\n' });
      expect(d.engine.containerMount(next.id).lookup('/bin/vi')).toBeUndefined();
      expect(d.engine.containerDiff(next.id)).toEqual([]);
      // The parent now has a child: deleting it by id is refused.
      expect(daemonError(() => d.engine.removeImage(base.id.slice(7), { force: true })).message).toMatch(/\(cannot be forced\) - image has dependent child images$/);
    });

    it('an unchanged container commits no layer, only an empty history line', () => {
      const d = new EngineDriver();
      const { id } = d.engine.create({ image: 'busybox', cmd: ['true'] });
      const image = d.engine.commitContainer(id);
      expect(image.layers).toEqual(d.engine.resolveImage('busybox').layers);
      expect(image.history.at(-1)!.emptyLayer).toBe(true);
      expect(image.repoTags).toEqual([]);
    });
  });

  it('image prune removes dangling images only', () => {
    const d = new EngineDriver();
    const { id } = d.engine.create({ image: 'busybox', cmd: ['true'] });
    d.engine.containerMount(id).writeFile('/x', 'x');
    const dangling = d.engine.commitContainer(id);
    d.engine.remove(id);
    const { records, reclaimed } = d.engine.pruneImages();
    expect(records).toEqual([{ deleted: dangling.id }, { deleted: expect.stringMatching(/^sha256:/) }]);
    expect(reclaimed).toBe(1);
    expect(d.engine.image('busybox')).toBeDefined();
  });
});
