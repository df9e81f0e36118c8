/** The host shell's public surface. */
export { HostShell } from './hostShell';
export type { HostShellOptions, RunOptions } from './hostShell';
export { MemFs } from './memfs';
export type { FsNode } from './memfs';
export { FsError, fsErrorText, resolvePath, compareBytes, splitPath } from './filesystem';
export type { Fs, FsErrorCode, FsStat, FsWriter } from './filesystem';
export { isIncompleteInput } from './syntax';
