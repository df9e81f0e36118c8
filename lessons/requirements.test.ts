import { describe, expect, it } from 'vitest';
import { runImage, stepNeeds } from './requirements';

describe('runImage', () => {
  it.each<[string, string | null]>([
    ['docker run -d --name web nginx', 'nginx'],
    ['docker run --rm -it busybox sh', 'busybox'],
    ['docker run -dit --name x busybox', 'busybox'],
    ['docker run -d -p 8080:80 --memory 64m --memory-swap=64m --cpus 0.5 nginx:1.25', 'nginx:1.25'],
    ['docker container create --network mynet redis', 'redis'],
    ['docker run -v data:/d -e A=1 --restart on-failure:3 busybox false', 'busybox'],
    ['docker run --rm -- hello-world', 'hello-world'],
    ['docker ps -a', null],
    ['docker run', null],
  ])('%s → %s', (line, image) => expect(runImage(line.split(' '))).toBe(image));
});

describe('stepNeeds', () => {
  it.each<[string, string[], { images: string[]; hub: boolean }]>([
    ['images run, with their tag', ['docker run -d --name web nginx && docker run --rm busybox wget -qO- http://x'], { images: ['nginx:latest', 'busybox:latest'], hub: false }],
    ['inside $( )', ['echo $(docker run --rm alpine:3.19 cat /etc/os-release)'], { images: ['alpine:3.19'], hub: false }],
    ['an image the lesson built is not needed from outside', ['docker run --rm hello:v1'], { images: [], hub: false }],
    ['Docker Hub for a pull', ['docker pull busybox'], { images: [], hub: true }],
    ['not for a private registry on this host', ['docker push localhost:5000/app:v1 && docker image pull 127.0.0.1:5000/app'], { images: [], hub: false }],
    ['nor for one on the private network (the docker0 bridge)', ['docker push 172.17.0.1:5000/app && docker pull 192.168.1.5:5000/app'], { images: [], hub: false }],
    ['a public address is another remote registry', ['docker push 172.32.0.1:5000/app'], { images: [], hub: true }],
    ['a search needs the Hub', ['docker search nginx'], { images: [], hub: true }],
  ])('%s', (_what, commands, want) => expect(stepNeeds({ commands }, ['hello'])).toEqual(want));
});
