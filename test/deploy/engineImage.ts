import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What the deploy suites share about the engine + agent image: its tag (the
 * one deploy/engine-agent/build.sh gives it by default), whether it is built,
 * and how to run it privileged on this machine.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const version = (JSON.parse(readFileSync(`${repo}/package.json`, 'utf8')) as { version: string }).version;

export const engineImage = `glassbox/engine-agent:${version}`;

/** Why the image cannot be used here (not built); null when it is there. */
export function imageProblem(): string | null {
  try {
    execFileSync('docker', ['image', 'inspect', engineImage], { stdio: 'pipe', timeout: 15_000 });
    return null;
  } catch {
    return `${engineImage} is not built (run deploy/engine-agent/build.sh, about two minutes)`;
  }
}

/** Capability names by number, as in linux/capability.h (0 … 40). */
const CAPS = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE',
  'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE',
  'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

/** The capabilities this machine's bounding set lacks (a sandboxed host may lack some, e.g. SYS_RESOURCE). */
export function missingCapabilities(status = readFileSync('/proc/self/status', 'utf8'), lastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8'))): string[] {
  const bounding = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? '0'}`);
  const missing: string[] = [];
  for (let cap = 0; cap <= Math.min(lastCap, CAPS.length - 1); cap++) if (((bounding >> BigInt(cap)) & 1n) === 0n) missing.push(CAPS[cap]!);
  return missing;
}

/**
 * `--privileged`, or, on a host whose bounding set lacks capabilities (runc
 * then refuses --privileged with "unable to apply caps"), what it amounts to
 * for dockerd, spelled out: every capability the host has, no seccomp or
 * AppArmor profile, unmasked /proc and /sys, and every device. The
 * entrypoint makes the cgroup mounts writable, as --privileged leaves them.
 */
export function privilegedFlags(missing = missingCapabilities()): string[] {
  if (missing.length === 0) return ['--privileged'];
  return [
    '--cap-add', 'ALL',
    ...missing.flatMap((c) => ['--cap-drop', c]),
    '--security-opt', 'seccomp=unconfined',
    '--security-opt', 'apparmor=unconfined',
    '--security-opt', 'systempaths=unconfined',
    '--device-cgroup-rule', 'a *:* rwm',
  ];
}
