import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

/**
 * The views from inside a container and from the host agree: lines typed into
 * the simulated host's terminal, checked against what the kernel model (the
 * snapshot the diagrams draw) says, and against the shapes the reference host
 * printed for the same lines.
 */

function newHost(seed = 'views-test'): SimHost {
  return new SimHost({ seed, yieldToEventLoop: () => yieldImmediate() });
}

async function out(host: SimHost, line: string): Promise<string> {
  const r = await run(host, line);
  if (r.exit !== 0) throw new Error(`${line}: exit ${r.exit}: ${r.err}`);
  return r.out;
}

/** A running container's id and host pid. */
async function started(host: SimHost, args: string): Promise<{ id: string; pid: number }> {
  const id = (await out(host, `docker run -d ${args}`)).trim();
  const pid = host.snapshot().containers.find((c) => c.id === id)!.pid!;
  return { id, pid };
}

describe('inside a container', () => {
  it('/proc/1 is the container’s PID 1: its cgroup, command line, status and namespaces', async () => {
    const host = newHost();
    const { id, pid } = await started(host, '--name web -m 64m --cpus 0.5 busybox sleep 300');
    const ns = host.snapshot().processes!.find((p) => p.pid === pid)!.namespaces;
    const cgroup = await out(host, 'docker exec web cat /proc/1/cgroup');
    expect(cgroup.split('\n')[0]).toBe(`9:name=systemd:/docker/${id}`);
    expect(cgroup).toContain(`\n1:cpu:/docker/${id}\n0::/docker/${id}\n`);
    expect(await out(host, 'docker exec web cat /proc/1/cmdline')).toBe('sleep\x00300\x00');
    const status = await out(host, 'docker exec web cat /proc/1/status');
    expect(status).toMatch(/^Name:\tsleep\nUmask:\t0022\nState:\tS \(sleeping\)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\n/);
    const links = await out(host, 'docker exec web ls -l /proc/1/ns');
    expect(links).toMatch(new RegExp(`net -> net:\\[${ns.net}\\]\\n`));
    expect(links).toMatch(new RegExp(`pid_for_children -> pid:\\[${ns.pid}\\]\\n`));
    expect(await out(host, 'docker exec web readlink /proc/1/ns/uts')).toBe(`uts:[${ns.uts}]\n`);
    expect(await out(host, 'docker exec web cat /proc/1/mounts')).toMatch(/^overlay \/ overlay rw,relatime,lowerdir=/);
  });

  it('/proc/self is the process that reads: cat as PID 1, an exec under its own pid', async () => {
    const host = newHost();
    expect(await out(host, 'docker run --rm busybox cat /proc/self/status')).toMatch(/^Name:\tcat\nUmask:\t0022\nState:\tR \(running\)\nTgid:\t1\nNgid:\t0\nPid:\t1\nPPid:\t0\n/);
    await started(host, '--name web busybox sleep 300');
    const status = await out(host, 'docker exec web cat /proc/self/status');
    const execPid = /\nPid:\t(\d+)\n/.exec(status)![1];
    expect(Number(execPid)).toBeGreaterThan(1);
    expect(status).toContain('Name:\tcat\n');
    expect(await out(host, 'docker exec web readlink /proc/self')).not.toBe('1\n');
  });

  it('/proc lists the container’s pid namespace only; --pid=host lists the host’s', async () => {
    const host = newHost();
    await started(host, '--name web busybox sleep 300');
    const own = (await out(host, 'docker exec web ls /proc')).split('\n').filter((n) => /^\d+$/.test(n));
    expect(own[0]).toBe('1');
    expect(own.length).toBe(2); // sleep and the ls itself
    const hostPids = host.snapshot().processes!.map((p) => String(p.pid));
    const shared = (await out(host, 'docker run --rm --pid=host busybox ls /proc')).split('\n').filter((n) => /^\d+$/.test(n));
    expect(shared).toContain('1');
    expect(shared.length).toBeGreaterThan(10);
    for (const p of shared.slice(0, 5)) expect(hostPids).toContain(p);
  });

  it('/proc/mounts, meminfo and cpuinfo have the kernel’s shapes', async () => {
    const host = newHost();
    const mounts = await out(host, 'docker run --rm busybox cat /proc/mounts');
    expect(mounts.split('\n').map((l) => l.split(' ').slice(0, 3).join(' ')).slice(0, 7)).toEqual([
      'overlay / overlay', 'proc /proc proc', 'tmpfs /dev tmpfs', 'devpts /dev/pts devpts', 'sysfs /sys sysfs', 'tmpfs /sys/fs/cgroup tmpfs', 'cgroup /sys/fs/cgroup/cpu cgroup',
    ]);
    const both = await out(host, "docker run --rm busybox sh -c 'cat /etc/mtab; cat /proc/mounts'");
    expect(both.slice(0, both.length / 2)).toBe(both.slice(both.length / 2));
    expect(both.split('\n').length).toBe(mounts.split('\n').length * 2 - 1);
    expect((await out(host, 'docker run --rm busybox cat /proc/meminfo')).split('\n')[0]).toBe('MemTotal:       24683656 kB');
    expect((await out(host, 'docker run --rm busybox cat /proc/cpuinfo')).match(/^processor\t: \d$/gm)).toEqual(['processor\t: 0', 'processor\t: 1']);
  });

  it('/sys/fs/cgroup shows the container’s own cgroup: -m, --cpus and --cpu-shares as runc wrote them', async () => {
    const host = newHost();
    expect(await out(host, 'docker run --rm -m 64m busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes')).toBe('67108864\n');
    expect(await out(host, 'docker run --rm busybox cat /sys/fs/cgroup/memory/memory.limit_in_bytes')).toBe('9223372036854771712\n');
    expect(await out(host, 'docker run --rm --cpus 0.5 busybox cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us')).toBe('50000\n');
    expect(await out(host, 'docker run --rm busybox cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us')).toBe('-1\n');
    expect(await out(host, 'docker run --rm --cpu-shares 512 busybox cat /sys/fs/cgroup/cpu/cpu.shares')).toBe('512\n');
    expect(await out(host, 'docker run --rm busybox cat /sys/fs/cgroup/cpu/tasks')).toBe('1\n');
    const ro = await run(host, "docker run --rm busybox sh -c 'echo 5 > /sys/fs/cgroup/cpu/cpu.shares'");
    expect(ro.err).toBe("sh: can't create /sys/fs/cgroup/cpu/cpu.shares: Read-only file system\n");
  });

  it('/etc/hostname, /etc/hosts and /etc/resolv.conf are the container’s; --net=host takes the host’s name and interfaces', async () => {
    const host = newHost();
    const { id } = await started(host, '--name web busybox sleep 300');
    expect(await out(host, 'docker exec web cat /etc/hostname')).toBe(`${id.slice(0, 12)}\n`);
    expect(await out(host, 'docker exec web cat /etc/hosts')).toMatch(new RegExp(`\\n172\\.17\\.0\\.2\\t${id.slice(0, 12)}\\n$`));
    expect(await out(host, 'docker exec web cat /etc/resolv.conf')).toBe('nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
    expect(await out(host, 'docker run --rm --net=host busybox hostname')).toBe('glassbox\n');
    expect(await out(host, 'docker run --rm --net=host busybox cat /etc/hostname')).toBe('glassbox\n');
    const links = await out(host, 'docker run --rm --net=host busybox ip link');
    expect(links).toContain(': docker0: ');
    expect(links).toContain(': eth0: ');
  });
});

describe('on the host', () => {
  it('/proc/self and /proc/$$ are the login shell, the Kernel view’s bash', async () => {
    const host = newHost();
    await started(host, 'busybox sleep 300');
    const bash = host.snapshot().processes!.find((p) => p.command[0] === '-bash')!;
    expect(await out(host, 'echo $$')).toBe(`${bash.pid}\n`);
    expect(await out(host, 'readlink /proc/self')).toBe(`${bash.pid}\n`);
    expect(await out(host, 'cat /proc/$$/cmdline')).toBe('-bash\x00');
    expect(await out(host, 'grep PPid /proc/self/status')).toBe(`PPid:\t${bash.ppid}\n`);
  });

  it('readlink /proc/PID/ns/net is the container’s namespace, as the Kernel view shows it', async () => {
    const host = newHost();
    const { id, pid } = await started(host, '--name web busybox sleep 300');
    const net = host.snapshot().namespaces!.find((n) => n.type === 'net' && n.owner === id)!;
    expect(await out(host, `readlink /proc/${pid}/ns/net`)).toBe(`net:[${net.inode}]\n`);
    expect(await out(host, "readlink /proc/$(docker inspect -f '{{.State.Pid}}' web)/ns/net")).toBe(`net:[${net.inode}]\n`);
    expect(await out(host, 'readlink /proc/self/ns/net')).toBe('net:[4026531833]\n');
  });

  it('nsenter -t PID -n runs the host’s ip in the container’s namespace; -m -u -p give its files, name and pids', async () => {
    const host = newHost();
    const { id, pid } = await started(host, '--name web busybox sleep 300');
    const ns = host.snapshot().processes!.find((p) => p.pid === pid)!.namespaces;
    const addr = await out(host, `nsenter -t ${pid} -n ip addr`);
    expect(addr).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n/);
    expect(addr).toMatch(/\n\d+: eth0@if\d+: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \n    link\/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff link-netnsid 0\n    inet 172\.17\.0\.2\/16 brd 172\.17\.255\.255 scope global eth0\n/);
    expect(addr).not.toContain('docker0');
    expect(await out(host, `nsenter -t ${pid} -n readlink /proc/self/ns/net`)).toBe(`net:[${ns.net}]\n`);
    expect(await out(host, `nsenter -t ${pid} -n hostname`)).toBe('glassbox\n');
    expect(await out(host, `nsenter -t ${pid} -u hostname`)).toBe(`${id.slice(0, 12)}\n`);
    expect(await out(host, `nsenter -t ${pid} -m cat /etc/hostname`)).toBe(`${id.slice(0, 12)}\n`);
    expect(await out(host, `nsenter -t ${pid} -m -u -i -n -p readlink /proc/self`)).toMatch(/^\d+\n$/);
    expect(await out(host, `nsenter -t ${pid} -m -p ls /proc`)).toMatch(/^1\n\d+\ncgroups\n/);
    expect(await out(host, `nsenter -t ${pid} -m pwd`)).toBe('/\n');
    // In its mount namespace only the container's programs are found, and nothing is written into its files.
    const noDocker = await run(host, `nsenter -t ${pid} -m docker ps`);
    expect([noDocker.err, noDocker.exit]).toEqual(['nsenter: failed to execute docker: No such file or directory\n', 127]);
    expect(await out(host, 'docker diff web')).toBe('');
    const bad = await run(host, `nsenter -t ${pid} -n nosuch`);
    expect([bad.err, bad.exit]).toEqual(['nsenter: failed to execute nosuch: No such file or directory\n', 127]);
    // The command ran as a process of its own, gone once it finished.
    expect(host.snapshot().processes!.some((p) => p.command[0] === 'readlink')).toBe(false);
  });

  it('uname -r is the kernel model’s release, and dockerd, docker, containerd and runc are files on $PATH', async () => {
    const host = newHost();
    expect(await out(host, 'uname -r')).toBe('6.1.0-18-amd64\n');
    expect(await out(host, 'docker info --format "{{.KernelVersion}}"')).toBe('6.1.0-18-amd64\n');
    expect(await out(host, 'which dockerd docker containerd runc')).toBe('/usr/sbin/dockerd\n/usr/local/bin/docker\n/usr/bin/containerd\n/usr/sbin/runc\n');
    expect(await out(host, 'ls -l /usr/sbin/dockerd')).toMatch(/^-rwxr-xr-x 1 root root 0 /);
    expect((await run(host, 'which nosuch')).exit).toBe(1);
  });

  it('the mount table has the cgroup hierarchies and each running container’s overlay', async () => {
    const host = newHost();
    expect(await out(host, 'grep -c "^cgroup " /proc/mounts')).toBe('9\n');
    expect(await out(host, 'grep "cgroup/cpu " /proc/mounts')).toBe('cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n');
    expect((await run(host, 'grep -c overlay /proc/mounts')).out).toBe('0\n');
    const { id } = await started(host, '--name web busybox sleep 300');
    const merged = host.snapshot().containers.find((c) => c.id === id)!.rootfs!.merged;
    expect(await out(host, 'grep overlay /proc/mounts')).toMatch(new RegExp(`^overlay ${merged} overlay rw,relatime,lowerdir=`));
  });

  it('the course’s cgroup demo: mkdir fills the cgroup, a quota is kept, tasks moves the shell, rmdir waits for it to leave', async () => {
    const host = newHost();
    const shell = (await out(host, 'echo $$')).trim();
    expect(await out(host, 'ls /sys/fs/cgroup')).toBe('blkio\ncpu\ncpuacct\ncpuset\ndevices\nfreezer\nmemory\npids\nsystemd\nunified\n');
    expect(await out(host, 'mkdir /sys/fs/cgroup/cpu/demo')).toBe('');
    expect(await out(host, 'ls /sys/fs/cgroup/cpu/demo')).toBe(
      'cgroup.clone_children\ncgroup.procs\ncpu.cfs_burst_us\ncpu.cfs_period_us\ncpu.cfs_quota_us\ncpu.idle\ncpu.rt_period_us\ncpu.rt_runtime_us\ncpu.shares\ncpu.stat\ncpu.stat.local\nnotify_on_release\ntasks\n',
    );
    expect(await out(host, 'cat /sys/fs/cgroup/cpu/demo/cpu.cfs_quota_us /sys/fs/cgroup/cpu/demo/cpu.cfs_period_us')).toBe('-1\n100000\n');
    expect(await out(host, 'echo 20000 > /sys/fs/cgroup/cpu/demo/cpu.cfs_quota_us')).toBe('');
    expect(await out(host, 'cat /sys/fs/cgroup/cpu/demo/cpu.cfs_quota_us')).toBe('20000\n');
    const bad = await run(host, 'echo 500 > /sys/fs/cgroup/cpu/demo/cpu.cfs_quota_us');
    expect([bad.err, bad.exit]).toEqual(['bash: echo: write error: Invalid argument\n', 1]);
    expect(await out(host, 'echo $$ > /sys/fs/cgroup/cpu/demo/tasks')).toBe('');
    expect(await out(host, 'cat /sys/fs/cgroup/cpu/demo/tasks')).toBe(`${shell}\n`);
    expect(await out(host, 'cat /proc/$$/cgroup')).toBe('9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n5:devices:/\n4:memory:/\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/demo\n0::/\n');
    const busy = await run(host, 'rmdir /sys/fs/cgroup/cpu/demo');
    expect([busy.err, busy.exit]).toEqual(["rmdir: failed to remove '/sys/fs/cgroup/cpu/demo': Device or resource busy\n", 1]);
    expect(await out(host, 'echo $$ > /sys/fs/cgroup/cpu/tasks')).toBe('');
    expect(await out(host, 'rmdir /sys/fs/cgroup/cpu/demo')).toBe('');
    expect((await run(host, 'ls /sys/fs/cgroup/cpu/demo')).exit).toBe(2);
    const gone = await run(host, 'echo x > /sys/fs/cgroup/cpu/newfile');
    expect(gone.err).toBe('bash: /sys/fs/cgroup/cpu/newfile: Permission denied\n');
  });

  it('a memory limit written into a running container’s cgroup is the one its processes then meet', async () => {
    const host = newHost();
    const { id } = await started(host, '--name web -m 64m busybox sleep 300');
    expect(await out(host, `echo 100m > /sys/fs/cgroup/memory/docker/${id}/memory.limit_in_bytes`)).toBe('');
    expect(await out(host, 'docker exec web cat /sys/fs/cgroup/memory/memory.limit_in_bytes')).toBe('104857600\n');
    expect(host.snapshot().cgroups!.find((c) => c.containerId === id)!.memoryLimit).toBe(104857600);
  });
});
