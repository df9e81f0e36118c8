import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { FlagError, parseFlags, type FlagSpec } from '../../core/cli/flags';
import { LessonSyntaxError, parseLesson } from '../../lessons/format';
import { LANGUAGES, type Language, type Lesson } from '../../lessons/lesson';
import { runLesson } from './lessonRun';

const USAGE = `Usage:  glassbox lesson COMMAND

Write and check lessons (lessons/AUTHORING.md describes the format).

Commands:
  check [--lang LANG] FILE...   Run each lesson's solution on a fresh simulated engine and
                                report every step; exits 1 if any step fails
  check --real FILE...          The same on this machine's Docker Engine, through an agent
                                started here, as a student on a shared engine (names
                                suffixed, the lesson's objects removed after; never pulls)
  new NAME                      Write a skeleton lesson to NAME.md
`;

const CHECK_FLAGS: FlagSpec[] = [
  { name: 'lang', kind: 'string', default: 'en' },
  { name: 'real', kind: 'bool' },
];

/** `glassbox lesson …`. Returns the process exit code. */
export async function lessonMain(argv: string[], out: (s: string) => void = (s) => void process.stdout.write(s), err: (s: string) => void = (s) => void process.stderr.write(s)): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return check(rest, out, err);
    case 'new':
      return create(rest, out, err);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      out(USAGE);
      return command === undefined ? 1 : 0;
    default:
      err(`glassbox lesson: unknown command: ${command}\n\n${USAGE}`);
      return 1;
  }
}

async function check(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  let flags;
  try {
    flags = parseFlags(CHECK_FLAGS, argv);
  } catch (e) {
    if (e instanceof FlagError) return usage(e.message, err);
    throw e;
  }
  if (flags.help) {
    out(USAGE);
    return 0;
  }
  const lang = flags.string('lang') as Language;
  if (!LANGUAGES.includes(lang)) return usage(`invalid argument "${lang}" for "--lang" flag: one of ${LANGUAGES.join(', ')}`, err);
  if (flags.args.length === 0) return usage('"glassbox lesson check" requires at least 1 file', err);
  let failed = 0;
  const parsed: { file: string; lesson: Lesson }[] = [];
  for (const file of flags.args) {
    let source: string;
    try {
      source = readFileSync(file, 'utf8');
    } catch (e) {
      err(`${file}: ${e instanceof Error ? e.message : String(e)}\n`);
      failed++;
      continue;
    }
    let lesson;
    try {
      lesson = parseLesson(source);
    } catch (e) {
      if (!(e instanceof LessonSyntaxError)) throw e;
      err(`${file}:${e.line}: ${e.reason}\n`);
      failed++;
      continue;
    }
    if (flags.bool('real')) {
      parsed.push({ file, lesson });
      continue;
    }
    const report = await runLesson(lesson);
    out(`${file}: ${lesson.title[lang]}\n`);
    if (report.setupError) {
      out(`  FAIL setup: ${report.setupError}\n`);
      failed++;
      continue;
    }
    const width = Math.max(...report.steps.map((s) => s.id.length));
    report.steps.forEach((s, i) => {
      const head = `  ${s.passed ? 'ok  ' : 'FAIL'} ${String(i + 1).padStart(2)} ${s.id.padEnd(width)}  ${s.title[lang]}`;
      out(s.passed ? `${head}\n` : `${head}\n         ${s.why![lang]}\n`);
      if (!s.passed) failed++;
    });
  }
  // Loaded only when asked for: it starts an agent (the ws server, dockerode).
  if (parsed.length) failed += await (await import('./lessonCheckReal')).checkOnRealEngine(parsed, lang, out);
  return failed > 0 ? 1 : 0;
}

function create(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  if (argv.length !== 1 || argv[0]!.startsWith('-')) return usage('"glassbox lesson new" requires exactly 1 argument: NAME', err);
  const name = argv[0]!;
  const file = name.endsWith('.md') ? name : `${name}.md`;
  const id = basename(file, '.md').toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'lesson';
  if (existsSync(file)) {
    err(`glassbox lesson new: ${file} already exists\n`);
    return 1;
  }
  writeFileSync(file, skeleton(id));
  out(`Wrote ${file}. Check it with: glassbox lesson check ${file}\n`);
  return 0;
}

function usage(message: string, err: (s: string) => void): number {
  err(`${message}\nSee 'glassbox lesson --help'.\n`);
  return 125;
}

/** A lesson that passes `glassbox lesson check` as written: the format by example. */
export function skeleton(id: string): string {
  return `---
id: ${id}
title:
  en: My lesson
  zh-CN: 我的课程
summary:
  en: One sentence on what the student will see.
  zh-CN: 用一句话说明学生会看到什么。
languages: [en, zh-CN]
backends: [sim, real]
creates: [web]
---

## Start a web server {#run}

> view: lifecycle

:::zh-CN 启动一个 Web 服务器
用 \`-d\` 在后台运行 nginx。
> hint: 容器名写在 \`--name\` 后面。
:::

Run nginx in the background with \`-d\`.

> hint: The container's name goes after \`--name\`.

\`\`\`cmd
docker run -d --name web nginx
\`\`\`

\`\`\`check
container web is running
\`\`\`

## Stop it {#stop}

> view: lifecycle

:::zh-CN 停止它
\`docker stop\` 先发送 SIGTERM；nginx 会优雅退出。
> predict: 退出码是多少？
> a) 0
> b) 137
:::

\`docker stop\` sends SIGTERM first; nginx quits gracefully.

> predict: What will the exit code be?
> a) 0
> b) 137

\`\`\`cmd
docker stop web
\`\`\`

\`\`\`predict
answer: a
confirm: container web exited with code 0
\`\`\`

\`\`\`check
container web is exited
a line matching /docker (container )?stop/ was run
\`\`\`
`;
}
