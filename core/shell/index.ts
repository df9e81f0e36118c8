/** The host shell's public surface. */
export { HostShell } from './hostShell';
export type { HostShellOptions, RunOptions } from './hostShell';
export { MemFs, FsError, resolvePath } from './memfs';
export type { FsErrorCode, FsStat, FsNode } from './memfs';
