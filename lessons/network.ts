import { containerNamed, type Lesson } from './lesson';

/** Lesson 3: docker0, veth pairs, published ports and user-defined networks. */
export const networkLesson: Lesson = {
  id: 'network',
  title: { en: 'Container networking', 'zh-CN': '容器网络' },
  summary: {
    en: 'Follow a container onto the docker0 bridge through its veth pair, publish a port with NAT, and give containers a network where they find each other by name.',
    'zh-CN': '跟随容器通过 veth pair 接入 docker0 网桥，用 NAT 发布端口，再建一个让容器能按名字互相找到的网络。',
  },
  steps: [
    {
      id: 'publish',
      title: { en: 'Publish a port', 'zh-CN': '发布一个端口' },
      body: {
        en: 'The container gets its own network namespace with an `eth0`, one end of a veth pair whose other end is plugged into the docker0 bridge. `-p 8088:80` adds a DNAT rule: traffic to the host\'s port 8088 is rewritten to the container\'s address, port 80. Try `curl localhost:8088` and `iptables -t nat -L -n`.',
        'zh-CN': '容器拥有自己的网络命名空间和一块 `eth0`，它是一对 veth 的一端，另一端插在 docker0 网桥上。`-p 8088:80` 会添加一条 DNAT 规则：发往宿主机 8088 端口的流量被改写为发往容器地址的 80 端口。试试 `curl localhost:8088` 和 `iptables -t nat -L -n`。',
      },
      command: 'docker run -d --name web -p 8088:80 busybox httpd -f -p 80',
      done: (s) => {
        const c = containerNamed(s, 'web');
        return c?.state === 'running' && (c.ports ?? []).some((p) => p.hostPort === 8088 && p.containerPort === 80);
      },
    },
    {
      id: 'create',
      title: { en: 'Create a network', 'zh-CN': '创建一个网络' },
      body: {
        en: 'A user-defined bridge network is a new Linux bridge (`br-…`) with its own subnet. Unlike the default bridge, Docker runs a DNS server (127.0.0.11) for it, so containers on it resolve each other\'s names.',
        'zh-CN': '用户自定义的 bridge 网络就是一个新的 Linux 网桥（`br-…`），有自己的子网。与默认网桥不同，Docker 为它提供 DNS 服务（127.0.0.11），连在上面的容器可以按名字互相解析。',
      },
      command: 'docker network create mynet',
      done: (s) => (s.networks ?? []).some((n) => n.name === 'mynet'),
    },
    {
      id: 'join',
      title: { en: 'Start a container on it', 'zh-CN': '在这个网络上启动容器' },
      body: {
        en: 'This container\'s veth pair goes to the new bridge, not docker0. From it, `ping web` fails for now: `web` is only on the default bridge.',
        'zh-CN': '这个容器的 veth pair 接到新网桥上，而不是 docker0。此时在它里面 `ping web` 会失败：`web` 只连在默认网桥上。',
      },
      command: 'docker run -d --name client --network mynet busybox sleep 3600',
      done: (s) => (containerNamed(s, 'client')?.networks ?? []).some((n) => n.network === 'mynet'),
    },
    {
      id: 'connect',
      title: { en: 'Connect web to the network', 'zh-CN': '把 web 接入这个网络' },
      body: {
        en: '`docker network connect` adds a second veth pair: `web` now has `eth1` on mynet. Now `docker exec client ping -c 1 web` and `docker exec client wget -qO- http://web` work by name.',
        'zh-CN': '`docker network connect` 会再加一对 veth：`web` 在 mynet 上有了 `eth1`。现在 `docker exec client ping -c 1 web` 和 `docker exec client wget -qO- http://web` 都能按名字访问。',
      },
      command: 'docker network connect mynet web',
      done: (s) => (containerNamed(s, 'web')?.networks ?? []).some((n) => n.network === 'mynet'),
    },
    {
      id: 'clean',
      title: { en: 'Clean up', 'zh-CN': '清理' },
      body: {
        en: 'Removing the containers deletes their veth pairs and NAT rules; then the network can go too.',
        'zh-CN': '删除容器会一并删除它们的 veth pair 和 NAT 规则，之后网络也可以删除了。',
      },
      command: 'docker rm -f web client && docker network rm mynet',
      done: (s) => !containerNamed(s, 'web') && !containerNamed(s, 'client') && !(s.networks ?? []).some((n) => n.name === 'mynet'),
    },
  ],
};
