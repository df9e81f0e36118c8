import type { TraceOp } from '../../../core/model';

/**
 * The ordered key operations of a container's start, for comparing the sim's
 * trace with the real kernel's: namespaces made (unshare/clone with CLONE_NEW*
 * flags), the overlay mount, pivot_root, sethostname, the cgroup set-up, the
 * veth made, the DNAT rule and the entrypoint's execve. Ids, paths and numbers
 * are normalised away; the cgroup set-up counts once, at its first mkdir (runc's
 * controller order is not the point), and a key op repeated in a row counts once.
 */
export function keyOps(ops: readonly TraceOp[]): string[] {
  const out: string[] = [];
  const push = (k: string): void => {
    if (out[out.length - 1] !== k) out.push(k);
  };
  for (const o of ops) {
    const flags = String(o.args.flags ?? '');
    if ((o.op === 'unshare' || o.op === 'clone') && flags.includes('CLONE_NEW')) {
      const ns = flags
        .split('|')
        .filter((f) => f.startsWith('CLONE_NEW'))
        .sort()
        .join('|');
      push(`namespaces ${ns}`);
    } else if (o.op === 'mount' && o.args.fstype === 'overlay') push('mount overlay');
    else if (o.op === 'pivot_root') push('pivot_root');
    else if (o.op === 'sethostname') push('sethostname');
    else if (o.op === 'cgroup.mkdir' && !out.includes('cgroup')) push('cgroup');
    else if (o.op === 'link.add' && o.args.type === 'veth') push('link.add veth');
    else if (o.op === 'iptables' && /-j DNAT/.test(String(o.args.rule)) && /^-[AI] /.test(String(o.args.rule))) push('iptables DNAT');
    else if (o.op === 'execve' && (o.actor === 'runc' || o.actor === 'container') && !/(^|\/)(runc|exe|containerd-shim[\w-]*)$/.test(String(o.args.path))) push('execve');
  }
  return out;
}

/**
 * What Docker 20.10 (runc 1.1) does to start `docker run -d -p P:80 busybox
 * httpd`, as bpftrace sees it (test/agent/fixtures/trace/run-publish.*):
 * dockerd mounts the overlay, makes the veth pair and the DNAT rule; runc makes
 * the cgroups, unshares five namespaces, pivots into the rootfs, sets the
 * hostname and execs the entrypoint. The sim must emit the same order.
 */
export const RUN_PUBLISHED_KEY_OPS: readonly string[] = [
  'mount overlay',
  'link.add veth',
  'iptables DNAT',
  'cgroup',
  'namespaces CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWNS|CLONE_NEWPID|CLONE_NEWUTS',
  'pivot_root',
  'sethostname',
  'execve',
];
