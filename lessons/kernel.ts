import { containerNamed, type Lesson } from './lesson';

/** Lesson 4: a container is a process in namespaces, limited by cgroups. */
export const kernelLesson: Lesson = {
  id: 'kernel',
  title: { en: 'Namespaces and cgroups', 'zh-CN': '命名空间与 cgroups' },
  summary: {
    en: 'See a container as an ordinary process that the kernel isolates with namespaces and limits with cgroups, down to an out-of-memory kill.',
    'zh-CN': '把容器看作一个普通进程：内核用命名空间隔离它，用 cgroups 限制它，直到内存超限被 OOM 杀死。',
  },
  steps: [
    {
      id: 'run',
      title: { en: 'Run a limited container', 'zh-CN': '运行一个受限的容器' },
      body: {
        en: 'runc creates the process with new mnt, uts, ipc, pid and net namespaces and puts it in a cgroup under `/sys/fs/cgroup/<controller>/docker/<id>`. `--memory 64m` becomes `memory.limit_in_bytes`. The Trace tab lists every step; `docker top lim` shows its host PID.',
        'zh-CN': 'runc 为进程创建新的 mnt、uts、ipc、pid 和 net 命名空间，并把它放进 `/sys/fs/cgroup/<控制器>/docker/<id>` 下的 cgroup。`--memory 64m` 会写进 `memory.limit_in_bytes`。“跟踪”标签页列出了每一步；`docker top lim` 显示它在宿主机上的 PID。',
      },
      command: 'docker run -d --name lim --memory 64m busybox sleep 3600',
      done: (s) => {
        const c = containerNamed(s, 'lim');
        return c?.state === 'running' && c.resources?.memory === 64 * 1024 * 1024;
      },
    },
    {
      id: 'update',
      title: { en: 'Change a limit live', 'zh-CN': '在线修改限制' },
      body: {
        en: '`docker update` only rewrites cgroup files: `--cpus 0.5` sets `cpu.cfs_quota_us` to 50000 for a period of 100000. The process never notices.',
        'zh-CN': '`docker update` 只是改写 cgroup 文件：`--cpus 0.5` 把 `cpu.cfs_quota_us` 设为 50000（周期为 100000）。进程本身毫无察觉。',
      },
      command: 'docker update --cpus 0.5 lim',
      done: (s) => containerNamed(s, 'lim')?.resources?.nanoCpus === 500_000_000,
    },
    {
      id: 'pause',
      title: { en: 'Freeze the cgroup', 'zh-CN': '冻结 cgroup' },
      body: {
        en: '`docker pause` writes FROZEN to the cgroup\'s `freezer.state`: every process in it stops getting CPU time.',
        'zh-CN': '`docker pause` 向 cgroup 的 `freezer.state` 写入 FROZEN：其中所有进程都不再获得 CPU 时间。',
      },
      command: 'docker pause lim',
      done: (s) => {
        const c = containerNamed(s, 'lim');
        return c?.state === 'paused' && (s.cgroups ?? []).some((g) => g.containerId === c.id && g.frozen);
      },
    },
    {
      id: 'oom',
      title: { en: 'Go past the memory limit', 'zh-CN': '超出内存限制' },
      body: {
        en: '`tail /dev/zero` keeps reading a line that never ends and holds it all in memory. At 8 MiB the kernel\'s OOM killer ends it: the container exits with 137 and `docker inspect` shows `OOMKilled: true`.',
        'zh-CN': '`tail /dev/zero` 不停地读取一行永远读不完的数据，并把它全部留在内存里。到 8 MiB 时内核的 OOM killer 会杀死它：容器以 137 退出，`docker inspect` 显示 `OOMKilled: true`。',
      },
      command: 'docker run --name hog --memory 8m busybox tail /dev/zero; docker wait hog',
      done: (s) => {
        const c = containerNamed(s, 'hog');
        return c?.state === 'exited' && c.oomKilled && c.exitCode === 137;
      },
    },
    {
      id: 'clean',
      title: { en: 'Clean up', 'zh-CN': '清理' },
      body: {
        en: 'Removing a container deletes its cgroup directories and its namespaces go away with its last process.',
        'zh-CN': '删除容器会删除它的 cgroup 目录；它的命名空间随最后一个进程一起消失。',
      },
      command: 'docker rm -f lim hog',
      done: (s) => !containerNamed(s, 'lim') && !containerNamed(s, 'hog'),
    },
  ],
};
