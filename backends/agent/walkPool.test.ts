import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkDiffDir } from './layers';
import { STAT_FIELDS, WalkPool } from './walkPool';
import { runJob } from './walkWorker.mjs';

/** A tree big enough that a walk is shared out: 1,300 files in one directory, nested directories, links. */
let root = '';
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'gb-walkpool-'));
  mkdirSync(join(root, 'data/many'), { recursive: true });
  for (let i = 0; i < 1300; i++) writeFileSync(join(root, `data/many/f${i}`), 'x'.repeat(i % 7));
  for (const d of ['etc/a/b/c', 'usr/lib/x', 'usr/bin', 'var/log', 'srv']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'etc/a/b/c/deep'), 'deep\n');
  writeFileSync(join(root, 'usr/bin/tool'), 'tool');
  linkSync(join(root, 'usr/bin/tool'), join(root, 'usr/lib/x/tool-again'));
  symlinkSync('../bin/tool', join(root, 'usr/lib/tool'));
  writeFileSync(join(root, 'top'), 'top');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A job's answer as [path, type bits, size, target] rows, sorted. */
function rows(r: { paths: string[]; stats: Float64Array; targets: (string | undefined)[] }) {
  return r.paths.map((p, i) => [p, r.stats[i * STAT_FIELDS]! & 0o170000, r.stats[i * STAT_FIELDS + 1], r.targets[i]] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

describe('WalkPool', () => {
  it('gives what the same job gives in this thread, for lstat lists and whole walks', async () => {
    const pool = new WalkPool(2);
    try {
      const jobs = [{ root, stat: ['/top', '/usr', '/gone'] }, { root, walk: ['/usr'] }, { root, walk: ['/data', '/etc'] }];
      const answers = await Promise.all(jobs.map((j) => pool.run(j)));
      answers.forEach((a, k) => expect(rows(a)).toEqual(rows(runJob(jobs[k]!))));
      expect(rows(answers[0]!).find((r) => r[0] === '/gone')?.[1]).toBe(-1 & 0o170000);
      expect(answers[1]!.targets[answers[1]!.paths.indexOf('/usr/lib/tool')]).toBe('../bin/tool');
      expect(answers[2]!.paths).toHaveLength(1 + 1300 + 4);
      expect(pool.parallelism).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('runs the work in this thread when a worker fails, and keeps doing so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-badworker-'));
    const script = join(dir, 'bad.mjs');
    writeFileSync(script, 'process.exit(3);\n');
    const pool = new WalkPool(2, pathToFileURL(script));
    try {
      const job = { root, walk: ['/usr'] };
      expect(rows(await pool.run(job))).toEqual(rows(runJob(job)));
      expect(pool.parallelism).toBe(1);
      expect(rows(await pool.run(job))).toEqual(rows(runJob(job)));
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('walkDiffDir over the pool', () => {
  it('lists the same entries, sizes and directories as a walk in this thread', async () => {
    const jobs: { stat?: readonly string[]; walk?: readonly string[] }[] = [];
    const here = await walkDiffDir(root, {
      run: async (job) => {
        jobs.push(job);
        return runJob(job);
      },
    });
    const pooled = await walkDiffDir(root);
    expect(pooled.entries).toEqual(here.entries);
    expect(pooled.size).toBe(here.size);
    expect([...pooled.dirs]).toEqual([...here.dirs]);
    // Shared out: the entries listed here go in batches of at most 512, each directory left goes whole.
    expect(jobs.every((j) => (j.stat?.length ?? 0) <= 512)).toBe(true);
    expect(jobs.filter((j) => j.walk).length).toBeGreaterThan(1);
    // Every entry once, in byte order; the hard link's bytes count once.
    const paths = here.entries.map((e) => e.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect([...paths].sort()).toEqual(paths);
    expect(paths).toHaveLength(1300 + 18);
    const bytes = Array.from({ length: 1300 }, (_, i) => i % 7).reduce((a, b) => a + b, 0);
    expect(here.size).toBe(bytes + 'deep\n'.length + 'tool'.length + '../bin/tool'.length + 'top'.length);
  });
});
