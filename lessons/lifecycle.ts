import { containerNamed, type Lesson } from './lesson';

/** Lesson 1: a container is a process with a lifecycle that Docker drives. */
export const lifecycleLesson: Lesson = {
  id: 'lifecycle',
  title: { en: 'The life of a container', 'zh-CN': '容器的一生' },
  summary: {
    en: 'Start, pause, stop and remove a container, and see which state each command leaves it in.',
    'zh-CN': '启动、暂停、停止并删除一个容器，看清每条命令让它进入哪个状态。',
  },
  steps: [
    {
      id: 'run',
      title: { en: 'Run a container in the background', 'zh-CN': '在后台运行一个容器' },
      body: {
        en: 'A container lives as long as its first process (PID 1). `sleep 300` keeps it running for five minutes; `-d` gives you the prompt back at once. The engine starts with no images, so the first run pulls busybox from Docker Hub (`Unable to find image … locally`, then one line per layer).',
        'zh-CN': '容器的生命取决于它的第一个进程（PID 1）。`sleep 300` 让它运行五分钟；`-d` 让终端立刻回到提示符。引擎起初没有任何镜像，所以第一次运行会先从 Docker Hub 拉取 busybox（先是 `Unable to find image … locally`，然后每一层一行）。',
      },
      command: 'docker run -d --name web busybox sleep 300',
      done: (s) => containerNamed(s, 'web')?.state === 'running',
    },
    {
      id: 'pause',
      title: { en: 'Freeze it', 'zh-CN': '冻结它' },
      body: {
        en: '`docker pause` freezes every process of the container (the cgroup freezer). It still exists and keeps its memory, but gets no CPU time.',
        'zh-CN': '`docker pause` 通过 cgroup freezer 冻结容器内的所有进程。容器仍然存在、内存也还在，只是不再获得 CPU 时间。',
      },
      command: 'docker pause web',
      done: (s) => containerNamed(s, 'web')?.state === 'paused',
    },
    {
      id: 'unpause',
      title: { en: 'Thaw it', 'zh-CN': '解冻它' },
      body: {
        en: 'A frozen process cannot even notice a signal. Unpause it, and `sleep` carries on exactly where it stopped.',
        'zh-CN': '被冻结的进程连信号都察觉不到。解冻它，`sleep` 会从停下的地方继续运行。',
      },
      command: 'docker unpause web',
      done: (s) => containerNamed(s, 'web')?.state === 'running',
    },
    {
      id: 'stop',
      title: { en: 'Stop it, and wait', 'zh-CN': '停止它，并等待' },
      body: {
        en: '`docker stop` sends SIGTERM and waits 10 seconds. `sleep`, as PID 1, ignores SIGTERM, so Docker sends SIGKILL at the end: the exit code is 137 (128 + 9).',
        'zh-CN': '`docker stop` 先发送 SIGTERM 并等待 10 秒。作为 PID 1 的 `sleep` 会忽略 SIGTERM，于是 Docker 最后发送 SIGKILL：退出码是 137（128 + 9）。',
      },
      command: 'docker stop web',
      done: (s) => {
        const c = containerNamed(s, 'web');
        return c?.state === 'exited' && c.exitCode === 137;
      },
    },
    {
      id: 'rm',
      title: { en: 'Remove it', 'zh-CN': '删除它' },
      body: {
        en: 'An exited container still holds its writable layer and its logs until you remove it.',
        'zh-CN': '已退出的容器在被删除之前，仍然保留着它的可写层和日志。',
      },
      command: 'docker rm web',
      done: (s) => containerNamed(s, 'web') === undefined,
    },
  ],
};
