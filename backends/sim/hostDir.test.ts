import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';

/**
 * Issue 11: the host directories the Volumes and Layers views open, listed
 * on the simulated host as its shell's `ls` sees them: a volume's _data,
 * a container layer's diff (written through from inside the container).
 */

async function out(host: SimHost, line: string): Promise<string> {
  let text = '';
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => (text += t), stderr: (t) => (err += t) });
  if (exit !== 0) throw new Error(`${line}: exit ${exit}: ${err}`);
  return text;
}

describe('listHostDir on the simulated host', () => {
  it('lists a volume’s data and a container layer’s diff directory, as ls on the host does', async () => {
    const host = new SimHost({ seed: 'hostdir', preload: ['busybox:latest'], yieldToEventLoop: () => yieldImmediate() });
    const id = (await out(host, "docker run -d --name web -v data:/data busybox sh -c 'echo hello > /data/greeting; echo x > /etc/motd; sleep 300'")).trim();
    await host.advanceTo(host.now() + 1000);
    const snap = host.snapshot();
    const vol = snap.volumes!.find((v) => v.name === 'data')!;
    expect(host.listHostDir(vol.mountpoint)).toEqual({ path: vol.mountpoint, total: 1, entries: [{ name: 'greeting', type: 'file', size: 6 }] });
    const upper = snap.containers.find((c) => c.id === id)!.rootfs!.upperdir;
    const diff = host.listHostDir(upper);
    expect(diff.entries.map((e) => `${e.name} ${e.type}`)).toEqual(['data dir', 'etc dir']); // the mount point is made in the container layer, as Docker makes it
    expect(host.listHostDir(`${upper}/etc`).entries.map((e) => e.name)).toEqual((await out(host, `ls ${upper}/etc`)).split('\n').filter(Boolean));
    expect(() => host.listHostDir(`${upper}/../..`)).toThrow('the path has . or .. in it');
    expect(() => host.listHostDir('/var/lib/docker/volumes/nothing/_data')).toThrow('no such directory');
  });
});
