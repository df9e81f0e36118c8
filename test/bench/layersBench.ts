import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dockerode from 'dockerode';
import { LayerReader } from '../../backends/agent/layers';
import { sharedWalkPool } from '../../backends/agent/walkPool';
import { connectClient, startTestAgent, waitFor } from '../agent/support';
import { summarize, type Stats } from './stats';

/**
 * Reading every per-layer file tree of a real image: the agent's direct walk
 * of the overlay2 diff directories against `docker save IMAGE | tar -t` (the
 * way dive reads an image), in one run, on the same image. Two images, built
 * here offline over busybox and removed afterwards:
 *
 * - "real files": layers of this host's own Debian files (zoneinfo, Python's
 *   and Perl's libraries …, as a language-runtime image has), then a layer that
 *   deletes some and recreates a directory (whiteouts, an opaque directory);
 * - "small files": thousands of tiny files made by RUN, the walk's worst case
 *   (its cost goes by entries, an export's by bytes).
 */
export interface LayersCase {
  name: string;
  image: { layers: number; entries: number; bytes: number };
  /** A fresh reader each time (nothing cached): layer mapping, history, every diff directory walked, opaque xattrs asked of getfattr. Taken in turns with dockerSaveTarT. */
  coldWalk: Stats;
  /** The same through the agent's WebSocket once it has read the layers (its cache), JSON and all. */
  throughAgent: Stats;
  dockerSaveTarT: Stats;
  /** coldWalk median / dockerSaveTarT median (the target is at most 0.1). */
  ratio: number;
}

export interface LayersBenchResult {
  cases: LayersCase[];
}

const SMALL_FILES = `FROM busybox:latest
RUN mkdir -p /data/a && for i in $(seq 1 2000); do echo "file $i" > /data/a/f$i; done
RUN mkdir -p /data/b && for i in $(seq 1 1500); do echo "other $i" > /data/b/g$i; done
RUN rm -rf /data/a/f1* && echo changed > /data/b/g1 && cp -a /bin /bin2
`;

/** Host directories that make the "real files" layers, those present, one layer each, until there are enough entries. */
const REAL_DIRS = ['/usr/share/zoneinfo', '/usr/lib/python3', '/usr/share/perl', '/usr/lib/x86_64-linux-gnu/perl-base', '/usr/share/i18n', '/usr/share/mime'];
const REAL_ENTRIES = 6000;

/** A build context of this host's files: the Dockerfile and a copy of each directory used. */
function realFilesContext(ctx: string): string {
  const lines = ['FROM busybox:latest'];
  let entries = 0;
  for (const [i, dir] of REAL_DIRS.entries()) {
    if (entries >= REAL_ENTRIES) break;
    if (!existsSync(dir)) continue;
    execFileSync('cp', ['-a', dir, join(ctx, `l${i}`)]);
    entries += Number(execFileSync('find', [join(ctx, `l${i}`)], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').length - 1);
    lines.push(`COPY l${i} ${dir}/`);
  }
  // Deletes (whiteouts) and a directory deleted then made again (opaque) in the last layer.
  lines.push('RUN rm -rf /usr/share/zoneinfo/America /usr/share/zoneinfo/Europe && mkdir /usr/share/zoneinfo/Europe && echo x > /usr/share/zoneinfo/Europe/Nowhere || true');
  return lines.join('\n') + '\n';
}

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

/**
 * Runs `a` and `b` in turns, so that both meet the same load on a noisy
 * machine, with a pause before each so that neither pays for the other's
 * aftermath (dockerd is still busy for a while after a save).
 */
async function alternate(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[Stats, Stats]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < runs; i++) {
    for (const [fn, times] of [[a, ta], [b, tb]] as const) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const t0 = performance.now();
      await fn();
      times.push(performance.now() - t0);
    }
  }
  return [summarize(ta), summarize(tb)];
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

async function benchImage(name: string, dockerfile: (ctx: string) => string, runs: number): Promise<LayersCase> {
  const image = `gbbench-layers-${randomBytes(4).toString('hex')}`;
  const ctx = mkdtempSync(join(tmpdir(), 'gbbench-layers-'));
  try {
    writeFileSync(join(ctx, 'Dockerfile'), dockerfile(ctx));
    execFileSync('docker', ['build', '--pull=false', '-q', '-t', image, ctx], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeout: 600_000 });
    const docker = new Dockerode();
    const info = await docker.getImage(image).inspect();
    const ids = info.RootFS?.Layers ?? [];
    const dataRoot = ((await docker.info()) as { DockerRootDir?: string }).DockerRootDir;
    let entries = 0;
    const coldRead = async () => {
      const reader = new LayerReader({ docker, dataRoot });
      await reader.readImage(info);
      const got = await reader.entries(ids);
      if (Object.keys(got).length !== ids.length) throw new Error('the reader did not name every layer');
      entries = Object.values(got).reduce((n, l) => n + l.length, 0);
    };
    const [coldWalk, dockerSaveTarT] = await alternate(runs, coldRead, () => saveAndList(image));

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
    return { name, image: { layers: ids.length, entries, bytes: info.Size }, coldWalk, throughAgent, dockerSaveTarT, ratio: coldWalk.median / dockerSaveTarT.median };
  } finally {
    try {
      execFileSync('docker', ['rmi', '-f', image], { stdio: 'ignore' });
    } catch {
      // already gone
    }
    rmSync(ctx, { recursive: true, force: true });
  }
}

export async function benchLayers(runs = 11): Promise<LayersBenchResult> {
  // The agent starts its walk workers when it starts; so does this run, before the clock.
  sharedWalkPool().warm();
  return {
    cases: [await benchImage('real files', realFilesContext, runs), await benchImage('small files', () => SMALL_FILES, runs)],
  };
}
