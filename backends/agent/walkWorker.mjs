// The layer walk's heavy part, run in worker threads (backends/agent/walkPool.ts)
// so a diff directory is read on every core while the agent's event loop stays
// free. Plain JavaScript: a worker does not inherit the tsx loader that the
// agent's own TypeScript runs under.
import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { isMainThread, parentPort } from 'node:worker_threads';

/** Numbers kept per path, in this order. */
export const STAT_FIELDS = 6;

/**
 * One job: under the diff directory `root`, lstat each of `stat` and every
 * entry below each of `walk` (paths as the container sees them, "/etc/motd").
 * Gives the paths stat'ed, STAT_FIELDS numbers each (mode with its type bits,
 * -1 for a path gone while we looked; size, ino, nlink, rdev, mtimeMs), and
 * each symlink's target by index.
 */
export function runJob({ root, stat = [], walk = [] }) {
  const paths = [];
  let stats = new Float64Array(Math.max(256, stat.length) * STAT_FIELDS);
  const targets = [];
  const statOne = (rel) => {
    const i = paths.length;
    paths.push(rel);
    if ((i + 1) * STAT_FIELDS > stats.length) {
      const bigger = new Float64Array(stats.length * 2);
      bigger.set(stats);
      stats = bigger;
    }
    const at = i * STAT_FIELDS;
    const abs = root + rel;
    const st = lstatSync(abs, { throwIfNoEntry: false });
    if (!st) {
      stats[at] = -1;
      return false;
    }
    stats[at] = st.mode;
    stats[at + 1] = st.size;
    stats[at + 2] = st.ino;
    stats[at + 3] = st.nlink;
    stats[at + 4] = st.rdev;
    stats[at + 5] = st.mtimeMs;
    if (st.isSymbolicLink()) {
      try {
        targets[i] = readlinkSync(abs);
      } catch {
        targets[i] = ''; // gone while we looked
      }
    }
    return st.isDirectory();
  };
  for (const rel of stat) statOne(rel);
  const queue = [...walk];
  while (queue.length > 0) {
    const dir = queue.pop();
    let names;
    try {
      names = readdirSync(root + dir);
    } catch {
      continue; // gone while we looked
    }
    for (const name of names) {
      const rel = `${dir}/${name}`;
      if (statOne(rel)) queue.push(rel);
    }
  }
  return { paths, stats: stats.slice(0, paths.length * STAT_FIELDS), targets };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (job) => {
    let answer;
    try {
      answer = runJob(job);
    } catch (err) {
      answer = { error: String(err) };
    }
    port.postMessage(answer, answer.stats ? [answer.stats.buffer] : []);
  });
}
