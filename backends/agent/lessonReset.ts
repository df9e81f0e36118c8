import { execFile } from 'node:child_process';

/**
 * A lesson's reset on a shared real engine: remove what this student's lesson
 * made and nothing else. That is every container, network, volume and image
 * repository whose name carries the student's suffix (`web-ab12`,
 * `mybox-ab12:v1`: lessons/suffix.ts), and the containers the student's own
 * lines made without a name, tracked by name as they appeared. Other
 * containers on the engine are never listed for removal, whatever they run.
 */
export interface LessonObjects {
  /** The student's suffix, without the dash. */
  suffix: string;
  /** Containers the student's lines made (by name), beyond the suffixed ones. */
  containers?: readonly string[];
}

/** What a suffix may be: what lessons/suffix.ts makes, and nothing a name pattern could widen. */
export const SUFFIX = /^[a-z0-9]{2,16}$/;

function docker(dockerBin: string, args: string[]): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(dockerBin, args, { timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout) => resolve({ ok: !err, out: String(stdout) }));
  });
}

const lines = (s: string): string[] => s.split('\n').map((l) => l.trim()).filter((l) => l !== '');

/**
 * Removes the lesson's objects, containers first (so their networks, volumes
 * and images are free), and says what went, as `kind name` lines. Objects
 * that will not go (an image another student's container runs) stay.
 */
export async function removeLessonObjects(dockerBin: string, objects: LessonObjects): Promise<string[]> {
  if (!SUFFIX.test(objects.suffix)) throw new Error(`invalid lesson suffix "${objects.suffix}"`);
  const tail = `-${objects.suffix}`;
  const made = new Set(objects.containers ?? []);
  const removed: string[] = [];
  const remove = async (kind: string, names: string[], args: string[]): Promise<void> => {
    // One call per object: one that will not go does not keep the others.
    for (const name of names) if ((await docker(dockerBin, [...args, name])).ok) removed.push(`${kind} ${name}`);
  };
  const containers = lines((await docker(dockerBin, ['ps', '-a', '--format', '{{.Names}}'])).out).filter((n) => n.endsWith(tail) || made.has(n));
  await remove('container', containers, ['rm', '-f', '-v']);
  const networks = lines((await docker(dockerBin, ['network', 'ls', '--format', '{{.Name}}'])).out).filter((n) => n.endsWith(tail));
  await remove('network', networks, ['network', 'rm']);
  const volumes = lines((await docker(dockerBin, ['volume', 'ls', '--format', '{{.Name}}'])).out).filter((n) => n.endsWith(tail));
  await remove('volume', volumes, ['volume', 'rm', '-f']);
  const images = lines((await docker(dockerBin, ['images', '--format', '{{.Repository}}:{{.Tag}}'])).out).filter((r) => !r.includes('<none>') && r.slice(0, r.lastIndexOf(':')).endsWith(tail));
  await remove('image', images, ['rmi']);
  return removed;
}
