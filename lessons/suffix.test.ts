import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChecks, whyNot } from './checks';
import { parseLesson } from './format';
import type { Snapshot } from '../core/model';
import { lessonNames, repositoryOf, studentSuffix, suffixedNames, suffixLesson, suffixLine, type LessonNames } from './suffix';

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
        // Only suffixes were added: removing them gives the line back.
        expect(cmd.replaceAll(`-${S}`, '')).toBe(before);
      });
    });
    for (const name of [...n.containers, ...n.networks, ...n.volumes]) {
      const uses = lesson.steps.flatMap((s) => s.commands).filter((c) => new RegExp(`--name ${name}( |$)`).test(c));
      for (const use of uses) expect(made.some((m) => suffixLine(use, n, S).includes(m))).toBe(true);
    }
  });
});
