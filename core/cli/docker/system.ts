import { DaemonError } from '../../engine/errors';
import type { Engine } from '../../engine/engine';
import { bytesSize, humanSizeWithPrecision } from '../humanize';
import { tabwriteRows } from '../table';
import { daemonErrorText, forEachContainer, type CommandDef, type Ctx } from './common';
import { parseRestart, resourcesFromFlags, resourceValidators } from './run';
import type { RestartPolicyRequest } from '../../engine/validate';
import { executeHeader, executeRow, goJson, parseFormat, TemplateError } from './template';
import { formatPs, KERNEL_RELEASE_HOST } from '../../kernel/procfs';
import { DOCKER_VERSION } from '../../images/store';
import { layerEntries } from '../../unionfs/layer';
import { daemonId } from '../../engine/daemonReload';

/**
 * The commands that show the kernel side of containers: `docker top`,
 * `docker stats`, `docker update`, and the daemon's `docker version` and
 * `docker info`, as a docker-ce 28.2.2 client and engine print them.
 */

/** `docker top CONTAINER [ps OPTIONS]`: the daemon runs ps -ef (or the options given) on the host and keeps the container's pids. */
export const top: CommandDef = {
  name: 'top',
  usage: 'CONTAINER [ps OPTIONS]',
  args: { kind: 'min', n: 1 },
  interspersed: false,
  async run(ctx, flags) {
    const [ref, ...psArgs] = flags.args as string[];
    try {
      const id = ctx.engine.resolve(ref!);
      const state = String((ctx.engine.inspect(id).State as { Status: string }).Status);
      if (state !== 'running' && state !== 'paused') throw new DaemonError(`Container ${id} is not running`, 'conflict');
      const procs = ctx.engine.kernel.containerProcesses(id);
      const table = formatPs(psArgs.length > 0 ? psArgs : ['-ef'], procs, ctx.engine.now(), { memTotal: ctx.engine.kernel.memTotal, frozen: ctx.engine.kernel.frozenPids(), cpu: (pid) => ctx.engine.kernel.cpuOf(pid) });
      if ('error' in table) throw new DaemonError(table.error, 'system');
      // dockerd keeps the rows whose PID is one of the container's: it needs that column.
      if (!table.header.includes('PID')) throw new DaemonError("Couldn't find PID field in ps output", 'system');
      // docker/cli's top: tabwriter with minwidth 20, padding 3.
      ctx.io.stdout(tabwriteRows([table.header, ...table.rows], { minwidth: 20, padding: 3 }));
      return 0;
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
  },
};

const STATS_HEADERS: Readonly<Record<string, string>> = {
  Container: 'CONTAINER',
  ID: 'CONTAINER ID',
  Name: 'NAME',
  CPUPerc: 'CPU %',
  MemUsage: 'MEM USAGE / LIMIT',
  MemPerc: 'MEM %',
  NetIO: 'NET I/O',
  BlockIO: 'BLOCK I/O',
  PIDs: 'PIDS',
};
const STATS_DEFAULT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

/** Page cache the client subtracts from usage (total_inactive_file): a busybox process maps ~36 KiB of it. */
const INACTIVE_FILE = 36_864;

interface StatsRow {
  Container: string;
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

/** A page: the page cache writes back whole pages, so a write of a few bytes is 4 kB of block I/O. */
const PAGE = 4096;

/**
 * What the container wrote to disk: its upper layer's files, a page at least
 * each (volumes' writes are not attributed to a container here). Only cgroup
 * v2 charges the page cache's writeback to the cgroup that dirtied the pages;
 * under v1 the kernel's flusher threads write them for the root cgroup, so
 * buffered writes show 0B, as on the v1 reference host. Reads come from the
 * page cache the image's layers are already in: 0.
 */
function blockWrites(engine: Engine, id: string): number {
  const c = engine.services.containers.byId.get(id);
  if (!c || engine.config.cgroupVersion === 1) return 0;
  let bytes = 0;
  for (const e of layerEntries(c.mount.upper)) if (e.type === 'file' && e.size > 0) bytes += Math.ceil(e.size / PAGE) * PAGE;
  return bytes;
}

function statsRow(engine: Engine, id: string, ref: string, noTrunc: boolean): StatsRow {
  // Only the name is needed: a whole inspect per row is most of a 1,000-container redraw.
  const name = engine.services.containers.byId.get(id)?.name ?? '';
  const cg = engine.kernel.cgroupState(id);
  const used = cg ? Math.max(0, cg.memoryUsage - INACTIVE_FILE) : 0;
  const limit = cg ? (cg.resources.memory > 0 ? cg.resources.memory : engine.kernel.memTotal) : 0;
  const pct = (n: number): string => `${n.toFixed(2)}%`;
  // The sandbox's interfaces (its veth endpoints); a stopped container has none.
  const net = cg ? engine.net.traffic.of(engine.net.netnsOf(id) ?? id) : { rxBytes: 0, txBytes: 0 };
  const written = cg ? blockWrites(engine, id) : 0;
  return {
    Container: ref,
    ID: noTrunc ? id : id.slice(0, 12),
    // A stopped container's stats are zeros under its name (docker stats -a).
    Name: name,
    // The daemon's two samples a second apart: CPU time over that second, of one CPU, times 100.
    CPUPerc: pct(cg ? Math.min(engine.kernel.cpus, engine.kernel.busyMs(id, engine.now() - 1000, engine.now()) / 1000) * 100 : 0),
    MemUsage: `${bytesSize(used)} / ${bytesSize(limit)}`,
    MemPerc: pct(limit > 0 ? (used / limit) * 100 : 0),
    NetIO: `${humanSizeWithPrecision(net.rxBytes, 3)} / ${humanSizeWithPrecision(net.txBytes, 3)}`,
    BlockIO: `${humanSizeWithPrecision(0, 3)} / ${humanSizeWithPrecision(written, 3)}`,
    PIDs: String(cg?.procs.length ?? 0),
  };
}

/** `docker stats`: one table (--no-stream) or a redraw every second until Ctrl-C. */
export const stats: CommandDef = {
  name: 'stats',
  usage: '[OPTIONS] [CONTAINER...]',
  args: { kind: 'any' },
  async run(ctx, flags) {
    const format = flags.changed('format') && flags.string('format') !== '' ? flags.string('format') : STATS_DEFAULT;
    const table = format.startsWith('table');
    const body = table ? format.slice(5).replace(/^ +/, '') : format === 'json' ? '{{json .}}' : format;
    let tmpl;
    try {
      tmpl = parseFormat(body.replace(/\\t/g, '\t').replace(/\\n/g, '\n'));
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      ctx.io.stderr(`template parsing error: ${e.message}\n`);
      return 64;
    }
    const refs = flags.args as string[];
    const named = refs.length > 0;
    const pick = (): { id: string; ref: string }[] => {
      if (named) return refs.map((ref) => ({ id: ctx.engine.resolve(ref), ref }));
      return ctx.engine
        .list({ all: flags.bool('all') })
        .reverse()
        .map((c) => ({ id: c.id, ref: c.id.slice(0, 12) }));
    };
    const render = (): { text: string; error?: string } => {
      let list: { id: string; ref: string }[];
      try {
        list = pick();
      } catch (e) {
        return { text: '', error: daemonErrorText(e) };
      }
      const rows: string[][] = [];
      try {
        if (table) rows.push(executeHeader(tmpl, STATS_HEADERS).split('\t'));
        for (const { id, ref } of list) rows.push(executeRow(tmpl, statsRow(ctx.engine, id, ref, flags.bool('no-trunc'))).split('\t'));
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        return { text: '', error: `template parsing error: ${e.message}` };
      }
      return { text: table ? tabwriteRows(rows) : rows.map((r) => r.join('\t') + '\n').join('') };
    };
    const first = render();
    if (first.error !== undefined) {
      ctx.io.stderr(first.error + '\n');
      return 1;
    }
    if (flags.bool('no-stream')) {
      ctx.io.stdout(first.text);
      return 0;
    }
    // Streaming: a redraw every 500 ms (the daemon's numbers change each second).
    const showAll = flags.bool('all');
    return new Promise<number>((resolve) => {
      let cancel = ctx.engine.after(REDRAW_MS, tick);
      // docker 28.2.2's first Ctrl-C only cancels its stats streams (the redraw loop does not watch it) and the
      // second kills it: the shell sees 130. One Ctrl-C ends it here, with that status.
      const off = ctx.io.interrupt.onInterrupt(() => {
        cancel();
        off();
        resolve(130);
      });
      function tick(): void {
        const next = render();
        if (next.error !== undefined) {
          off();
          ctx.io.stderr(next.error + '\n');
          resolve(1);
          return;
        }
        ctx.io.stdout(streamFrame(next.text));
        // With nothing to show (and no --all) the client stops after one frame.
        if (!showAll && !named && ctx.engine.list().length === 0) {
          off();
          resolve(0);
          return;
        }
        cancel = ctx.engine.after(REDRAW_MS, tick);
      }
    });
  },
};

const REDRAW_MS = 500;

/**
 * One redraw as docker/cli 28.2.2 writes it: the cursor home and the table,
 * then (that release appends to the buffer it is reading) the same lines
 * again, each ended by " \x1b[K" (erase to end of line), and "\x1b[J".
 */
export function streamFrame(table: string): string {
  const buffer = '\x1b[H' + table;
  return buffer + buffer.split('\n').map((l) => `${l} \x1b[K\n`).join('') + '\x1b[J';
}

/** `docker update [OPTIONS] CONTAINER...`: new limits for each container; prints each that took them. */
export const update: CommandDef = {
  name: 'update',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { kind: 'min', n: 1 },
  validators: resourceValidators,
  async run(ctx, flags) {
    // docker/cli's update: the policy's format is the client's to check, its name and count the daemon's.
    let restartPolicy: RestartPolicyRequest | undefined;
    if (flags.string('restart') !== '') {
      const parsed = parseRestart(flags.string('restart'));
      if ('error' in parsed) {
        ctx.io.stderr(parsed.error + '\n');
        return 1;
      }
      restartPolicy = parsed;
    }
    const resources = resourcesFromFlags(flags, {});
    if (Object.keys(resources).length === 0 && !flags.changed('restart')) {
      ctx.io.stderr('you must provide one or more flags when using this command\n');
      return 1;
    }
    return forEachContainer(ctx, flags.args as string[], (ref) => ctx.engine.update(ref, { resources, restartPolicy }));
  },
};

/**
 * The simulated daemon is a fresh docker-ce 28.2.2 install (client and engine
 * from the same release, as the course installs them): the version whose
 * wording its error texts follow. The conformance host runs Debian's 20.10
 * engine instead; test/conformance/known-differences.ts lists where they differ.
 */
const ENGINE = {
  platform: 'Docker Engine - Community',
  version: DOCKER_VERSION,
  apiVersion: '1.50',
  minApiVersion: '1.24',
  goVersion: 'go1.24.3',
  clientCommit: 'e6534b4',
  engineCommit: '45873be',
  /** time.ANSIC, as the client prints it; the daemon reports it in RFC 3339. */
  built: 'Fri May 30 12:07:27 2025',
  buildTime: '2025-05-30T12:07:27.000000000+00:00',
  containerd: { version: '1.7.27', commit: '05044ec0a9a75232cad458027ca83437aae3f4da' },
  runc: { version: '1.2.5', commit: 'v1.2.5-0-g59923ef' },
  init: { version: '0.19.0', commit: 'de40ad0' },
};

/** What `docker version` shows, as the client's template data (Client, Server). */
function versionData(): Record<string, unknown> {
  return {
    Client: {
      Platform: { Name: ENGINE.platform },
      Version: ENGINE.version,
      ApiVersion: ENGINE.apiVersion,
      DefaultAPIVersion: ENGINE.apiVersion,
      GitCommit: ENGINE.clientCommit,
      GoVersion: ENGINE.goVersion,
      Os: 'linux',
      Arch: 'amd64',
      BuildTime: ENGINE.built,
      Context: 'default',
    },
    Server: {
      Platform: { Name: ENGINE.platform },
      Components: [
        {
          Name: 'Engine',
          Version: ENGINE.version,
          Details: { ApiVersion: ENGINE.apiVersion, Arch: 'amd64', BuildTime: ENGINE.buildTime, Experimental: 'false', GitCommit: ENGINE.engineCommit, GoVersion: ENGINE.goVersion, KernelVersion: KERNEL_RELEASE_HOST, MinAPIVersion: ENGINE.minApiVersion, Os: 'linux' },
        },
        { Name: 'containerd', Version: ENGINE.containerd.version, Details: { GitCommit: ENGINE.containerd.commit } },
        { Name: 'runc', Version: ENGINE.runc.version, Details: { GitCommit: ENGINE.runc.commit } },
        { Name: 'docker-init', Version: ENGINE.init.version, Details: { GitCommit: ENGINE.init.commit } },
      ],
      Version: ENGINE.version,
      ApiVersion: ENGINE.apiVersion,
      MinAPIVersion: ENGINE.minApiVersion,
      GitCommit: ENGINE.engineCommit,
      GoVersion: ENGINE.goVersion,
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: KERNEL_RELEASE_HOST,
      BuildTime: ENGINE.buildTime,
    },
  };
}

/** What the client says when nothing answers on the daemon's socket. */
export const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

const VERSION_TEXT = `Client: ${ENGINE.platform}
 Version:           ${ENGINE.version}
 API version:       ${ENGINE.apiVersion}
 Go version:        ${ENGINE.goVersion}
 Git commit:        ${ENGINE.clientCommit}
 Built:             ${ENGINE.built}
 OS/Arch:           linux/amd64
 Context:           default

Server: ${ENGINE.platform}
 Engine:
  Version:          ${ENGINE.version}
  API version:      ${ENGINE.apiVersion} (minimum version ${ENGINE.minApiVersion})
  Go version:       ${ENGINE.goVersion}
  Git commit:       ${ENGINE.engineCommit}
  Built:            ${ENGINE.built}
  OS/Arch:          linux/amd64
  Experimental:     false
 containerd:
  Version:          ${ENGINE.containerd.version}
  GitCommit:        ${ENGINE.containerd.commit}
 runc:
  Version:          ${ENGINE.runc.version}
  GitCommit:        ${ENGINE.runc.commit}
 docker-init:
  Version:          ${ENGINE.init.version}
  GitCommit:        ${ENGINE.init.commit}
`;

export const version: CommandDef = {
  name: 'version',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const format = flags.string('format');
    if (!ctx.engine.daemonRunning) {
      // The client's half needs no daemon; the server's is the connection error.
      if (format === '') ctx.io.stdout(VERSION_TEXT.slice(0, VERSION_TEXT.indexOf('\n\nServer:') + 1));
      ctx.io.stderr(`${NO_DAEMON}\n`);
      return 1;
    }
    if (format === '') {
      ctx.io.stdout(VERSION_TEXT);
      return 0;
    }
    return templated(ctx, format, versionData());
  },
};

function templated(ctx: Ctx, format: string, data: unknown): number {
  if (format === 'json') {
    ctx.io.stdout(goJson(data) + '\n');
    return 0;
  }
  try {
    ctx.io.stdout(executeRow(parseFormat(format), data) + '\n');
    return 0;
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    ctx.io.stderr(`template parsing error: ${e.message}\n`);
    return 64;
  }
}

/** The daemon's /info, the fields the client prints. */
function infoData(engine: Engine): Record<string, unknown> {
  const all = engine.list({ all: true });
  const running = all.filter((c) => c.state === 'running' || c.state === 'restarting').length;
  const paused = all.filter((c) => c.state === 'paused').length;
  const v = engine.kernel.cgroupVersion;
  const file = engine.config.file;
  // dockerd lists host names among the index configs (Secure: false) and address ranges as CIDRs, after the loopback ones.
  const insecureCidrs = file.insecureRegistries.filter((r) => /^[0-9a-f:.]+\/\d+$/i.test(r));
  const insecureNames = file.insecureRegistries.filter((r) => !insecureCidrs.includes(r));
  return {
    ID: daemonId(engine.kernel.dockerd.pid),
    Containers: all.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: all.length - running - paused,
    Images: engine.snapshot().images.length,
    Driver: file.storageDriver,
    // overlay2's own status lines; another driver (daemon.json, noted as not simulated) has its own, not modelled.
    DriverStatus: file.storageDriver !== 'overlay2' ? [] : [
      ['Backing Filesystem', 'extfs'],
      ['Supports d_type', 'true'],
      ['Using metacopy', 'false'],
      ['Native Overlay Diff', 'true'],
      ['userxattr', 'false'],
    ],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'], Log: ['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'splunk', 'syslog'] },
    MemoryLimit: true,
    SwapLimit: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: true,
    Debug: file.debug,
    LoggingDriver: file.logDriver,
    CgroupDriver: file.cgroupDriver,
    CgroupVersion: String(v),
    KernelVersion: KERNEL_RELEASE_HOST,
    OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
    OSVersion: '12',
    OSType: 'linux',
    Architecture: 'x86_64',
    NCPU: engine.kernel.cpus,
    MemTotal: engine.kernel.memTotal,
    DockerRootDir: file.dataRoot,
    Name: 'glassbox',
    ExperimentalBuild: false,
    ServerVersion: ENGINE.version,
    Runtimes: { 'io.containerd.runc.v2': { path: 'runc' }, runc: { path: 'runc' } },
    DefaultRuntime: 'runc',
    LiveRestoreEnabled: file.liveRestore,
    Isolation: '',
    InitBinary: 'docker-init',
    ContainerdCommit: { ID: ENGINE.containerd.commit },
    RuncCommit: { ID: ENGINE.runc.commit },
    InitCommit: { ID: ENGINE.init.commit },
    SecurityOptions: v === 1 ? ['name=seccomp,profile=builtin'] : ['name=seccomp,profile=builtin', 'name=cgroupns'],
    CDISpecDirs: ['/etc/cdi', '/var/run/cdi'],
    RegistryConfig: {
      InsecureRegistryCIDRs: [...insecureCidrs, '::1/128', '127.0.0.0/8'],
      IndexConfigs: Object.fromEntries([...insecureNames.map((n) => [n, { Name: n, Mirrors: [], Secure: false, Official: false }]), ['docker.io', { Name: 'docker.io', Mirrors: file.registryMirrors, Secure: true, Official: true }]]),
      Mirrors: file.registryMirrors,
    },
  };
}

function infoText(d: Record<string, unknown>): string {
  const plugins = d.Plugins as { Volume: string[]; Network: string[]; Log: string[] };
  const registry = d.RegistryConfig as { InsecureRegistryCIDRs: string[]; IndexConfigs: Record<string, { Name: string; Secure: boolean }>; Mirrors: string[] };
  const lines = [
    `Client: ${ENGINE.platform}`,
    ` Version:    ${ENGINE.version}`,
    ' Context:    default',
    ' Debug Mode: false',
    '',
    'Server:',
    ` Containers: ${d.Containers}`,
    `  Running: ${d.ContainersRunning}`,
    `  Paused: ${d.ContainersPaused}`,
    `  Stopped: ${d.ContainersStopped}`,
    ` Images: ${d.Images}`,
    ` Server Version: ${d.ServerVersion}`,
    ` Storage Driver: ${d.Driver}`,
    ...(d.DriverStatus as string[][]).map(([k, v]) => `  ${k}: ${v}`),
    ` Logging Driver: ${d.LoggingDriver}`,
    ` Cgroup Driver: ${d.CgroupDriver}`,
    ` Cgroup Version: ${d.CgroupVersion}`,
    ' Plugins:',
    `  Volume: ${plugins.Volume.join(' ')}`,
    `  Network: ${plugins.Network.join(' ')}`,
    `  Log: ${plugins.Log.join(' ')}`,
    ' CDI spec directories:',
    ...(d.CDISpecDirs as string[]).map((dir) => `  ${dir}`),
    ' Swarm: inactive',
    ` Runtimes: ${Object.keys(d.Runtimes as object).join(' ')}`,
    ` Default Runtime: ${d.DefaultRuntime}`,
    ` Init Binary: ${d.InitBinary}`,
    ` containerd version: ${ENGINE.containerd.commit}`,
    ` runc version: ${ENGINE.runc.commit}`,
    ` init version: ${ENGINE.init.commit}`,
    ' Security Options:',
    '  seccomp',
    '   Profile: builtin',
    ...(d.CgroupVersion === '2' ? ['  cgroupns'] : []),
    ` Kernel Version: ${d.KernelVersion}`,
    ` Operating System: ${d.OperatingSystem}`,
    ` OSType: ${d.OSType}`,
    ` Architecture: ${d.Architecture}`,
    ` CPUs: ${d.NCPU}`,
    ` Total Memory: ${bytesSize(d.MemTotal as number)}`,
    ` Name: ${d.Name}`,
    ` ID: ${d.ID}`,
    ` Docker Root Dir: ${d.DockerRootDir}`,
    ` Debug Mode: ${d.Debug}`,
    ' Experimental: false',
    ' Insecure Registries:',
    ...Object.values(registry.IndexConfigs).filter((r) => !r.Secure).map((r) => `  ${r.Name}`),
    ...registry.InsecureRegistryCIDRs.map((cidr) => `  ${cidr}`),
    ...(registry.Mirrors.length > 0 ? [' Registry Mirrors:', ...registry.Mirrors.map((m) => `  ${m}`)] : []),
    ` Live Restore Enabled: ${d.LiveRestoreEnabled}`,
    '',
  ];
  return lines.join('\n') + '\n';
}

export const info: CommandDef = {
  name: 'info',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const data = infoData(ctx.engine);
    const format = flags.string('format');
    if (format === '') {
      ctx.io.stdout(infoText(data));
      return 0;
    }
    return templated(ctx, format, data);
  },
};
