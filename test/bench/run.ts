import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { buildWeb, repoRoot } from '../e2e/harness';
import { chromiumPath } from '../support/requirements';
import { benchLayers, type LayersBenchResult } from './layersBench';
import { benchNetwork, type NetworkBenchResult } from './networkBench';
import { benchPage, type PageBenchResult } from './pageBench';
import { benchShellPipeline, benchSim, type ShellPipelineBenchResult, type SimBenchResult } from './simBench';
import { benchDiff, type DiffBenchResult } from './diffBench';
import { benchSystem, type SystemBenchResult } from './systemBench';
import { benchBuild, type BuildBenchResult } from './buildBench';
import { benchTrace, type TraceBenchResult } from './traceBench';
import { benchClassroom, type ClassroomBenchResult } from './classroomBench';
import { benchRegistry, type RegistryBenchResult } from './registryBench';
import { benchTimeline, type TimelineBenchResult } from './timelineBench';
import { benchPatches, type PatchBenchRow } from './patchBench';
import { formatStats, type Stats } from './stats';

/**
 * `npm run bench`: how fast the simulator and the page are, reported plainly
 * against the targets, and saved to .bench/report.json. Nothing here fails on
 * a slow number: timings on a shared two-core machine are noisy.
 *
 *   --sim    only the engine benchmarks
 *   --shell  only the shell pipeline: the host's against a container's (docker exec)
 *   --page   only the page benchmarks
 *   --layers only reading a real image's layers (needs Docker and root)
 *   --trace  only docker run through the agent, kernel trace off and on, against the CLI (needs Docker, root, bpftrace)
 *   --classroom only the classroom relay: 100 students' progress to the teacher's socket over loopback
 *   --patches  only docker run -d with a snapshot listener at 100 and 1,000 containers: whole snapshots against patches (issue 14)
 *   --registry only docker push and pull of a five-layer image to a simulated registry:2 (also part of --sim)
 *   --timeline only the timeline: 1,000 lines and 200 containers, jumping back, continuing from a line; a lesson jump back
 */
const args = new Set(process.argv.slice(2));
const only = args.has('--layers') || args.has('--trace') || args.has('--classroom') || args.has('--shell') || args.has('--timeline') || args.has('--registry') || args.has('--patches');
const doSim = !args.has('--page') && !only;
const doShell = args.has('--shell') || doSim;
const doRegistry = args.has('--registry') || doSim;
const doPage = !args.has('--sim') && !only;
const doLayers = args.has('--layers') || args.size === 0;
const doTrace = args.has('--trace') || args.size === 0;
const doClassroom = args.has('--classroom') || args.size === 0;
const doTimeline = args.has('--timeline') || doSim;
const doPatches = args.has('--patches') || doSim;

interface Report {
  at: string;
  node: string;
  cpu: string;
  sim?: SimBenchResult;
  patches?: PatchBenchRow[];
  shell?: ShellPipelineBenchResult;
  diff?: DiffBenchResult;
  system?: SystemBenchResult;
  build?: BuildBenchResult;
  page?: PageBenchResult;
  network?: NetworkBenchResult;
  layers?: LayersBenchResult;
  trace?: TraceBenchResult;
  classroom?: ClassroomBenchResult;
  registry?: RegistryBenchResult;
  timeline?: TimelineBenchResult;
  errors: string[];
}

const kb = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
const verdict = (s: Stats | null, targetMs: number): string => (s === null ? '' : s.median < targetMs ? `  ✓ under ${targetMs} ms` : `  ✗ over the ${targetMs} ms target`);

async function main(): Promise<number> {
  const report: Report = { at: new Date().toISOString(), node: process.version, cpu: `${cpus().length} × ${cpus()[0]?.model ?? '?'}`, errors: [] };
  const lines: string[] = [`Glassbox benchmarks (${report.node}, ${report.cpu})`, ''];
  /** One part of the report: what `fn` adds, or, if it throws, a line saying it could not run. */
  const part = async (key: string, title: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      report.errors.push(`${key}: ${String(err)}`);
      lines.push(`${title}: could not run: ${err instanceof Error ? err.message : String(err)}`, '');
    }
  };

  if (doSim) {
    process.stderr.write('sim: running…\n');
    await part('sim', 'Simulated engine', async () => {
      const sim = await benchSim();
      report.sim = sim;
      const live = sim.withLiveContainers;
      lines.push(
        'Simulated engine (in-process SimHost, Node)',
        `  run -d + rm -f cycle           ${formatStats(sim.runRmCycle)}${verdict(sim.runRmCycle, 1)}`,
        `  nginx run + curl + rm cycle    ${formatStats(sim.nginxCurlCycle)}${verdict(sim.nginxCurlCycle, 2)}`,
        `  with ${live.containers} live containers:`,
        `    docker ps                    ${formatStats(live.ps)}${verdict(live.ps, 16)}`,
        `    docker ps -a                 ${formatStats(live.psAll)}${verdict(live.psAll, 16)}`,
        `    docker run -d busybox …      ${formatStats(live.runDetached)}${verdict(live.runDetached, 16)}`,
        `      … with a snapshot listener ${formatStats(live.runDetachedSubscribed)}${verdict(live.runDetachedSubscribed, 16)}`,
        `    snapshot()                   ${formatStats(live.snapshot)}`,
        '',
      );
      const diff = await benchDiff();
      report.diff = diff;
      lines.push(
        `Union filesystem (${diff.files} changed files in one upper layer)`,
        `  docker diff after a change     ${formatStats(diff.dockerDiff)}`,
        `  docker diff, nothing changed   ${formatStats(diff.dockerDiffUnchanged)}`,
        `  snapshot() after a change      ${formatStats(diff.snapshotAfterChange)}`,
        '',
      );
    });
    process.stderr.write('system: running…\n');
    await part('system', 'docker system df -v and docker stats', async () => {
      const sys = await benchSystem();
      report.system = sys;
      lines.push(
        `With ${sys.containers} containers and ${sys.volumes} volumes (simulated engine)`,
        `  docker system df -v            ${formatStats(sys.systemDfVerbose)}${verdict(sys.systemDfVerbose, 16)}`,
        `  docker stats --no-stream       ${formatStats(sys.statsNoStream)}`,
        `  CPU time (steadier when shared): df -v ${formatStats(sys.cpu.systemDfVerbose)}; stats ${formatStats(sys.cpu.statsNoStream)}`,
        '',
      );
    });
    process.stderr.write('build: running…\n');
    await part('build', 'docker build', async () => {
      const b = await benchBuild();
      report.build = b;
      lines.push(
        `docker build, ${b.instructions}-instruction Dockerfile (simulated engine)`,
        `  from scratch (--no-cache)      ${formatStats(b.cold)}`,
        `  from the build cache           ${formatStats(b.cached)}`,
        '',
      );
    });
  }

  if (doRegistry) {
    process.stderr.write('registry: running…\n');
    await part('registry', 'Private registry', async () => {
      const r = await benchRegistry();
      report.registry = r;
      lines.push(
        `Private registry (simulated registry:2, a ${r.layers}-layer image)`,
        `  docker push, empty registry    ${formatStats(r.push)}${verdict(r.push, 5)}`,
        `  docker pull after docker rmi   ${formatStats(r.pull)}${verdict(r.pull, 5)}`,
        '',
      );
    });
  }

  if (doShell) {
    process.stderr.write('shell: running…\n');
    await part('shell', 'Shell pipeline', async () => {
      const s = await benchShellPipeline();
      report.shell = s;
      lines.push(
        `The same pipeline in the host shell and in a container (\`${s.line}\`)`,
        `  host shell                     ${formatStats(s.host)}`,
        `  docker exec … sh -c            ${formatStats(s.container)}`,
        `  ratio container / host         ${s.ratio.toFixed(2)}×${s.ratio <= 2 ? '  ✓ within 2×' : '  ✗ over the 2× target'}`,
        '',
      );
    });
  }

  if (doPage) {
    process.stderr.write('page: building…\n');
    await part('page', 'Page', async () => {
      const web = await buildWeb();
      try {
        if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} does not exist`);
        process.stderr.write('page: loading in Chromium…\n');
        const page = await benchPage(web.dir);
        report.page = page;
        lines.push(
          'Page (production build, headless Chromium, fresh profile per load)',
          `  initial JS                     ${kb(page.initialJs.gzip)} gzip (${kb(page.initialJs.bytes)} raw, ${page.initialJs.files.length} file(s): ${page.initialJs.files.map((f) => f.file).join(', ')})`,
          `  all JS incl. worker            ${kb(page.allJs.gzip)} gzip (${kb(page.allJs.bytes)} raw, ${page.allJs.files} file(s))`,
          `  navigation → terminal exists   ${page.timeToTerminal ? formatStats(page.timeToTerminal) : 'n/a'}`,
          `  navigation → typed key echoes  ${page.timeToEcho ? formatStats(page.timeToEcho) : 'n/a'}`,
          ...page.notes.map((n) => `  note: ${n}`),
          '',
        );
      } finally {
        await web.dispose();
      }
    });
  }

  if (doPage) {
    process.stderr.write('network diagram: building and playing packets…\n');
    await part('network', 'Network diagram', async () => {
      const net = await benchNetwork();
      report.network = net;
      const fps = (x: number): string => x.toFixed(1);
      lines.push(
        `Network diagram (${net.containers} containers on ${net.bridges} bridges, ${net.elements} SVG elements, headless Chromium)`,
        `  fps while a packet plays       ${fps(net.fps.median)} median (min ${fps(net.fps.min)}, max ${fps(net.fps.max)}, n ${net.fps.n}; ${fps(net.idleFps)} at rest)${net.fps.median >= 50 ? '  ✓ at least 50' : '  ✗ under the 50 fps target'}`,
        `  longest frame gap              ${formatStats(net.worstFrameMs)}`,
        ...net.notes.map((n) => `  note: ${n}`),
        '',
      );
    });
  }

  if (doLayers) {
    process.stderr.write('layers: building two images and reading them both ways…\n');
    await part('layers', 'Real image layers', async () => {
      const l = await benchLayers();
      report.layers = l;
      for (const c of l.cases) {
        lines.push(
          `Real image layers, ${c.name} (${c.image.layers} layers, ${c.image.entries} entries, ${(c.image.bytes / 1e6).toFixed(1)} MB)`,
          `  agent walk, cold cache         ${formatStats(c.coldWalk)}`,
          `  through the agent, cached      ${formatStats(c.throughAgent)}`,
          `  docker save | tar -t           ${formatStats(c.dockerSaveTarT)}`,
          `  ratio walk / save              ${c.ratio.toFixed(3)}${c.ratio <= 0.1 ? '  ✓ at most 1/10' : '  ✗ over the 1/10 target'}`,
          '',
        );
      }
    });
  }

  if (doTrace) {
    process.stderr.write('trace: docker run --rm busybox true, CLI and agent, trace off then on…\n');
    await part('trace', 'Kernel trace', async () => {
      const tr = await benchTrace();
      report.trace = tr;
      lines.push(
        'docker run --rm busybox true on the real engine (interleaved, one run)',
        `  plain docker CLI               ${formatStats(tr.cliOff)}`,
        `  through the agent, trace off   ${formatStats(tr.agentOff)}`,
        `  ratio agent / CLI, trace off   ${tr.ratioOff.toFixed(3)}${tr.ratioOff < 1.1 ? '  ✓ under 1.1' : '  ✗ over the 1.1 target'}`,
        `  plain docker CLI, trace on     ${formatStats(tr.cliOn)}`,
        `  through the agent, trace on    ${formatStats(tr.agentOn)}`,
        `  ratio agent on / CLI off       ${tr.ratioOn.toFixed(3)}${tr.ratioOn < 2 ? '  ✓ under 2' : '  ✗ over the 2 target'}  (${tr.opsPerRun.toFixed(0)} trace ops per run)`,
        '',
      );
    });
  }

  if (doPatches) {
    process.stderr.write('patches: docker run -d with a snapshot listener, 100 and 1,000 containers…\n');
    await part('patches', 'Snapshot patches', async () => {
      const rows = await benchPatches();
      report.patches = rows;
      const p95 = (s: Stats, target: number): string => (s.p95 < target ? `  ✓ p95 under ${target} ms` : `  ✗ p95 over the ${target} ms target`);
      lines.push('docker run -d with a snapshot listener, line start → the page-side listener holds the new Snapshot (simulated engine, one process; the port modelled by a structured clone)');
      for (const r of rows) {
        const target = r.containers >= 1000 ? 16 : 4;
        lines.push(
          `  ${r.containers} live containers (wall clock; CPU time of the process below)`,
          `    whole snapshot, no port          ${formatStats(r.fullInProcess.wall)}`,
          `    whole snapshot, cloned (before)  ${formatStats(r.fullCloned.wall)}${p95(r.fullCloned.wall, target)}`,
          `    patches, cloned, applied (after) ${formatStats(r.patchesCloned.wall)}${p95(r.patchesCloned.wall, target)}`,
          `      CPU: before ${formatStats(r.fullCloned.cpu)}`,
          // CPU time counts V8's parallel GC threads too: what the work costs, not what the student waits.
          `      CPU: after  ${formatStats(r.patchesCloned.cpu)}`,
          `    over a real port to a page thread (a heap of its own, as in the browser):`,
          `    whole snapshot (before)          ${formatStats(r.fullThread.wall)}${p95(r.fullThread.wall, target)}`,
          `    patches, applied (after)         ${formatStats(r.patchesThread.wall)}${p95(r.patchesThread.wall, target)}`,
          `    one run's patch ${kb(r.patchBytes)} against the whole snapshot's ${kb(r.snapshotBytes)} (JSON)`,
        );
      }
      lines.push('');
    });
  }

  if (doClassroom) {
    process.stderr.write('classroom: 100 students reporting progress to a teacher…\n');
    await part('classroom', 'Classroom relay', async () => {
      const c = await benchClassroom();
      report.classroom = c;
      const ok = c.latency.p95 < 200;
      lines.push(
        `Classroom relay (${c.students} students, ${c.events} progress events over loopback)`,
        `  student send → teacher receives ${formatStats(c.latency)}${ok ? '  ✓ p95 under 200 ms' : '  ✗ p95 over the 200 ms target'}`,
        '',
      );
    });
  }

  if (doTimeline) {
    process.stderr.write('timeline: 1,000 lines with 200 containers…\n');
    await part('timeline', 'Timeline', async () => {
      const tl = await benchTimeline();
      report.timeline = tl;
      const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(2)} MiB`;
      lines.push(
        `Timeline (${tl.lines} lines, ${tl.containers} containers, ${tl.failedLines} lines failed)`,
        `  jump to an earlier line         ${formatStats(tl.jump)}${verdict(tl.jump, 100)}`,
        `  … with its layers' files        ${formatStats(tl.jumpWithLayers)}`,
        `  keep the moment after a line    ${formatStats(tl.recordPerLine)}`,
        `  continue from here (replay)     ${formatStats(tl.fork)}`,
        `  lesson jump back one step (${tl.lessonJump.lesson}, ${tl.lessonJump.lines} → ${tl.lessonJump.backTo} lines):`,
        `    through the timeline (fork)   ${formatStats(tl.lessonJump.byFork)}`,
        `    rebuilt from zero             ${formatStats(tl.lessonJump.fromZero)}`,
        `    … keeping no moments (before) ${formatStats(tl.lessonJump.fromZeroNoMoments)}`,
        `  persisted (journal + branches)  ${kb(tl.persistedBytes)}${tl.persistedBytes < 5 * 1024 * 1024 ? '  ✓ under 5 MB' : '  ✗ over 5 MB'}`,
        `  one snapshot as JSON            ${kb(tl.snapshotBytes)}; heap kept for ${tl.lines} moments ≈ ${mb(tl.heapGrowthBytes)}`,
        '',
      );
    });
  }

  const out = join(repoRoot, '.bench');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  lines.push(`Saved to .bench/report.json`);
  process.stdout.write(lines.join('\n') + '\n');
  return report.errors.length ? 1 : 0;
}

process.exitCode = await main();
