import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChecks, whyNot } from './checks';
import { parseLesson } from './format';
import type { Snapshot } from '../core/model';
import { hostSideLine, hostSideText, lessonHostSide, MAX_LESSON_PORT, portOffset, type HostSide } from './hostSide';
import { dockerArgv, lessonNames, repositoryOf, studentSuffix, suffixedNames, suffixLesson, suffixLine, type LessonNames } from './suffix';

const names: LessonNames = { containers: ['web', 'db', 'box'], volumes: ['data'], networks: ['mynet'], images: ['hello', 'localhost:5000/app'] };
const S = 'ab12';

describe('suffixLine', () => {
  it.each([
    ['docker run -d --name web nginx', 'docker run -d --name web-ab12 nginx'],
    ['docker run -d --name=web nginx', 'docker run -d --name=web-ab12 nginx'],
    ['docker stop web && docker rm web', 'docker stop web-ab12 && docker rm web-ab12'],
    // Word boundaries: other words, paths and other programs' arguments stay.
    ['docker run --name website nginx', 'docker run --name website nginx'],
    ['docker exec web ls /var/www/web', 'docker exec web-ab12 ls /var/www/web'],
    ['echo web > web.txt && cat web', 'echo web > web.txt && cat web'],
    ['docker run --rm busybox wget -qO- http://web', 'docker run --rm busybox wget -qO- http://web'],
    ['docker exec box sh -c \'echo box > /tmp/box\'', 'docker exec box-ab12 sh -c \'echo box > /tmp/box\''],
    // The part before ":" of volumes, copies, links, network modes and image tags.
    ['docker run -v data:/data --mount type=volume,source=data,target=/d busybox', 'docker run -v data-ab12:/data --mount type=volume,source=data-ab12,target=/d busybox'],
    ['docker cp web:/etc/passwd .', 'docker cp web-ab12:/etc/passwd .'],
    ['docker run --network container:web --link db:database busybox', 'docker run --network container:web-ab12 --link db-ab12:database busybox'],
    ['docker build -t hello:v1 . && docker run --rm hello:v1', 'docker build -t hello-ab12:v1 . && docker run --rm hello-ab12:v1'],
    ['docker push localhost:5000/app:v1', 'docker push localhost:5000/app-ab12:v1'],
    ['docker network create mynet && docker run --network=mynet busybox ping -c 1 db', 'docker network create mynet-ab12 && docker run --network=mynet-ab12 busybox ping -c 1 db-ab12'],
    // Inside command substitution, also within double quotes.
    ["ls -l /proc/$(docker inspect -f '{{.State.Pid}}' box)/ns", "ls -l /proc/$(docker inspect -f '{{.State.Pid}}' box-ab12)/ns"],
    ['echo "pid $(docker inspect -f {{.State.Pid}} box)"', 'echo "pid $(docker inspect -f {{.State.Pid}} box-ab12)"'],
    // A redirection's target is a file, not an argument.
    ['docker logs web > web 2>&1', 'docker logs web-ab12 > web 2>&1'],
    ['docker run hello-world', 'docker run hello-world'],
    ['docker run nginx:web', 'docker run nginx:web'],
    // Filters name containers, volumes, networks and images after their "=".
    ['docker events --since 1m --until 0s --filter container=web --filter event=die', 'docker events --since 1m --until 0s --filter container=web-ab12 --filter event=die'],
    ['docker ps -a -f name=web --filter=ancestor=hello:v1 -f status=exited', 'docker ps -a -f name=web-ab12 --filter=ancestor=hello-ab12:v1 -f status=exited'],
    ['docker volume ls --filter name=data', 'docker volume ls --filter name=data-ab12'],
    ['docker inspect -f {{.Name}} web', 'docker inspect -f {{.Name}} web-ab12'],
    ['docker rm -f web && docker volume rm -f data', 'docker rm -f web-ab12 && docker volume rm -f data-ab12'],
  ])('%s', (line, want) => {
    expect(suffixLine(line, names, S)).toBe(want);
  });
});

describe('lessonNames', () => {
  it.each<[string, string[], Partial<LessonNames>]>([
    ['containers from --name and the checks', ['docker run -d --name web nginx', 'docker create --name=db redis'], { containers: ['web', 'db', 'other'] }],
    ['volumes, but not bind mounts', ['docker volume create data', 'docker run -v logs:/l -v /host:/h -v ./x:/x busybox'], { volumes: ['data', 'logs'] }],
    ['networks, not the built-in ones', ['docker network create -d bridge mynet', 'docker run --network host busybox'], { networks: ['mynet'] }],
    ['image repositories', ['docker tag busybox mybusy:v1', 'docker build -t hello:v1 .', 'docker commit -m "x" box mybox:v1', 'docker image tag busybox localhost:5000/b'], { images: ['mybusy', 'hello', 'mybox', 'localhost:5000/b'] }],
    ['an imported file system\'s name, not the file', ['docker import web.tar web-flat:v1', 'docker image import box.tar', 'docker image import box.tar flat'], { images: ['web-flat', 'flat'] }],
  ])('%s', (_what, lines, want) => {
    const lesson = { setup: [], steps: [{ commands: lines, check: parseChecks('container other is running\nnetwork bridge exists') }] } as unknown as Parameters<typeof lessonNames>[0];
    const got = lessonNames(lesson);
    for (const [k, v] of Object.entries(want)) expect(got[k as keyof LessonNames], k).toEqual(v);
  });

  it('reads names inside $( )', () => {
    const lesson = { setup: ['x=$(docker run -d --name bg busybox sleep 9)'], steps: [] } as unknown as Parameters<typeof lessonNames>[0];
    expect(lessonNames(lesson).containers).toEqual(['bg']);
  });
});

describe('studentSuffix', () => {
  it('is four letters or digits, the same for one student and different for another', () => {
    expect(studentSuffix('alice')).toMatch(/^[a-z0-9]{4}$/);
    expect(studentSuffix('alice')).toBe(studentSuffix('alice'));
    expect(new Set(['alice', 'bob', 'carol', 'dave', 'erin'].map(studentSuffix)).size).toBe(5);
  });
});

describe('repositoryOf', () => {
  it.each([
    ['hello:v1', 'hello'],
    ['hello', 'hello'],
    ['localhost:5000/app:v1', 'localhost:5000/app'],
    ['localhost:5000/app', 'localhost:5000/app'],
    ['busybox@sha256:abc', 'busybox'],
  ])('%s → %s', (ref, repo) => expect(repositoryOf(ref)).toBe(repo));
});

const lessonSource = `---
id: t
title:
  en: T
  zh-CN: 测试
summary:
  en: S
  zh-CN: 测试
creates: [web, hello:v1, Dockerfile]
---

## Run it {#run}

:::zh-CN 运行
用 \`docker run -d --name web nginx\` 启动 \`web\`。
> hint: docker run -d --name web nginx
:::

Start \`web\` with \`docker run -d --name web nginx\`; a web server serves \`/var/www\`; \`--network container:web\` joins it.

> hint: docker run -d --name web nginx

\`\`\`cmd
docker run -d --name web nginx
\`\`\`

\`\`\`view
tab: lifecycle
container: web
point: state running
\`\`\`

\`\`\`check
container web is running
a line matching /docker (container )?run .*--name web( |$)/ was run
\`\`\`

## Build {#build}

:::zh-CN 构建
构建 \`hello:v1\`。
> predict: 几层？
> a) 1
> b) 2
> hint: \`docker build -t hello:v1 .\`
:::

Build \`hello:v1\`.

> predict: How many layers?
> a) 1
> b) 2

> hint: \`docker build -t hello:v1 .\`

\`\`\`cmd
docker build -t hello:v1 .
\`\`\`

\`\`\`view
tab: layers
point: image hello:v1
\`\`\`

\`\`\`predict
answer: a
confirm: image hello:v1 is built on busybox with 1 more layer
\`\`\`

\`\`\`check
image hello:v1 is built on busybox with 1 more layer
the output of the last line contains "hello"
\`\`\`
`;

describe('suffixLesson', () => {
  const lesson = parseLesson(lessonSource);
  const mine = suffixLesson(lesson, S);

  it('rewrites the commands, the code in the text and hints, and creates, consistently', () => {
    expect(mine.steps[0]!.commands).toEqual(['docker run -d --name web-ab12 nginx']);
    expect(mine.steps[0]!.body.en).toBe('Start `web-ab12` with `docker run -d --name web-ab12 nginx`; a web server serves `/var/www`; `--network container:web-ab12` joins it.');
    expect(mine.steps[0]!.body['zh-CN']).toBe('用 `docker run -d --name web-ab12 nginx` 启动 `web-ab12`。');
    expect(mine.steps[0]!.hints[0]!.en).toBe('docker run -d --name web-ab12 nginx');
    expect(mine.steps[1]!.hints[0]!['zh-CN']).toBe('`docker build -t hello-ab12:v1 .`');
    expect(mine.steps[1]!.commands).toEqual(['docker build -t hello-ab12:v1 .']);
    expect(mine.creates).toEqual(['web-ab12', 'hello-ab12:v1', 'Dockerfile']);
    // The lesson as written is untouched.
    expect(lesson.steps[0]!.commands).toEqual(['docker run -d --name web nginx']);
  });

  it('checks look for the suffixed names, in states and in the transcript', () => {
    const running = (name: string): Snapshot => ({ kind: 'real', time: 0, images: [], containers: [{ name, state: 'running' } as Snapshot['containers'][number]] });
    const line = { line: 'docker run -d --name web-ab12 nginx', exit: 0, output: '' };
    expect(whyNot(mine.steps[0]!.check, { snapshot: running('web-ab12'), lines: [line] })).toBeNull();
    expect(whyNot(mine.steps[0]!.check, { snapshot: running('web'), lines: [line] })?.en).toBe('no container named `web-ab12`');
    expect(whyNot(mine.steps[0]!.check, { snapshot: running('web-ab12'), lines: [{ ...line, line: 'docker run -d --name web nginx' }] })).not.toBeNull();
    const check = mine.steps[1]!.check;
    expect(check.kind === 'all' && check.checks[0]).toMatchObject({ ref: 'hello-ab12:v1', base: 'busybox:latest', source: 'image hello-ab12:v1 is built on busybox with 1 more layer' });
    // Output checks quote what a program prints: left as written.
    expect(check.kind === 'all' && check.checks[1]).toMatchObject({ text: 'hello' });
    expect(mine.steps[1]!.predict!.confirm).toMatchObject({ ref: 'hello-ab12:v1' });
  });

  it("the view selects the student's container and points at the student's image", () => {
    expect(mine.steps[0]!.view).toEqual({ tab: 'lifecycle', container: 'web-ab12', point: { kind: 'state', name: 'running' } });
    expect(mine.steps[1]!.view).toEqual({ tab: 'layers', point: { kind: 'image', name: 'hello-ab12:v1' } });
    expect(lesson.steps[0]!.view!.container).toBe('web');
  });
});

describe('the course, suffixed', () => {
  const dir = join(import.meta.dirname, 'course');
  const course = readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => [f, parseLesson(readFileSync(join(dir, f), 'utf8'))] as const);

  it.each(course)('%s: every name it makes is suffixed in every command, and no other word changes', (_f, lesson) => {
    const n = lessonNames(lesson);
    const mine = suffixLesson(lesson, S, n);
    const made = suffixedNames(n, S);
    mine.steps.forEach((step, i) => {
      step.commands.forEach((cmd, j) => {
        const before = lesson.steps[i]!.commands[j]!;
        // Only suffixes and port offsets were added: removing them gives the line back.
        const ports = lessonHostSide(lesson).ports;
        const unmoved = cmd.replace(/\d+/g, (d) => (ports.includes(Number(d) - portOffset(S)) ? String(Number(d) - portOffset(S)) : d));
        expect(unmoved.replaceAll(`-${S}`, '')).toBe(before);
      });
    });
    for (const name of [...n.containers, ...n.networks, ...n.volumes]) {
      const uses = lesson.steps.flatMap((s) => s.commands).filter((c) => new RegExp(`--name ${name}( |$)`).test(c));
      for (const use of uses) expect(made.some((m) => suffixLine(use, n, S).includes(m))).toBe(true);
    }
  });
});

describe('portOffset', () => {
  it.each(['ab12', '0000', 'zzzz', studentSuffix('x'), studentSuffix('y')])('%s: stable, and every lesson port moves to 10001..32767, below -P’s range', (suffix) => {
    const o = portOffset(suffix);
    expect(portOffset(suffix)).toBe(o);
    expect(1 + o).toBeGreaterThan(10000);
    expect(MAX_LESSON_PORT + o).toBeLessThan(32768);
  });

  it('spreads a class of 30 over distinct offsets more often than not', () => {
    // 12768 offsets: a pair of 30 students shares one with probability ~3%; these 30 do not.
    const offsets = Array.from({ length: 30 }, (_, i) => portOffset(studentSuffix(`student-${i}`)));
    expect(new Set(offsets).size).toBe(30);
  });
});

const hs: HostSide = { ports: [8080, 5000], paths: ['/tmp/site', '/tmp/greeting'], containerPorts: [80, 5000], containerPaths: ['/usr/share/nginx/html', '/tmp/greeting'] };
const P = (port: number): number => port + portOffset(S);

describe('hostSideLine', () => {
  it.each([
    // Published host ports: every spelling of -p.
    ['docker run -d --name pub -p 8080:80 nginx', `docker run -d --name pub -p ${P(8080)}:80 nginx`],
    ['docker run -d -p 127.0.0.1:8080:80 nginx', `docker run -d -p 127.0.0.1:${P(8080)}:80 nginx`],
    ['docker run -d --publish=8080:80 nginx', `docker run -d --publish=${P(8080)}:80 nginx`],
    ['docker run -d -p8080:80/udp nginx', `docker run -d -p${P(8080)}:80/udp nginx`],
    ['docker container create --publish 5000:5000 registry:2', `docker container create --publish ${P(5000)}:5000 registry:2`],
    // The host's addresses with a lesson port, outside a container.
    ['curl -s localhost:8080', `curl -s localhost:${P(8080)}`],
    ['curl -s http://127.0.0.1:8080/index.html', `curl -s http://127.0.0.1:${P(8080)}/index.html`],
    ['docker tag busybox localhost:5000/app && docker push localhost:5000/app:v1', `docker tag busybox localhost:${P(5000)}/app && docker push localhost:${P(5000)}/app:v1`],
    ['echo \'{ "insecure-registries": ["172.17.0.1:5000"] }\' > /etc/docker/daemon.json', `echo '{ "insecure-registries": ["172.17.0.1:${P(5000)}"] }' > /etc/docker/daemon.json`],
    // Scratch host paths, and what is under them, wherever the host names them.
    ['mkdir -p /tmp/site && echo hi > /tmp/site/index.html', `mkdir -p /tmp/site-${S} && echo hi > /tmp/site-${S}/index.html`],
    ['docker run -v /tmp/site:/usr/share/nginx/html:ro nginx', `docker run -v /tmp/site-${S}:/usr/share/nginx/html:ro nginx`],
    ['docker run --mount type=bind,source=/tmp/site,target=/site,readonly busybox', `docker run --mount type=bind,source=/tmp/site-${S},target=/site,readonly busybox`],
    ['docker cp /tmp/greeting app:/tmp/greeting', `docker cp /tmp/greeting-${S} app:/tmp/greeting`],
    ['docker cp app:/etc/hostname /tmp/greeting && cat /tmp/greeting', `docker cp app:/etc/hostname /tmp/greeting-${S} && cat /tmp/greeting-${S}`],
    ['docker exec app cat /etc/hostname > /tmp/site/h', `docker exec app cat /etc/hostname > /tmp/site-${S}/h`],
  ])('%s', (line, want) => {
    expect(hostSideLine(line, hs, S)).toBe(want);
  });

  it.each([
    // Container ports, random host ports, ports the lesson does not publish.
    'docker run -d -p 80 nginx',
    'docker run -d -P nginx',
    'docker run -d -p 9090:80 nginx',
    'docker port pub 80',
    // A number that is no port, and a port inside a container (its own localhost, another container's address).
    'echo 8080',
    'sleep 8080',
    "printf 'FROM nginx\\nEXPOSE 8080\\n' > Dockerfile",
    'docker exec web curl -s localhost:8080',
    'docker run --rm busybox wget -qO- http://172.17.0.2:8080',
    'curl -s web:8080',
    // Container paths, system paths, other paths that merely start alike.
    'docker exec web cat /tmp/site/index.html',
    'docker run -v data:/tmp/site busybox',
    'docker run -v /var/run/docker.sock:/var/run/docker.sock busybox',
    'ls /tmp/sites /tmp/site2 /var/tmp/site',
    "docker exec app sh -c 'cat /tmp/greeting'",
  ])('%s stays', (line) => {
    expect(hostSideLine(line, hs, S)).toBe(line);
  });
});

describe('hostSideText', () => {
  it.each([
    ['From the host, port 8080 reaches nginx.', `From the host, port ${P(8080)} reaches nginx.`],
    ['从宿主机访问 8080 端口。', `从宿主机访问 ${P(8080)} 端口。`],
    ['`-p 8080:80` adds a DNAT rule.', `\`-p ${P(8080)}:80\` adds a DNAT rule.`],
    ['`curl localhost:8080`.', `\`curl localhost:${P(8080)}\`.`],
    ['docker run -d -p 8080:80 nginx', `docker run -d -p ${P(8080)}:80 nginx`],
    ['names like `localhost:5000/…`', `names like \`localhost:${P(5000)}/…\``],
    ['Create `/tmp/site/index.html`, then `-v /tmp/site:/usr/share/nginx/html`.', `Create \`/tmp/site-${S}/index.html\`, then \`-v /tmp/site-${S}:/usr/share/nginx/html\`.`],
    ['`type=bind,source=/tmp/site,target=/site`', `\`type=bind,source=/tmp/site-${S},target=/site\``],
  ])('%s', (text, want) => {
    expect(hostSideText(text, hs, S)).toBe(want);
  });

  it.each([
    // 5000 is the registry's container port too: bare, it may be either.
    'The image serves the API on port 5000.',
    'nginx listens on 80; `EXPOSE 80` says so.',
    '`echo 8080`',
    'Ports 18080 and 8080.5 are other numbers.',
    // /tmp/greeting is a path in the container too: bare, it may be either.
    'Make `/tmp/greeting` on the host.',
    'nginx reads `/usr/share/nginx/html/index.html`.',
  ])('%s stays', (text) => {
    expect(hostSideText(text, hs, S)).toBe(text);
  });
});

describe('checks, moved', () => {
  const lesson = parseLesson(`---
id: demo
title:
  en: Demo
  zh-CN: 演示
summary:
  en: Demo.
  zh-CN: 演示。
---

## Publish {#publish}

:::zh-CN 发布
发布 8080 端口。
> hint: \`docker run -d --name pub -p 8080:80 -v /tmp/site:/usr/share/nginx/html nginx\`
:::

Publish 8080.

> hint: \`docker run -d --name pub -p 8080:80 -v /tmp/site:/usr/share/nginx/html nginx\`

\`\`\`cmd
docker run -d --name pub -p 8080:80 -v /tmp/site:/usr/share/nginx/html nginx
\`\`\`

\`\`\`check
container pub publishes 8080->80
container pub bind-mounts /tmp/site at /usr/share/nginx/html
the output of the last line contains "--dport 8080 -j DNAT"
\`\`\`
`);

  it("the checks ask for the student's port and path, and the container's are kept", () => {
    const mine = suffixLesson(lesson, S);
    const check = mine.steps[0]!.check;
    expect(check.kind === 'all' && check.checks.map((c) => ({ ...c }))).toMatchObject([
      { form: 'publishes', name: `pub-${S}`, hostPort: P(8080), containerPort: 80, source: `container pub-${S} publishes ${P(8080)}->80` },
      { form: 'mount', hostPath: `/tmp/site-${S}`, destination: '/usr/share/nginx/html' },
      { form: 'output', text: `--dport ${P(8080)} -j DNAT` },
    ]);
    expect(mine.steps[0]!.body.en).toBe(`Publish ${P(8080)}.`);
  });
});

describe('the course, for two students on one engine', () => {
  const dir = join(import.meta.dirname, 'course');
  const course = readdirSync(dir).filter((f) => f.endsWith('.md')).sort().map((f) => [f, parseLesson(readFileSync(join(dir, f), 'utf8'))] as const);
  const [A, B] = [studentSuffix('student-a'), studentSuffix('student-b')];

  /** Host ports (-p) and host paths (-v, --mount source, docker cp, mkdir, redirections) the commands use, read independently of hostSide.ts. */
  function hostUse(commands: string[]): { ports: number[]; paths: string[] } {
    const ports: number[] = [];
    const paths: string[] = [];
    for (const line of commands) {
      for (const argv of dockerArgv(line)) {
        argv.forEach((a, i) => {
          const next = argv[i + 1] ?? '';
          const pub = a === '-p' || a === '--publish' ? /^(?:[\d.]+:)?(\d+):\d+/.exec(next) : null;
          if (pub) ports.push(Number(pub[1]));
          const bind = a === '-v' ? /^(\/[^:]+):/.exec(next) : a === '--mount' ? /source=(\/[^,]+)/.exec(next) : null;
          if (bind) paths.push(bind[1]!);
          if (argv[1] === 'cp' && i >= 2 && a.startsWith('/')) paths.push(a);
        });
      }
      // Quoted text is another program's (`docker exec box sh -c 'echo > /tmp/note'` writes in the container).
      for (const m of line.replace(/'[^']*'/g, "''").matchAll(/(?:mkdir -p|>) (\/tmp\/\S+)/g)) paths.push(m[1]!);
    }
    return { ports, paths: paths.filter((p) => p.startsWith('/tmp/')) };
  }

  it.each(course)('%s: no host port or host path in common', (_f, lesson) => {
    const a = hostUse(suffixLesson(lesson, A).steps.flatMap((s) => s.commands));
    const b = hostUse(suffixLesson(lesson, B).steps.flatMap((s) => s.commands));
    expect(a.ports.filter((p) => b.ports.includes(p))).toEqual([]);
    expect(a.paths.filter((p) => b.paths.includes(p))).toEqual([]);
    for (const p of [...a.ports, ...b.ports]) expect(p > 10000 && p < 32768).toBe(true);
    // Each lesson port moved by the student's offset, within the range that keeps it below 32768.
    const plain = hostUse(lesson.steps.flatMap((s) => s.commands));
    for (const p of plain.ports) expect(p).toBeLessThanOrEqual(MAX_LESSON_PORT);
    expect(a.ports).toEqual(plain.ports.map((p) => p + portOffset(A)));
    expect(a.paths).toEqual(plain.paths.map((p) => p.replace(/^\/tmp\/[^/]+/, (d) => `${d}-${A}`)));
  });

  it("lesson 12's registry view, image names and creates carry the student's port", () => {
    const mine = suffixLesson(course.find(([f]) => f.startsWith('12'))![1], A);
    const port = 5000 + portOffset(A);
    expect(mine.steps[0]!.view?.point).toEqual({ kind: 'registry', name: `localhost:${port}` });
    expect(mine.creates).toContain(`localhost:${port}/busybox-${A}`);
    expect(mine.steps[1]!.commands).toEqual([`docker tag busybox localhost:${port}/busybox-${A}`]);
    // The registry's own port, in the prose and in the container side of -p, is the container's.
    expect(mine.steps[0]!.body.en).toContain('on port 5000 ');
    expect(mine.steps[0]!.commands[0]).toContain(`-p ${port}:5000 `);
  });

  it('lessons 09, 11, 12 and 14 publish host ports and 11 binds host paths, so the test above has something to compare', () => {
    const use = (id: string): ReturnType<typeof hostUse> => hostUse(course.find(([f]) => f.startsWith(id))![1].steps.flatMap((s) => s.commands));
    expect(use('09').ports).toEqual([8080]);
    expect(use('11').ports).toEqual([8080]);
    expect(use('12').ports).toEqual([5000, 5000]);
    expect(use('14').ports).toEqual([8081, 8082, 8081]);
    expect(new Set(use('11').paths)).toEqual(new Set(['/tmp/site', '/tmp/site/index.html', '/tmp/greeting', '/tmp/note']));
  });
});
