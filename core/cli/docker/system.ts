import { DaemonError } from '../../engine/errors';
import type { Engine } from '../../engine/engine';
import { bytesSize, humanSizeWithPrecision } from '../humanize';
import { tabwriteRows } from '../table';
import { daemonErrorText, forEachContainer, type CommandDef, type Ctx } from './common';
import { parseRestart, resourcesFromFlags, resourceValidators } from './run';
import type { RestartPolicyRequest } from '../../engine/validate';
import { executeHeader, executeRow, goJson, parseFormat, TemplateError } from './template';
import { formatPs, KERNEL_RELEASE_HOST } from '../../kernel/procfs';

/**
 * The commands that show the kernel side of containers: `docker top`,
 * `docker stats`, `docker update`, and the daemon's `docker version` and
 * `docker info`, in the 28.2.2 client's format against the reference
 * 20.10 engine.
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
      const table = formatPs(psArgs.length > 0 ? psArgs : ['-ef'], procs, ctx.engine.now(), { memTotal: ctx.engine.kernel.memTotal, frozen: ctx.engine.kernel.frozenPids() });
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

function statsRow(engine: Engine, id: string, ref: string, noTrunc: boolean): StatsRow {
  const info = engine.inspect(id);
  const name = String(info.Name).slice(1);
  const cg = engine.kernel.cgroupState(id);
  const used = cg ? Math.max(0, cg.memoryUsage - INACTIVE_FILE) : 0;
  const limit = cg ? (cg.resources.memory > 0 ? cg.resources.memory : engine.kernel.memTotal) : 0;
  const pct = (n: number): string => `${n.toFixed(2)}%`;
  return {
    Container: ref,
    ID: noTrunc ? id : id.slice(0, 12),
    Name: cg ? name : '--',
    CPUPerc: pct(0),
    MemUsage: `${bytesSize(used)} / ${bytesSize(limit)}`,
    MemPerc: pct(limit > 0 ? (used / limit) * 100 : 0),
    NetIO: `${humanSizeWithPrecision(0, 3)} / ${humanSizeWithPrecision(0, 3)}`,
    BlockIO: `${humanSizeWithPrecision(0, 3)} / ${humanSizeWithPrecision(0, 3)}`,
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
    // Streaming: the client clears the screen and redraws each second; Ctrl-C ends it.
    ctx.io.stdout('\x1b[2J\x1b[H' + first.text);
    return new Promise<number>((resolve) => {
      let cancel = ctx.engine.after(1000, tick);
      const off = ctx.io.interrupt.onInterrupt(() => {
        cancel();
        off();
        resolve(0);
      });
      function tick(): void {
        const next = render();
        if (next.error !== undefined) {
          off();
          ctx.io.stderr(next.error + '\n');
          resolve(1);
          return;
        }
        ctx.io.stdout('\x1b[2J\x1b[H' + next.text);
        cancel = ctx.engine.after(1000, tick);
      }
    });
  },
};

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

const SERVER_VERSION = '20.10.24+dfsg1';

/** What `docker version` shows, as the client's template data (Client, Server). */
function versionData(): Record<string, unknown> {
  return {
    Client: {
      Version: '28.2.2',
      ApiVersion: '1.41',
      DefaultAPIVersion: '1.50',
      GitCommit: 'e6534b4',
      GoVersion: 'go1.24.3',
      Os: 'linux',
      Arch: 'amd64',
      BuildTime: 'Fri May 30 12:07:14 2025',
      Context: 'default',
    },
    Server: {
      Platform: { Name: '' },
      Components: [
        { Name: 'Engine', Version: SERVER_VERSION, Details: { ApiVersion: '1.41', Arch: 'amd64', BuildTime: '2026-05-07T21:09:36.000000000+00:00', Experimental: 'false', GitCommit: '5d6db84', GoVersion: 'go1.19.8', KernelVersion: KERNEL_RELEASE_HOST, MinAPIVersion: '1.12', Os: 'linux' } },
        { Name: 'containerd', Version: '1.6.20~ds1', Details: { GitCommit: '1.6.20~ds1-1+deb12u3' } },
        { Name: 'runc', Version: '1.1.5+ds1', Details: { GitCommit: '1.1.5+ds1-1+deb12u1' } },
        { Name: 'docker-init', Version: '0.19.0', Details: { GitCommit: '' } },
      ],
      Version: SERVER_VERSION,
      ApiVersion: '1.41',
      MinAPIVersion: '1.12',
      GitCommit: '5d6db84',
      GoVersion: 'go1.19.8',
      Os: 'linux',
      Arch: 'amd64',
      KernelVersion: KERNEL_RELEASE_HOST,
      BuildTime: '2026-05-07T21:09:36.000000000+00:00',
    },
  };
}

const VERSION_TEXT = `Client:
 Version:           28.2.2
 API version:       1.41 (downgraded from 1.50)
 Go version:        go1.24.3
 Git commit:        e6534b4
 Built:             Fri May 30 12:07:14 2025
 OS/Arch:           linux/amd64
 Context:           default

Server:
 Engine:
  Version:          ${SERVER_VERSION}
  API version:      1.41 (minimum version 1.12)
  Go version:       go1.19.8
  Git commit:       5d6db84
  Built:            Thu May  7 21:09:36 2026
  OS/Arch:          linux/amd64
  Experimental:     false
 containerd:
  Version:          1.6.20~ds1
  GitCommit:        1.6.20~ds1-1+deb12u3
 runc:
  Version:          1.1.5+ds1
  GitCommit:        1.1.5+ds1-1+deb12u1
 docker-init:
  Version:          0.19.0
  GitCommit:        
`;

export const version: CommandDef = {
  name: 'version',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    const format = flags.string('format');
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
  return {
    ID: daemonId(engine),
    Containers: all.length,
    ContainersRunning: running,
    ContainersPaused: paused,
    ContainersStopped: all.length - running - paused,
    Images: engine.snapshot().images.length,
    Driver: 'overlay2',
    DriverStatus: [
      ['Backing Filesystem', 'extfs'],
      ['Supports d_type', 'true'],
      ['Native Overlay Diff', 'true'],
      ['userxattr', 'false'],
    ],
    Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null', 'overlay'], Log: ['awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'logentries', 'splunk', 'syslog'] },
    MemoryLimit: true,
    SwapLimit: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: true,
    Debug: false,
    LoggingDriver: 'json-file',
    CgroupDriver: v === 1 ? 'cgroupfs' : 'systemd',
    CgroupVersion: String(v),
    KernelVersion: KERNEL_RELEASE_HOST,
    OperatingSystem: 'Debian GNU/Linux 12 (bookworm)',
    OSVersion: '12',
    OSType: 'linux',
    Architecture: 'x86_64',
    NCPU: engine.kernel.cpus,
    MemTotal: engine.kernel.memTotal,
    DockerRootDir: '/var/lib/docker',
    Name: 'glassbox',
    ExperimentalBuild: false,
    ServerVersion: SERVER_VERSION,
    Runtimes: { 'io.containerd.runc.v2': { path: 'runc' }, 'io.containerd.runtime.v1.linux': { path: 'runc' }, runc: { path: 'runc' } },
    DefaultRuntime: 'runc',
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: 'docker-init',
    SecurityOptions: v === 1 ? ['name=seccomp,profile=default'] : ['name=seccomp,profile=default', 'name=cgroupns'],
  };
}

/** The daemon's key id, as `docker info` shows it: 12 groups of 4 base32 characters, stable per machine. */
function daemonId(engine: Engine): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let h = 0x811c9dc5 ^ engine.kernel.dockerd.pid;
  const groups: string[] = [];
  for (let g = 0; g < 12; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) {
      h = Math.imul(h ^ (h >>> 15) ^ (g * 4 + i + 1), 0x2c1b3c6d) >>> 0;
      h = (h ^ (h >>> 12)) >>> 0;
      group += alphabet[h % 32];
    }
    groups.push(group);
  }
  return groups.join(':');
}

function infoText(d: Record<string, unknown>): string {
  const plugins = d.Plugins as { Volume: string[]; Network: string[]; Log: string[] };
  const lines = [
    'Client:',
    ' Version:    28.2.2',
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
    ' Swarm: inactive',
    ` Runtimes: ${Object.keys(d.Runtimes as object).join(' ')}`,
    ` Default Runtime: ${d.DefaultRuntime}`,
    ` Init Binary: ${d.InitBinary}`,
    ' containerd version: 1.6.20~ds1-1+deb12u3',
    ' runc version: 1.1.5+ds1-1+deb12u1',
    ' init version: ',
    ' Security Options:',
    '  seccomp',
    '   Profile: default',
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
    ' Debug Mode: false',
    ' Experimental: false',
    ' Insecure Registries:',
    '  127.0.0.0/8',
    ' Live Restore Enabled: false',
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
