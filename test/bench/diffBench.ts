import { seededRng } from '../../core/ports';
import { Scheduler } from '../../core/scheduler';
import { Engine } from '../../core/engine/engine';
import { dockerCommand } from '../../core/cli/docker/index';
import { InterruptSource } from '../../core/ports';
import { summarize, type Stats } from './stats';
import { TEST_IMAGES } from '../../core/engine/testDriver';

/**
 * `docker diff` on a container whose upper layer holds 10,000 changed files
 * (written through its union mount, as the container shell writes), and the
 * snapshot the UI takes after each change. Each sample first changes one more
 * file, so the diff is worked out afresh rather than read from its memo.
 */
export interface DiffBenchResult {
  files: number;
  /** `docker diff` through the CLI (lines printed), after one new change. */
  dockerDiff: Stats;
  /** Engine.snapshot() after one new change (the container's layer sizes are recounted). */
  snapshotAfterChange: Stats;
  /** `docker diff` again with nothing changed (the memo). */
  dockerDiffUnchanged: Stats;
}

export async function benchDiff(files = 10_000): Promise<DiffBenchResult> {
  const scheduler = new Scheduler(Date.UTC(2026, 0, 1));
  const engine = new Engine({ scheduler, rng: seededRng('bench-diff'), preload: TEST_IMAGES });
  const docker = dockerCommand(engine);
  const { id } = engine.create({ image: 'busybox', name: 'big', cmd: ['true'] });
  const mount = engine.containerMount(id);
  for (let i = 0; i < files; i++) {
    const dir = `/data/d${String(i % 100).padStart(2, '0')}`;
    if (i < 100) mount.mkdir(dir, { parents: true });
    mount.writeFile(`${dir}/f${i}`, `file ${i}\n`);
  }
  const run = async (): Promise<number> => {
    let lines = 0;
    const t0 = performance.now();
    await docker(['docker', 'diff', 'big'], { stdin: null, stdout: (t) => (lines += t.split('\n').length - 1), stderr: () => {}, interrupt: new InterruptSource(), stdinIsTTY: false });
    const took = performance.now() - t0;
    if (lines < files) throw new Error(`docker diff printed ${lines} lines, expected at least ${files}`);
    return took;
  };
  let n = 0;
  const changed: number[] = [];
  const snapshots: number[] = [];
  const unchanged: number[] = [];
  for (let i = 0; i < 25; i++) {
    mount.writeFile(`/etc/extra${n++}`, 'x');
    const t0 = performance.now();
    engine.snapshot();
    snapshots.push(performance.now() - t0);
    mount.writeFile(`/etc/extra${n++}`, 'x');
    changed.push(await run());
    unchanged.push(await run());
  }
  // The first rounds warm the JIT.
  return { files, dockerDiff: summarize(changed.slice(5)), snapshotAfterChange: summarize(snapshots.slice(5)), dockerDiffUnchanged: summarize(unchanged.slice(5)) };
}
