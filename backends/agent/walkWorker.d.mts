/** Numbers kept per path by runJob, in this order: mode, size, ino, nlink, rdev, mtimeMs. */
export const STAT_FIELDS: 6;

export interface WalkJob {
  /** The diff directory, absolute. */
  root: string;
  /** Paths to lstat, as the container sees them ("/etc/motd"). */
  stat?: readonly string[];
  /** Directories whose every entry below is listed and lstat'ed. */
  walk?: readonly string[];
}

export interface WalkResult {
  /** Every path stat'ed: the job's `stat` ones first, then those found under `walk`. */
  paths: string[];
  /** STAT_FIELDS numbers per path; mode -1 for a path gone while we looked. */
  stats: Float64Array;
  /** Each symlink's target, by the path's index. */
  targets: (string | undefined)[];
}

export function runJob(job: WalkJob): WalkResult;
