import { lookupPath, type ImageDir } from '../images/catalog';

/**
 * What the kernel needs to know of a program it runs: the file execve is given
 * and the memory the process holds.
 */

/** Resident memory (bytes) of busybox programs at rest; a `sleep` container's memory.usage_in_bytes on the reference host was 360448. */
const RSS: Readonly<Record<string, number>> = {
  sleep: 360_448,
  sh: 536_576,
  ash: 536_576,
  top: 622_592,
  tail: 380_928,
  cat: 368_640,
  yes: 364_544,
  hello: 299_008,
};

export function programRss(argv0: string): number {
  const name = argv0.slice(argv0.lastIndexOf('/') + 1);
  return RSS[name] ?? 409_600;
}

/** The path execve is called with: argv[0] as given when it has a slash, else the first match on $PATH (as runc's exec.LookPath). */
export function resolveExecutable(root: ImageDir, env: readonly string[], cwd: string, name: string): string {
  if (name.includes('/')) return name.startsWith('/') ? name : `${cwd === '/' ? '' : cwd}/${name}`;
  let path = '';
  for (const kv of env) if (kv.startsWith('PATH=')) path = kv.slice(5);
  for (const dir of path.split(':')) {
    if (dir === '') continue;
    const node = lookupPath(root, `${dir}/${name}`);
    if (node && node.kind === 'file') return `${dir}/${name}`;
  }
  return name;
}
