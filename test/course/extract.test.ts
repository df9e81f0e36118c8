import { describe, expect, it } from 'vitest';
import { extractCommands, installReason, need, pick, proseCommands, substitute, type ReplayState } from './extract';
import { judge, plain } from './replay';

const fence = '```';

describe('extractCommands', () => {
  const notes = [
    '# Docker',
    '## 命令',
    '### 镜像',
    '列出本地所有镜像：docker images',
    `${fence}shell`,
    '[root@localhost ~]# docker pull centos',
    '#该命令相当于docker pull …',
    'REPOSITORY          TAG                 IMAGE ID',
    'docker run -d --name x busybox \\',
    '    sleep 300',
    `${fence}`,
    '#### 容器',
    '进入一个容器，执行ps：',
    `${fence}shell`,
    '/ # ps',
    'PID   USER     TIME  COMMAND',
    '    1 root      0:00 /bin/sh',
    `${fence}`,
    `${fence}shell`,
    '#在容器中执行ls',
    '$ ls /',
    '$ sudo yum install docker-ce docker-ce-cli containerd.io',
    'docker run [参数] 镜像名',
    `${fence}`,
  ].join('\n');
  const sections = extractCommands(notes);
  const commands = sections.flatMap((s) => s.commands);

  it('finds the commands in prose and code, under their heading path, and leaves output and comments', () => {
    expect(sections.map((s) => s.title)).toEqual(['命令 › 镜像', '命令 › 镜像 › 容器']);
    expect(commands.map((c) => [c.line, c.text])).toEqual([
      [4, 'docker images'],
      [6, 'docker pull centos'],
      [9, 'docker run -d --name x busybox sleep 300'],
      [15, 'ps'],
      [21, 'ls /'],
      [22, 'sudo yum install docker-ce docker-ce-cli containerd.io'],
      [23, 'docker run [参数] 镜像名'],
    ]);
  });

  it('marks what is typed in a container, installation steps and synopses', () => {
    expect(commands.filter((c) => c.inContainer).map((c) => [c.text, c.shell])).toEqual([
      ['ps', 'ash'],
      ['ls /', undefined],
    ]);
    expect(commands.filter((c) => c.kind !== 'run').map((c) => [c.text, c.kind])).toEqual([
      ['sudo yum install docker-ce docker-ce-cli containerd.io', 'install'],
      ['docker run [参数] 镜像名', 'synopsis'],
    ]);
  });

  it('reads a command pasted after a container’s own prompt as typed in that container', () => {
    const [c] = extractCommands(['## s', fence, 'root@68656158eb8e:/[root@qfedu.com ~]# ls', fence].join('\n')).flatMap((s) => s.commands);
    expect(c).toMatchObject({ text: 'ls', inContainer: true, shell: 'bash' });
  });
});

describe('proseCommands', () => {
  it.each([
    ['停止容器：docker stop id或名字', ['docker stop id或名字']],
    ['查看docker版本:docker version', ['docker version']],
    ['登录登出仓库：docker login/docker logout', ['docker login', 'docker logout']],
    ['查询指定镜像：docker image ls 镜像名 或 docker images | grep 镜像名', ['docker image ls 镜像名', 'docker images | grep 镜像名']],
    ['删除镜像，多个镜像用空格隔开：docker rmi 镜像名或id：', ['docker rmi 镜像名或id']],
    ['通过`docker info`命令可以查看', ['docker info']],
    ['使用 `-v 宿主机目录:容器`目录挂载', []],
    ['docker相关的本地资源都存放在/var/lib/docker目录下', []],
  ])('%s', (line, expected) => {
    expect(proseCommands(line)).toEqual(expected);
  });
});

describe('installReason', () => {
  it.each([
    ['sudo yum install docker-ce', "the host's package manager (yum install)"],
    ['wget https://mirrors.aliyun.com/docker-ce/linux/centos/docker-ce.repo -O /etc/yum.repos.d/docker-ce.repo', 'downloads Docker’s package repository or installer'],
    ['curl -fsSL https://get.docker.com -o get-docker.sh', 'downloads Docker’s package repository or installer'],
    ['mkdir /etc/docker', undefined],
    ['curl localhost:8080', undefined],
  ])('%s', (line, expected) => {
    expect(installReason(line)).toBe(expected);
  });
});

describe('substitute', () => {
  const state: ReplayState = {
    containers: [
      { name: 'done', image: 'busybox', running: false },
      { name: 'box', image: 'busybox', running: true },
      { name: 'deb', image: 'ubuntu', running: true },
    ],
    images: [
      { ref: 'busybox:latest', id: 'sha256:a416a98b71e224a31ee99cff8e16063554498227d2b696152a9c3e0aa65e5824', users: 2 },
      { ref: 'alpine:latest', id: 'sha256:3427096f699e0000000000000000000000000000000000000000000000000000', users: 0 },
    ],
  };

  it.each([
    ['docker stop id或名字', 'docker stop box'],
    ['docker rm id', 'docker rm done'],
    ['docker rm -f id', 'docker rm -f box'],
    ['docker exec -it 容器id /bin/bash', 'docker exec -it deb /bin/bash'],
    ['docker cp 92592755c544:/docker.txt /opt', 'docker cp box:/docker.txt /opt'],
    ['docker images | grep 镜像名', 'docker images | grep busybox'],
    ['docker rmi 镜像名或id', 'docker rmi alpine'],
    ['docker history 67f7ad418fdf', 'docker history a416a98b71e2'],
    ['docker image inspect <image-name>:<tag-name>', 'docker image inspect busybox:latest'],
    ['docker run -d --name idle busybox', 'docker run -d --name idle busybox'],
  ])('%s → %s', (text, expected) => {
    expect(substitute(text, state)).toMatchObject({ line: expected, missing: [] });
  });

  it('says what is missing when nothing on the machine fits', () => {
    const empty: ReplayState = { containers: [], images: [] };
    expect(substitute('docker rm id', empty)).toEqual({ line: 'docker rm id', filled: [], missing: [{ kind: 'container', state: 'stopped' }] });
    expect(pick(empty, need('docker rmi 镜像名', 'image'))).toBeUndefined();
  });
});

describe('judge', () => {
  it.each([
    ["glassbox: 'touch' is not simulated yet\n", 2, 'not simulated'],
    ['docker: unknown command: docker volume\n\nRun \'docker --help\' for more information\n', 1, 'unknown command'],
    ['bash: systemctl: command not found\n', 127, 'command not found'],
    ['glassbox: internal error: boom\n', 1, 'glassbox'],
    ['Error response from daemon: No such container: x\n', 1, 'docker error'],
    ['cat: /etc/docker/daemon.json: No such file or directory\n', 1, 'error'],
    ['Unable to find image \'busybox:latest\' locally\nhi\n', 0, 'ok'],
  ] as const)('%j (exit %i) → %s', (output, exit, outcome) => {
    expect(judge(output, exit).outcome).toBe(outcome);
  });

  it('reads terminal output as text', () => {
    expect(plain('a\x1b[1A\x1b[2K\rb \r\x1b[1B\n')).toBe('ab \n');
  });
});
