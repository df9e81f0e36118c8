import type { Snapshot } from '../core/model';
import { containerNamed, type Lesson } from './lesson';

/** The container's writable (upper) layer, from the snapshot. */
function upperLayer(s: Snapshot, name: string) {
  const c = containerNamed(s, name);
  if (!c) return undefined;
  return s.layers?.find((l) => l.kind === 'container' && l.containerId === c.id);
}

function imageTagged(s: Snapshot, tag: string) {
  return s.images.find((i) => i.tags.includes(tag));
}

/** Lesson 2: an image is a stack of read-only layers; a container adds one writable layer on top. */
export const layersLesson: Lesson = {
  id: 'layers',
  title: { en: 'Layers and copy-on-write', 'zh-CN': '镜像分层与写时复制' },
  summary: {
    en: 'Watch a container write into its own thin layer while the image below stays read-only, then turn that layer into a new image.',
    'zh-CN': '观察容器如何把改动写进自己那一层薄薄的可写层，而下面的镜像层始终只读；最后把这一层提交成新镜像。',
  },
  steps: [
    {
      id: 'run',
      title: { en: 'Start a container', 'zh-CN': '启动一个容器' },
      body: {
        en: 'Docker mounts an overlay filesystem for the container: the image layers as read-only `lowerdir`s, a small init layer (hosts, hostname, resolv.conf), and an empty writable `upperdir`. Open the Layers tab to see the stack.',
        'zh-CN': 'Docker 为容器挂载一个 overlay 文件系统：镜像层作为只读的 `lowerdir`，一个小小的 init 层（hosts、hostname、resolv.conf），以及一个空的可写 `upperdir`。打开“镜像层”标签页查看这个层叠结构。',
      },
      command: 'docker run -d --name box busybox sleep 3600',
      done: (s) => containerNamed(s, 'box')?.state === 'running' && upperLayer(s, 'box') !== undefined,
    },
    {
      id: 'write',
      title: { en: 'Write a file', 'zh-CN': '写入一个文件' },
      body: {
        en: 'A new file goes straight into the upper layer. Its parent directory is copied up first, so the upper layer now holds `/tmp` and `/tmp/note`. The image is untouched.',
        'zh-CN': '新文件直接写进可写层。它的父目录会先被复制上来（copy-up），所以可写层里现在有 `/tmp` 和 `/tmp/note`。镜像本身没有任何变化。',
      },
      command: "docker exec box sh -c 'echo hello > /tmp/note'",
      done: (s) => (upperLayer(s, 'box')?.entries ?? 0) >= 2,
    },
    {
      id: 'delete',
      title: { en: 'Delete a file from the image', 'zh-CN': '删除镜像里的一个文件' },
      body: {
        en: 'The image layer is read-only, so the file cannot really go away. Overlay records a whiteout instead: a 0/0 character device named `vi` in the upper layer that hides the file below. `docker diff box` lists the changes as A (added), C (changed) and D (deleted).',
        'zh-CN': '镜像层是只读的，文件并不能真正被删掉。overlay 会在可写层里记录一个 whiteout：一个名为 `vi` 的 0/0 字符设备，把下层的文件遮住。`docker diff box` 会用 A（新增）、C（修改）、D（删除）列出这些改动。',
      },
      command: 'docker exec box rm /bin/vi',
      done: (s) => (upperLayer(s, 'box')?.entries ?? 0) >= 4,
    },
    {
      id: 'commit',
      title: { en: 'Commit the layer as an image', 'zh-CN': '把这一层提交为镜像' },
      body: {
        en: '`docker commit` takes the upper layer (not the init layer) and puts it on top of the image\'s layers: the new image shares every busybox layer and adds one. `docker history mybox:v1` shows it.',
        'zh-CN': '`docker commit` 取出可写层（不包括 init 层），把它叠在原镜像的各层之上：新镜像与 busybox 共享所有层，只多出一层。用 `docker history mybox:v1` 可以看到。',
      },
      command: 'docker commit box mybox:v1',
      done: (s) => {
        const base = imageTagged(s, 'busybox:latest');
        const mine = imageTagged(s, 'mybox:v1');
        return !!base && !!mine && mine.layers.length === base.layers.length + 1 && base.layers.every((l, i) => mine.layers[i] === l);
      },
    },
    {
      id: 'clean',
      title: { en: 'Remove the container', 'zh-CN': '删除容器' },
      body: {
        en: 'Removing the container deletes its upper and init layers. The committed image keeps its own copy of the changes.',
        'zh-CN': '删除容器会一并删除它的可写层和 init 层，而提交出来的镜像保留了这些改动的副本。',
      },
      command: 'docker rm -f box',
      done: (s) => containerNamed(s, 'box') === undefined && imageTagged(s, 'mybox:v1') !== undefined,
    },
  ],
};
