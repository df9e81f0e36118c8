import type { ContainerSnapshot } from '../../../core/model';

/**
 * The container a terminal line is about, so the diagrams can follow it: the
 * last word of the line that names a container (by name, or by an id prefix
 * of at least 4 hex digits, as people type them), after `--name` if given.
 */
export function containerNamedIn(line: string, containers: readonly ContainerSnapshot[]): ContainerSnapshot | null {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words[0] !== 'docker') return null;
  const nameFlag = words.findIndex((w) => w === '--name' || w.startsWith('--name='));
  if (nameFlag >= 0) {
    const w = words[nameFlag]!;
    const name = w.includes('=') ? w.slice(w.indexOf('=') + 1) : words[nameFlag + 1];
    const named = containers.find((c) => c.name === name);
    if (named) return named;
  }
  for (let i = words.length - 1; i >= 1; i--) {
    const w = words[i]!.replace(/^\//, '');
    const byName = containers.find((c) => c.name === w);
    if (byName) return byName;
    if (/^[0-9a-f]{4,64}$/.test(w)) {
      const byId = containers.filter((c) => c.id.startsWith(w));
      if (byId.length === 1) return byId[0]!;
    }
  }
  return null;
}
