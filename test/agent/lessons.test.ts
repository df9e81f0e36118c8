import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lessonMain } from '../../backends/node/lessonCli';
import { runLesson } from '../../backends/node/lessonRun';
import { runLessonOnBackend, type BackendLessonReport } from '../../backends/node/lessonRunBackend';
import { DEFAULT_CONF, ERROR_50X_HTML } from '../../core/services/fixtures/nginx';
import { parseLesson } from '../../lessons/format';
import type { Lesson, LessonStep, Localized } from '../../lessons/lesson';
import { stepNeeds } from '../../lessons/requirements';
import { lessonHostSide } from '../../lessons/hostSide';
import { dockerArgv, lessonNames, studentSuffix, suffixLesson } from '../../lessons/suffix';
import { haveDocker, haveRoot } from '../support/requirements';
import { type TestAgent, connectClient, startTestAgent, uniqueName, waitFor } from './support';

/**
 * Every lesson of the course, its solution run on the real engine through the
 * real backend's path (the agent's shell running the real docker, the page's
 * client, the agent's snapshots), with a student suffix on every name it
 * makes, each step judged by its checks as the page judges it. The engine is
 * shared and offline, so:
 *  - a lesson or step marked `sim-only` is reported as such, not run;
 *  - a step that needs Docker Hub (`docker pull busybox`) or an image this
 *    engine lacks is reported as skipped here, with the reason;
 *  - an official image a fixture can stand in for (test/setup/service-images.sh
 *    builds nginx, redis, mariadb and registry from Debian's packages) is
 *    tagged as that image for the run (nginx's with the official site config
 *    on top), only when the engine lacks it, and the tag is removed after.
 * New lessons in lessons/course/ join by themselves.
 */

const dir = join(import.meta.dirname, '../../lessons/course');
const files = readdirSync(dir).filter((f) => f.endsWith('.md')).sort();

/** Official images a fixture stands in for. */
const STAND_INS: Record<string, string> = {
  // Built in beforeAll from glassbox-fixture/nginx:debian (see buildNginxStandIn).
  'nginx:latest': 'glassbox-fixture/nginx:official-site',
  'redis:latest': 'glassbox-fixture/redis:debian',
  'mariadb:latest': 'glassbox-fixture/mariadb:debian',
  'mysql:latest': 'glassbox-fixture/mariadb:debian',
  'registry:2': 'glassbox-fixture/registry:debian',
};

/**
 * Debian's nginx serves /var/www/html from sites-enabled/default; the official
 * image serves /usr/share/nginx/html from conf.d/default.conf, which is what a
 * lesson bind-mounts over (11: `-v /tmp/site:/usr/share/nginx/html`). The
 * stand-in for nginx:latest is the fixture with the official site: its
 * default.conf and 50x.html, and Debian's welcome page (the same bytes) as
 * index.html. Built from the local fixture, so nothing is pulled, and kept
 * (as the fixtures are): the next run's build is all cache.
 */
const NGINX_FIXTURE = 'glassbox-fixture/nginx:debian';

const imageId = (ref: string): string => execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}}', ref], { encoding: 'utf8', timeout: 30_000 }).trim();

function buildNginxStandIn(fixture: string, image: string): void {
  const ctx = mkdtempSync(join(tmpdir(), 'gb-lessonsreal-nginx-'));
  try {
    writeFileSync(join(ctx, 'default.conf'), DEFAULT_CONF);
    writeFileSync(join(ctx, '50x.html'), ERROR_50X_HTML);
    writeFileSync(
      join(ctx, 'Dockerfile'),
      `FROM ${fixture}\nRUN rm -f /etc/nginx/sites-enabled/default && mkdir -p /usr/share/nginx/html && cp /var/www/html/index.nginx-debian.html /usr/share/nginx/html/index.html\nCOPY default.conf /etc/nginx/conf.d/default.conf\nCOPY 50x.html /usr/share/nginx/html/50x.html\n`,
    );
    execFileSync('docker', ['build', '-q', '-t', image, ctx], { stdio: 'ignore', timeout: 120_000 });
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
}

const haveImage = (ref: string): boolean => {
  try {
    execFileSync('docker', ['image', 'inspect', ref], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
};

const swarmActive = (): boolean => {
  try {
    return execFileSync('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], { encoding: 'utf8', timeout: 30_000 }).trim() === 'active';
  } catch {
    return false;
  }
};

interface Row {
  file: string;
  sim: string;
  real: string;
  notes: string[];
}
const rows: Row[] = [];

describe.skipIf(!haveDocker() || !haveRoot())('the course on the real engine', () => {
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;
  const tagged: string[] = [];
  const available = new Map<string, boolean>();
  const cwd = process.cwd();
  let work = '';

  beforeAll(async () => {
    // Lines that write files (docker save -o, a Dockerfile) write them here, not in the repository.
    work = mkdtempSync(join(tmpdir(), 'gb-lessonsreal-'));
    process.chdir(work);
    if (haveImage(NGINX_FIXTURE)) buildNginxStandIn(NGINX_FIXTURE, STAND_INS['nginx:latest']!);
    for (const [image, fixture] of Object.entries(STAND_INS)) {
      if (!haveImage(fixture)) continue;
      // A bare fixture tagged as nginx by an older run is a stand-in too, just a less faithful one.
      if (haveImage(image) && !(image === 'nginx:latest' && imageId(image) === imageId(NGINX_FIXTURE))) continue;
      execFileSync('docker', ['tag', fixture, image], { stdio: 'ignore' });
      tagged.push(image);
    }
    // The terminal's files are the disk's (--host-shell): it starts in the temp dir too, not in root's home.
    t = await startTestAgent({ hostShell: true, shellCwd: work });
    client = connectClient(t);
    await waitFor('the connection', () => client.events.some((e) => e.type === 'connection' && e.state === 'open'));
  });

  afterAll(async () => {
    client?.close();
    await t?.close();
    // Only the tags this run made: the fixtures keep their own names.
    // A tag another run's container is using right now stays (the engine is shared): the table below still prints.
    for (const image of tagged) {
      try {
        execFileSync('docker', ['rmi', image], { stdio: 'ignore' });
      } catch {
        process.stdout.write(`\nkept the tag ${image}: in use\n`);
      }
    }
    process.chdir(cwd);
    if (work) rmSync(work, { recursive: true, force: true });
    rows.sort((a, b) => a.file.localeCompare(b.file));
    const w = Math.max(...rows.map((r) => r.file.length));
    process.stdout.write(
      `\nThe course, steps passed (sim | real engine):\n${rows.map((r) => `  ${r.file.padEnd(w)}  sim ${r.sim.padEnd(6)} real ${r.real}${r.notes.map((n) => `\n      ${n}`).join('')}`).join('\n')}\n`,
    );
  });

  const imageHere = (ref: string): boolean => {
    if (!available.has(ref)) available.set(ref, haveImage(ref));
    return available.get(ref)!;
  };

  /** Why a step cannot run on this machine, if it cannot. */
  const cannotRunHere = (lesson: Lesson) => {
    const made = lessonNames(lesson).images;
    return (step: LessonStep): Localized | undefined => {
      const needs = stepNeeds(step, made);
      // The lesson refuses an overlay network on a standalone engine; one that is in a swarm already cannot show that.
      if (step.commands.some((c) => /network create .*(-d|--driver)[ =]overlay/.test(c)) && swarmActive())
        return { en: 'this engine is already in a swarm (someone ran docker swarm init), so an overlay network is not refused here', 'zh-CN': '这台引擎已经在集群里（有人运行过 docker swarm init），这里不会拒绝 overlay 网络' };
      if (needs.hub) return { en: 'needs Docker Hub, which this machine cannot reach', 'zh-CN': '需要 Docker Hub，这台机器连不上' };
      const missing = needs.images.filter((i) => !imageHere(i));
      if (missing.length) return { en: `needs ${missing.join(', ')}: not on this offline engine, and no fixture stands in`, 'zh-CN': `需要 ${missing.join('、')}：这台离线引擎上没有，也没有替代的镜像` };
      return undefined;
    };
  };

  describe.each(files)('%s', (file) => {
    const lesson = parseLesson(readFileSync(join(dir, file), 'utf8'));
    // Reported in the summary too: a sim-only lesson is not a pass.
    if (lesson.simOnly) rows.push({ file, sim: `-/${lesson.steps.length}`, real: 'sim-only', notes: [lesson.simOnly.en] });

    it.skipIf(lesson.simOnly !== undefined)(`runs its solution with every step passing or skipped for a stated reason${lesson.simOnly ? ` (sim-only: ${lesson.simOnly.en})` : ''}`, async () => {
      const suffix = studentSuffix(uniqueName());
      const mine = suffixLesson(lesson, suffix);
      const sim = await runLesson(lesson);
      let report: BackendLessonReport;
      try {
        report = await runLessonOnBackend(mine, client, { skip: cannotRunHere(lesson) });
      } finally {
        // The lesson's reset: its suffixed objects and the containers its lines made unnamed (`docker run hello-world`).
        await client.resetLesson({ suffix, setup: [] });
        removeHostPaths(lesson, suffix);
      }
      const passed = report.steps.filter((s) => s.passed).length;
      const skipped = report.steps.filter((s) => 'skipped' in s);
      const failed = report.steps.filter((s) => !s.passed && !('skipped' in s));
      rows.push({
        file,
        sim: `${sim.steps.filter((s) => s.passed).length}/${lesson.steps.length}`,
        real: `${passed}/${lesson.steps.length}${skipped.length ? ` (${skipped.length} skipped)` : ''}`,
        notes: [
          ...skipped.map((s) => `skipped ${s.id}: ${'skipped' in s ? s.skipped.en : ''}`),
          ...failed.map((s) => `FAILED ${s.id}: ${s.why?.en}`),
          ...(report.setupError ? [`setup: ${report.setupError}`] : []),
        ],
      });
      expect(report.setupError).toBeUndefined();
      expect(failed.map((s) => `${s.id}: ${s.why!.en}`)).toEqual([]);
      expect(report.steps.map((s) => s.id)).toEqual(lesson.steps.map((s) => s.id));
    }, 300_000);
  });

  /** The host ports the student's `-p` words publish. */
  const published = (lesson: Lesson): number[] =>
    lesson.steps.flatMap((s) => s.commands.flatMap(dockerArgv)).flatMap((argv) => argv.flatMap((a, i) => (a === '-p' ? [Number(/^(?:[\d.]+:)?(\d+):/.exec(argv[i + 1] ?? '')?.[1])] : [])));

  // A class on one engine: two students' lessons 09 and 11 at once, each on its own connection (its own terminal).
  it.each(['09-networking.md', '11-volumes.md'])('%s: two students at once, on their own host ports and paths, every step passing', async (file) => {
    const lesson = parseLesson(readFileSync(join(dir, file), 'utf8'));
    const suffixes = [studentSuffix(uniqueName()), studentSuffix(uniqueName())] as const;
    const [a, b] = suffixes.map((s) => suffixLesson(lesson, s));
    const [pa, pb] = [published(a!), published(b!)];
    expect(pa.length).toBeGreaterThan(0);
    expect(pa.filter((p) => pb.includes(p))).toEqual([]);
    const second = connectClient(t);
    await waitFor('the second connection', () => second.events.some((e) => e.type === 'connection' && e.state === 'open'));
    try {
      const skip = cannotRunHere(lesson);
      const reports = await Promise.all([runLessonOnBackend(a!, client, { skip }), runLessonOnBackend(b!, second, { skip })]);
      for (const report of reports) {
        expect(report.setupError).toBeUndefined();
        expect(report.steps.filter((s) => !s.passed && !('skipped' in s)).map((s) => `${s.id}: ${s.why!.en}`)).toEqual([]);
      }
    } finally {
      await client.resetLesson({ suffix: suffixes[0], setup: [] });
      await second.resetLesson({ suffix: suffixes[1], setup: [] });
      second.close();
      for (const s of suffixes) removeHostPaths(lesson, s);
    }
  }, 600_000);
});

/** The scratch host paths a student's lesson made (`/tmp/site-ab12`): the agent's reset removes engine objects, not the host's files. */
function removeHostPaths(lesson: Lesson, suffix: string): void {
  for (const p of lessonHostSide(lesson).paths) rmSync(`${p}-${suffix}`, { recursive: true, force: true });
}

describe.skipIf(!haveDocker() || !haveRoot())('glassbox lesson check --real', () => {
  it('runs a lesson on the local engine and says which lessons are sim-only and why', async () => {
    let out = '';
    // A lesson marked sim-only in its front matter: 01 again, under another id, with a reason.
    const tmp = mkdtempSync(join(tmpdir(), 'gb-lesson-'));
    const simOnly = join(tmp, 'sim-only.md');
    const first = readFileSync(join(dir, '01-first-container.md'), 'utf8');
    writeFileSync(simOnly, first.replace(/^id: .*$/m, 'id: sim-only-demo\nsim-only:\n  en: Shown only on the simulator.\n  zh-CN: 只在模拟器上演示。'));
    try {
      const code = await lessonMain(['check', '--real', join(dir, '01-first-container.md'), simOnly], (s) => (out += s), (s) => (out += s));
      expect(out).toMatch(/01-first-container\.md: Your first container \(real engine\)\n(  ok .*\n){7}/);
      expect(out).toContain('  sim-only: Shown only on the simulator.');
      expect(code, out).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 120_000);
});
