import { refusalText } from '../lifecycle/containerMachine';
import { DaemonError } from './errors';
import { validateRestartPolicy, type RestartPolicyRequest } from './validate';
import type { Resources } from '../kernel/cgroups';
import { adaptResources } from '../kernel/hostConfig';
import { send } from './container';
import type { Services } from './services';

/**
 * `docker update` (moby's daemon/update.go): resource limits written to the
 * running container's cgroup (runc update), and the restart policy.
 */

/**
 * `docker update` of resource limits (written to the running container's
 * cgroup with runc update). Checks as dockerd's ContainerUpdate does;
 * throws DaemonError.
 */
export function containerUpdate(d: Services, ref: string, req: { resources?: Partial<Resources>; restartPolicy?: RestartPolicyRequest }): void {
  d.events.op(() => {
    const requested = req.resources ?? {};
    adaptResources(requested, d.kernel.cpus, true);
    // verifyContainerSettings runs before the container is looked up; an empty name leaves the policy as it is.
    const policy = req.restartPolicy && req.restartPolicy.name !== '' ? validateRestartPolicy(req.restartPolicy) : undefined;
    const c = d.containers.get(ref);
    const cannot = (text: string): never => {
      throw new DaemonError(`Cannot update container ${c.id}: ${text}`, 'conflict');
    };
    const policyEvent = policy && ({ type: 'container.update', restartPolicy: policy } as const);
    if (policyEvent && !c.actor.getSnapshot().can(policyEvent)) cannot(refusalText(c.state, 'container.update', c.id, ref)!);
    if (policy && policy.name !== 'no' && c.autoRemove) cannot('Restart policy cannot be updated because AutoRemove is enabled for the container');
    const old = c.resources;
    const memory = requested.memory ?? 0;
    // A new memory limit above the swap already set (or with none set: the kernel's memsw is then the cap) needs the swap updated too.
    if (memory > 0 && (requested.memorySwap ?? 0) === 0 && old.memorySwap !== -1 && (old.memorySwap === 0 || memory > old.memorySwap)) {
      cannot('Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time');
    }
    const next: Resources = { ...old };
    for (const [k, v] of Object.entries(requested) as [keyof Resources, never][]) if (v !== 0 && v !== '' && v !== undefined) next[k] = v;
    if (requested.pidsLimit !== undefined && requested.pidsLimit <= 0) next.pidsLimit = 0;
    c.resources = next;
    if (c.run) d.kernel.update(c.id, next);
    if (policyEvent) {
      // dockerd's UpdateMonitor: the restart manager decides the next exit with the new policy.
      send(c, policyEvent);
      c.restartPolicy = policy;
    }
    d.events.emit(c, 'update');
  });
}
