import { DaemonError } from './errors';
import type { Services } from './services';

/** `docker swarm init`, `join` and `leave` (moby's daemon/cluster): this host in the simulated LAN's swarm. */

/** `docker swarm init`: this host becomes the manager. */
export function swarmInit(d: Services): { nodeId: string; token: string; addr: string } {
  return d.events.op(() => {
    if (d.fabric.isMember(d.config.hostName)) throw new DaemonError('This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.', 'system');
    const { nodeId, token } = d.fabric.init(d.config.hostName);
    return { nodeId, token, addr: d.fabric.hosts.get(d.config.hostName)!.ip };
  });
}

/** `docker swarm join --token T ADDR:2377`. */
export function swarmJoin(d: Services, token: string, addr: string): void {
  d.events.op(() => {
    if (d.fabric.isMember(d.config.hostName)) throw new DaemonError('This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.', 'system');
    const swarm = d.fabric.swarm;
    const manager = swarm ? d.fabric.hosts.get(swarm.members[0]!) : undefined;
    const host = addr.replace(/:\d+$/, '');
    if (!swarm || !manager || host !== manager.ip) {
      throw new DaemonError('Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.', 'system');
    }
    if (token !== swarm.workerToken && token !== swarm.managerToken) throw new DaemonError('rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster', 'invalidParameter');
    d.fabric.join(d.config.hostName);
  });
}

/** `docker swarm leave [-f]`. */
export function swarmLeave(d: Services, force: boolean): void {
  d.events.op(() => {
    if (!d.fabric.isMember(d.config.hostName)) throw new DaemonError('This node is not part of a swarm', 'system');
    const manager = d.fabric.isManager(d.config.hostName);
    if (manager && !force) {
      throw new DaemonError(
        'You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.',
        'system',
      );
    }
    const swarm = d.fabric.swarm!;
    swarm.members = swarm.members.filter((m) => m !== d.config.hostName);
    if (manager || swarm.members.length === 0) d.fabric.swarm = null;
  });
}
