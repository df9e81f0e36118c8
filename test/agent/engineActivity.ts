import { docker } from './support';

/**
 * What else the shared engine did while a traced line ran. dockerd's own work
 * (the overlay mounts, iptables, a new bridge's rules) names no container, so
 * the agent puts it down to whichever line is running: another engineer's
 * container started or stopped in that moment lands in this line's trace.
 * A test that asserts the order of a line's phases runs the line again when
 * this says the moment was shared.
 */
export async function foreignActivity(sinceMs: number, untilMs: number, mine: (nameOrId: string) => boolean): Promise<string[]> {
  // docker events --until a moment to come waits for it, with no timeout of ours.
  await new Promise((r) => setTimeout(r, Math.max(0, untilMs - Date.now() + 50)));
  const out = docker(
    'events',
    '--since',
    (sinceMs / 1000).toFixed(3),
    '--until',
    (untilMs / 1000).toFixed(3),
    '--filter',
    'type=container',
    '--filter',
    'type=network',
    '--format',
    '{{.Type}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "name"}} {{index .Actor.Attributes "container"}}',
  );
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => {
      const [type, action, id, name, container] = l.split(' ');
      // Execs, health checks, attaching and signals make no dockerd kernel calls of the kind the diagram draws.
      if (/^(exec_|health_status|attach|resize|kill|top|commit)/.test(action!)) return false;
      // A network event names the container it connects, or is a network of its own (created, removed).
      if (type === 'network') return container ? !mine(container) : true;
      return !mine(id!) && !mine(name!);
    });
}
