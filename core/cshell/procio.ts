import type { Proc } from '../engine/process';

/** Text as the terminal driver delivers it: with a tty, "\n" becomes "\r\n" (onlcr). */
export function out(proc: Pick<Proc, 'tty' | 'stdout'>, text: string): void {
  proc.stdout(proc.tty ? text.replace(/\n/g, '\r\n') : text);
}

export function err(proc: Pick<Proc, 'tty' | 'stderr'>, text: string): void {
  proc.stderr(proc.tty ? text.replace(/\n/g, '\r\n') : text);
}

/** The value of `key` in a KEY=value environment (the last one wins). */
export function envValue(env: readonly string[], key: string): string | undefined {
  for (let i = env.length - 1; i >= 0; i--) {
    const kv = env[i]!;
    if (kv.startsWith(key + '=')) return kv.slice(key.length + 1);
  }
  return undefined;
}

/** The first line of busybox's usage texts for a bad option. */
export const BUSYBOX_BANNER = 'BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.';
