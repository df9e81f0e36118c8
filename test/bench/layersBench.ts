import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { LayerReader } from '../../backends/agent/layers';
import { connectClient, startTestAgent, waitFor } from '../agent/support';
import { summarize, type Stats } from './stats';

/**
 * Reading every per-layer file tree of a real image: the agent's direct walk
 * of the overlay2 diff directories against `docker save IMAGE | tar -t` (the
 * way dive reads an image), in one run, on the same image. The image is built
 * here offline from busybox: several layers, a few thousand files, an
 * overwrite and a delete, and removed afterwards.
 */
export interface LayersBenchResult {
  image: { layers: number; entries: number };
  /** A fresh reader each time: layer mapping, history, every diff directory walked, opaque xattrs asked of getfattr. */
  coldWalk: Stats;
  /** The same through the agent's WebSocket once it has read the layers (its cache), JSON and all. */
  throughAgent: Stats;
  dockerSaveTarT: Stats;
  /** coldWalk median / dockerSaveTarT median (the target is at most 0.1). */
  ratio: number;
}

const DOCKERFILE = `FROM busybox:latest
RUN mkdir -p /data/a && for i in $(seq 1 2000); do echo "file $i" > /data/a/f$i; done
RUN mkdir -p /data/b && for i in $(seq 1 1500); do echo "other $i" > /data/b/g$i; done
RUN rm -rf /data/a/f1* && echo changed > /data/b/g1 && cp -a /bin /bin2
`;

function saveAndList(image: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const save = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tar = spawn('tar', ['-t'], { stdio: ['pipe', 'pipe', 'inherit'] });
    save.stdout.pipe(tar.stdin);
    let lines = 0;
    tar.stdout.on('data', (b: Buffer) => {
      for (const c of b) if (c === 10) lines++;
    });
    tar.on('close', (code) => (code === 0 ? resolve(lines) : reject(new Error(`tar -t exited ${code}`))));
    save.on('error', reject);
  });
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<Stats> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return summarize(times);
}

export async function benchLayers(runs = 7): Promise<LayersBenchResult> {
  const image = `gbbench-layers-${randomBytes(4).toString('hex')}`;
  const ctx = mkdtempSync(join(tmpdir(), 'gbbench-layers-'));
  writeFileSync(join(ctx, 'Dockerfile'), DOCKERFILE);
  try {
    execFileSync('docker', ['build', '--pull=false', '-q', '-t', image, ctx], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeout: 300_000 });
    const docker = new Dockerode();
    const info = await docker.getImage(image).inspect();
    const ids = info.RootFS?.Layers ?? [];
    const dataRoot = ((await docker.info()) as { DockerRootDir?: string }).DockerRootDir;
    let entries = 0;
    const coldWalk = await timed(runs, async () => {
      const reader = new LayerReader({ docker, dataRoot });
      await reader.readImage(info);
      const got = await reader.entries(ids);
      if (Object.keys(got).length !== ids.length) throw new Error('the reader did not name every layer');
      entries = Object.values(got).reduce((n, l) => n + l.length, 0);
    });
    const dockerSaveTarT = await timed(runs, () => saveAndList(image));

    const agent = await startTestAgent();
    const client = connectClient(agent);
    let throughAgent: Stats;
    try {
      await waitFor('the connection', () => client.events.some((e) => e.type === 'connection' && e.state === 'open'));
      const first = await client.layerEntries(ids);
      if (Object.keys(first).length !== ids.length) throw new Error('the agent did not name every layer');
      throughAgent = await timed(runs, () => client.layerEntries(ids));
    } finally {
      client.close();
      await agent.close();
    }
    return { image: { layers: ids.length, entries }, coldWalk, throughAgent, dockerSaveTarT, ratio: coldWalk.median / dockerSaveTarT.median };
  } finally {
    try {
      execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(ctx, { recursive: true, force: true });
  }
}
