import type { EditRequest } from '../../process';
import type { CreateOptions } from '../../engine/engine';
import { DaemonError } from '../../engine/errors';
import { PullStreamError } from '../../engine/imageService';
import type { RestartPolicyRequest } from '../../engine/validate';
import { normalizeImageRef } from '../../images/catalog';
import type { ParsedFlags } from '../flags';
import { daemonErrorText, type CommandDef, type Ctx } from './common';
import { memSwapBytes, nanoCpus, ramInBytes } from '../units';
import type { Resources } from '../../kernel/cgroups';
import { parseExpose, parsePortSpec, type PortBindingRequest, type Proto } from '../../network/ports';
import type { FlagSpec } from '../flags';
import { parseMountFlag, parseTmpfsFlags, splitVolumeFlags } from './mountFlags';
import type { MountRequest } from '../../engine/volumes/mountParser';

/** run/create's hidden aliases: --net for --network, --net-alias for --network-alias. */
const networkAliasFlags: FlagSpec[] = [
  { name: 'net', kind: 'stringArray', hidden: true },
  { name: 'net-alias', kind: 'stringArray', hidden: true },
];

/**
 * The network part of run/create (docker/cli's parseNetworkOpts and
 * nat.ParsePortSpecs): mode, aliases, --ip, -p, -P and --expose.
 */
function networkOptions(flags: ParsedFlags): Pick<CreateOptions, 'networkMode' | 'networkAliases' | 'ip' | 'portBindings' | 'publishAll' | 'expose' | 'extraNetworks'> | { error: string } {
  const portBindings: PortBindingRequest[] = [];
  for (const raw of flags.stringArray('publish')) {
    const parsed = parsePortSpec(raw);
    if ('error' in parsed) return parsed;
    portBindings.push(...parsed);
  }
  const expose: { port: number; proto: Proto }[] = [];
  for (const raw of flags.stringArray('expose')) {
    const parsed = parseExpose(raw);
    if ('error' in parsed) return parsed;
    expose.push(...parsed);
  }
  const networks = [...flags.stringArray('network'), ...flags.stringArray('net')];
  return {
    networkMode: networks[0] ?? 'default',
    networkAliases: [...flags.stringArray('network-alias'), ...flags.stringArray('net-alias')],
    ip: flags.string('ip'),
    portBindings,
    publishAll: flags.bool('publish-all'),
    expose,
    ...(networks.length > 1 ? { extraNetworks: networks.slice(1) } : {}),
  };
}
import { forwardKeys } from './exec';
import { displayJsonMessages } from './jsonMessages';
import { daemonPull } from './registry';

const bytesFlag = (raw: string): string | undefined => {
  const v = ramInBytes(raw);
  return typeof v === 'number' ? undefined : v.error;
};

/** The typed values of run/create's resource flags (pflag refuses a bad one before anything runs). */
export const resourceValidators: Readonly<Record<string, (raw: string) => string | undefined>> = {
  // opts.MountOpt refuses a bad --mount as the flags are parsed.
  mount: (raw) => {
    const m = parseMountFlag(raw, '/');
    return 'error' in m ? m.error : undefined;
  },
  memory: bytesFlag,
  'memory-reservation': bytesFlag,
  'kernel-memory': bytesFlag,
  'shm-size': bytesFlag,
  'memory-swap': (raw) => {
    const v = memSwapBytes(raw);
    return typeof v === 'number' ? undefined : v.error;
  },
  cpus: (raw) => {
    const v = nanoCpus(raw);
    return typeof v === 'number' ? undefined : v.error;
  },
};

/** The resource flags as HostConfig holds them (already validated by the flag parser). */
export function resourcesFromFlags(flags: ParsedFlags, opts: { oomKillDisable?: boolean } = { oomKillDisable: true }): Partial<Resources> {
  const num = (v: number | { error: string }): number => (typeof v === 'number' ? v : 0);
  const r: Partial<Resources> = {};
  if (flags.changed('memory')) r.memory = num(ramInBytes(flags.string('memory')));
  if (flags.changed('memory-swap')) r.memorySwap = num(memSwapBytes(flags.string('memory-swap')));
  if (flags.changed('memory-reservation')) r.memoryReservation = num(ramInBytes(flags.string('memory-reservation')));
  if (flags.changed('cpus')) r.nanoCpus = num(nanoCpus(flags.string('cpus')));
  if (flags.changed('cpu-shares')) r.cpuShares = flags.int('cpu-shares');
  if (flags.changed('cpu-period')) r.cpuPeriod = flags.int('cpu-period');
  if (flags.changed('cpu-quota')) r.cpuQuota = flags.int('cpu-quota');
  if (flags.changed('cpuset-cpus')) r.cpusetCpus = flags.string('cpuset-cpus');
  if (flags.changed('cpuset-mems')) r.cpusetMems = flags.string('cpuset-mems');
  if (flags.changed('pids-limit')) r.pidsLimit = flags.int('pids-limit');
  // docker update has no --oom-kill-disable.
  if (opts.oomKillDisable && flags.bool('oom-kill-disable')) r.oomKillDisable = true;
  return r;
}

/** What the simulator does not do yet: said plainly (exit 2), never accepted and ignored. */
function refuse(ctx: Ctx, what: string): number {
  ctx.io.stderr(`glassbox: ${ctx.path} ${what}: not simulated yet\n`);
  return 2;
}

/** docker/cli's "docker: <message>\n\nRun 'docker run --help' for more information". */
function runError(ctx: Ctx, message: string): string {
  return `docker: ${message}\n\nRun '${ctx.path} --help' for more information\n`;
}

/**
 * docker/cli's opts.ParseRestartPolicy: only the format is the client's to
 * check; the policy name and count are the daemon's (engine/validate.ts).
 */
export function parseRestart(raw: string): RestartPolicyRequest | { error: string } {
  if (raw === '') return { name: '', maximumRetryCount: 0 };
  const colon = raw.indexOf(':');
  const name = colon < 0 ? raw : raw.slice(0, colon);
  const count = colon < 0 ? '' : raw.slice(colon + 1);
  if (colon >= 0 && name === '') return { error: 'invalid restart policy format: no policy provided before colon' };
  let max = 0;
  if (count !== '') {
    // Go's strconv.Atoi: an optional sign and decimal digits, within int64.
    if (!/^[+-]?[0-9]+$/.test(count) || !Number.isSafeInteger(Number(count))) return { error: 'invalid restart policy format: maximum retry count must be an integer' };
    max = Number(count);
  }
  return { name, maximumRetryCount: max };
}

type PullPolicy = 'always' | 'missing' | 'never';

/**
 * The mount flags as the create request carries them (docker/cli's parse:
 * `-v` split into binds and anonymous volumes, --mount, --tmpfs,
 * --volumes-from, --read-only, --volume-driver). What the simulator cannot do
 * yet is refused, never dropped.
 */
function mountOptions(ctx: Ctx, flags: ParsedFlags): Pick<CreateOptions, 'mounts'> | { error: string } | { refuse: string } {
  const cwd = ctx.io.cwd ?? '/';
  const split = splitVolumeFlags(flags.stringArray('volume'), cwd);
  if ('error' in split) return split;
  const mounts: MountRequest[] = [];
  for (const raw of flags.stringArray('mount')) {
    const m = parseMountFlag(raw, cwd);
    if ('error' in m) return m;
    if (m.type === 'image') return { refuse: '--mount type=image' };
    if (m.volumeOptions?.subpath) return { refuse: '--mount volume-subpath' };
    if (m.volumeOptions?.driverConfig.options && Object.keys(m.volumeOptions.driverConfig.options).length > 0) return { refuse: '--mount volume-opt (volume driver options)' };
    mounts.push(m);
  }
  const tmpfs = parseTmpfsFlags(flags.stringArray('tmpfs'));
  const volumesFrom = flags.stringArray('volumes-from');
  const readonlyRootfs = flags.bool('read-only');
  const volumeDriver = flags.string('volume-driver');
  if (split.binds.length + split.volumes.length + mounts.length + volumesFrom.length + Object.keys(tmpfs).length === 0 && !readonlyRootfs && volumeDriver === '') return {};
  return {
    mounts: {
      ...(split.binds.length > 0 ? { binds: split.binds } : {}),
      ...(split.volumes.length > 0 ? { volumes: split.volumes } : {}),
      ...(mounts.length > 0 ? { mounts } : {}),
      ...(volumesFrom.length > 0 ? { volumesFrom } : {}),
      ...(Object.keys(tmpfs).length > 0 ? { tmpfs } : {}),
      ...(readonlyRootfs ? { readonlyRootfs } : {}),
      ...(volumeDriver !== '' ? { volumeDriver } : {}),
    },
  };
}

interface Prepared {
  options: CreateOptions;
  pull: PullPolicy;
  detach: boolean;
  interactive: boolean;
  tty: boolean;
  sigProxy: boolean;
}

/**
 * Turns run/create flags into the create request, in docker/cli's order
 * (validatePullOpt, then parse); returns an error text for what the client
 * refuses itself.
 */
function prepare(ctx: Ctx, flags: ParsedFlags, forRun: boolean): Prepared | { error: string } | { refuse: string } {
  const pull = flags.string('pull');
  if (pull !== 'always' && pull !== 'missing' && pull !== 'never') {
    return { error: `invalid pull option: '${pull}': must be one of "always", "missing" or "never"` };
  }
  const [image, ...cmd] = flags.args as string[];
  // parse() reads the volumes before the restart policy.
  const mounts = mountOptions(ctx, flags);
  if ('error' in mounts || 'refuse' in mounts) return mounts;
  const restart = parseRestart(flags.string('restart'));
  if ('error' in restart) return { error: restart.error };
  const autoRemove = flags.bool('rm');
  // Checked before the daemon sees the policy: `--rm --restart bogus` is this conflict, not an unknown policy.
  if (autoRemove && restart.name !== 'no' && restart.name !== '') return { error: 'conflicting options: cannot specify both --restart and --rm' };
  const detach = forRun && flags.bool('detach');
  if (detach && flags.changed('attach')) return { error: 'conflicting options: cannot specify both --attach and --detach' };
  const interactive = flags.bool('interactive');
  const tty = flags.bool('tty');
  const attach = flags.stringArray('attach').map((s) => s.toLowerCase());
  // docker create records the attach flags as docker run would; only -d clears them.
  const attached = !detach;
  const labels: Record<string, string> = {};
  for (const l of flags.stringArray('label')) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  const net = networkOptions(flags);
  if ('error' in net) return { error: net.error };
  const options: CreateOptions = {
    ...net,
    ...mounts,
    image: image!,
    cmd,
    env: flags.stringArray('env'),
    hostname: flags.string('hostname') || undefined,
    tty,
    openStdin: interactive,
    attachStdin: attached ? interactive || attach.includes('stdin') : false,
    attachStdout: attached ? attach.length === 0 || attach.includes('stdout') : false,
    attachStderr: attached ? attach.length === 0 || attach.includes('stderr') : false,
    autoRemove,
    restartPolicy: restart,
    labels,
  };
  if (flags.changed('name')) options.name = flags.string('name');
  if (flags.changed('entrypoint')) options.entrypoint = flags.string('entrypoint');
  if (flags.changed('workdir')) options.workingDir = flags.string('workdir');
  if (flags.changed('stop-signal')) options.stopSignal = flags.string('stop-signal');
  if (flags.changed('stop-timeout')) options.stopTimeout = flags.int('stop-timeout');
  if (flags.changed('user')) options.user = flags.string('user');
  // docker/cli's parse: PidMode and UTSMode are the client's to check; the IPC mode is the daemon's.
  const pidMode = flags.string('pid');
  if (!validPidMode(pidMode)) return { error: '--pid: invalid PID mode' };
  const utsMode = flags.string('uts');
  if (utsMode !== '' && utsMode !== 'host') return { error: '--uts: invalid UTS mode' };
  if (pidMode !== '') options.pidMode = pidMode;
  if (utsMode !== '') options.utsMode = utsMode;
  if (flags.string('ipc') !== '') options.ipcMode = flags.string('ipc');
  const resources = resourcesFromFlags(flags);
  if (Object.keys(resources).length > 0) options.resources = resources;
  return { options, pull, detach, interactive, tty, sigProxy: forRun ? flags.bool('sig-proxy') : true };
}

/** container.PidMode.Valid: '', 'host' or 'container:<name>'. */
function validPidMode(mode: string): boolean {
  if (mode === '' || mode === 'host') return true;
  const parts = mode.split(':');
  return parts[0] === 'container' && parts.length === 2 && parts[1] !== '';
}

/**
 * docker/cli's createContainer: with --pull always the image is pulled first;
 * otherwise the create is tried, and only a missing image with --pull missing
 * (the default) is pulled, announced, and the create tried again. A private
 * registry's image (host[:port]/name) is pulled over the simulated network.
 */
async function createContainer(ctx: Ctx, options: CreateOptions, pull: PullPolicy): Promise<{ id: string } | { error: string }> {
  const pullImage = async (): Promise<string | undefined> => {
    try {
      // The client prints the pull on stderr, keeping stdout for the container's id; the shell tracks one
      // terminal flag for output, which stands for stderr's too.
      ctx.io.stderr(displayJsonMessages(await daemonPull(ctx, options.image), ctx.io.stdoutIsTTY === true));
      return undefined;
    } catch (e) {
      if (!(e instanceof PullStreamError)) return daemonErrorText(e);
      ctx.io.stderr(displayJsonMessages(e.messages, ctx.io.stdoutIsTTY === true));
      return e.message;
    }
  };
  if (pull === 'always') {
    const error = await pullImage();
    if (error !== undefined) return { error };
  }
  const created = (): { id: string } => {
    const r = ctx.engine.create(options);
    for (const w of r.warnings) ctx.io.stderr(`WARNING: ${w}\n`);
    return r;
  };
  try {
    return created();
  } catch (e) {
    const imageMissing = e instanceof DaemonError && e.kind === 'notFound' && ctx.engine.image(options.image) === undefined;
    if (!imageMissing || pull !== 'missing') return { error: daemonErrorText(e) };
  }
  ctx.io.stderr(`Unable to find image '${normalizeImageRef(options.image)}' locally\n`);
  const error = await pullImage();
  if (error !== undefined) return { error };
  try {
    return created();
  } catch (e) {
    return { error: daemonErrorText(e) };
  }
}

export const create: CommandDef = {
  name: 'create',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  args: { kind: 'min', n: 1 },
  interspersed: false,
  extraFlags: networkAliasFlags,
  validators: resourceValidators,
  async run(ctx, flags) {
    const prepared = prepare(ctx, flags, false);
    if ('refuse' in prepared) return refuse(ctx, prepared.refuse);
    if ('error' in prepared) {
      ctx.io.stderr(runError(ctx, prepared.error));
      return 125;
    }
    // What the daemon refuses comes back as a plain error (exit 1).
    const created = await createContainer(ctx, prepared.options, prepared.pull);
    if ('error' in created) {
      ctx.io.stderr(created.error + '\n');
      return 1;
    }
    ctx.io.stdout(created.id + '\n');
    return 0;
  },
};

export const run: CommandDef = {
  name: 'run',
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  args: { kind: 'min', n: 1 },
  interspersed: false,
  extraFlags: networkAliasFlags,
  validators: resourceValidators,
  async run(ctx, flags) {
    const prepared = prepare(ctx, flags, true);
    if ('refuse' in prepared) return refuse(ctx, prepared.refuse);
    if ('error' in prepared) {
      ctx.io.stderr(runError(ctx, prepared.error));
      return 125;
    }
    const { options, detach, tty, interactive } = prepared;
    if (!detach && tty && interactive && !ctx.io.stdinIsTTY) {
      ctx.io.stderr('the input device is not a TTY\n');
      return 1;
    }
    const created = await createContainer(ctx, options, prepared.pull);
    if ('error' in created) {
      ctx.io.stderr(runError(ctx, created.error));
      return 125;
    }
    const { id } = created;
    const { engine } = ctx;
    if (detach) {
      ctx.io.stdout(id + '\n');
      try {
        engine.start(id);
      } catch (e) {
        ctx.io.stderr(runError(ctx, daemonErrorText(e)));
        return e instanceof DaemonError && e.exitCode !== undefined ? e.exitCode : 125;
      }
      return 0;
    }
    // Foreground: attach first, wait for the exit (or the removal with --rm), then start.
    const detachClient = engine.attach(id, {
      stdout: options.attachStdout ? (t) => ctx.io.stdout(t) : () => {},
      stderr: options.attachStderr ? (t) => ctx.io.stderr(t) : () => {},
      stdin: interactive ? attachedStdin(ctx) : undefined,
      ...attachedEditor(ctx, interactive),
    });
    const exited = engine.wait(id, options.autoRemove ? 'removed' : 'next-exit');
    try {
      engine.start(id);
    } catch (e) {
      detachClient();
      ctx.io.stderr(runError(ctx, daemonErrorText(e)));
      return e instanceof DaemonError && e.exitCode !== undefined ? e.exitCode : 125;
    }
    return attachUntilExit(ctx, id, exited, detachClient, tty && interactive && ctx.io.stdinIsTTY ? 'keystroke' : 'run', prepared.sigProxy, interactive ? tty : undefined);
  },
};

/**
 * What an attached `-i` container reads: the piped text, or, when stdin is a
 * terminal or the backend delivers typed input, nothing yet (it stays open).
 * Otherwise (a script with nothing piped) stdin is already at end of file.
 */
export function attachedStdin(ctx: Ctx): string | null {
  return ctx.io.stdin ?? (ctx.io.stdinIsTTY || ctx.io.terminal ? null : '');
}

/** The terminal's editor pane, for an editor in the container when this client types into it (`-i` on a terminal that has one). */
export function attachedEditor(ctx: Ctx, interactive: boolean): { edit?: (request: EditRequest) => Promise<string | null> } {
  const edit = interactive && ctx.io.stdinIsTTY ? ctx.io.terminal?.edit : undefined;
  return edit ? { edit: (request) => edit(request) } : {};
}

/** The client's own limit: the third SIGINT/SIGTERM ends it whatever it is doing (exit 1). */
const FORCED_EXIT_SIGNALS = 3;

/**
 * How Ctrl-C acts on an attached client:
 * - `run`: each one is proxied to the container as SIGINT (--sig-proxy), which
 *   a PID 1 without a handler ignores; the third ends the client (exit 1) and
 *   the container runs on.
 * - `start -a`: the first is proxied (not to a tty container) and the client
 *   leaves at once, with status 0.
 * - With `-it` on an interactive terminal, Ctrl-C is a keystroke for the
 *   container's tty: a terminal that delivers keystrokes sends it as one
 *   ("\x03"); where none can (a script), the client detaches, as Ctrl-P
 *   Ctrl-Q would.
 */
type CtrlC = 'run' | 'start' | 'keystroke';

/**
 * Stays attached until the container exits or Ctrl-C ends the client (see
 * CtrlC). With `-i` (`stdinTty` says whether the container has a tty) the
 * terminal's keystrokes go to the container; Ctrl-P Ctrl-Q detaches silently
 * with status 0, as `run -it` and `start -ai` do.
 */
async function attachUntilExit(ctx: Ctx, id: string, exited: Promise<number>, detachClient: () => void, ctrlC: CtrlC, sigProxy: boolean, stdinTty?: boolean): Promise<number> {
  return new Promise<number>((resolve) => {
    let done = false;
    let interrupts = 0;
    const finish = (code: number): void => {
      done = true;
      off();
      keys?.release();
      detachClient();
      resolve(code);
    };
    const onCtrlC = (): void => {
      if (done) return;
      interrupts++;
      if (ctrlC === 'keystroke') return finish(0);
      if (sigProxy) {
        try {
          ctx.engine.kill(id, 'SIGINT');
        } catch {
          // The container may already be gone; nothing to forward to.
        }
      }
      if (ctrlC === 'start') return finish(0);
      if (interrupts >= FORCED_EXIT_SIGNALS) {
        ctx.io.stderr(`\ngot ${FORCED_EXIT_SIGNALS} SIGTERM/SIGINTs, forcefully exiting\n`);
        finish(1);
      }
    };
    const off = ctx.io.interrupt.onInterrupt(onCtrlC);
    const keys =
      stdinTty === undefined
        ? null
        : forwardKeys(ctx, { write: (d) => ctx.engine.writeStdin(id, d), close: () => ctx.engine.closeStdin(id), tty: stdinTty }, () => finish(0), onCtrlC);
    exited.then((code) => {
      if (done) return;
      finish(code);
    });
  });
}

export const start: CommandDef = {
  name: 'start',
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    const refs = flags.args;
    const attach = flags.bool('attach');
    const interactive = flags.bool('interactive');
    const { engine } = ctx;
    if (attach || interactive) {
      if (refs.length > 1) {
        ctx.io.stderr('you cannot start and attach multiple containers at once\n');
        return 1;
      }
      const ref = refs[0]!;
      let detachClient: () => void;
      let exited: Promise<number>;
      let isTty: boolean;
      try {
        isTty = engine.isTty(ref);
        detachClient = engine.attach(ref, {
          stdout: (t) => ctx.io.stdout(t),
          stderr: (t) => ctx.io.stderr(t),
          stdin: interactive ? attachedStdin(ctx) : undefined,
          ...attachedEditor(ctx, interactive),
        });
        exited = engine.wait(ref, 'next-exit');
        try {
          engine.start(ref);
        } catch (e) {
          if (!(e instanceof DaemonError && e.kind === 'notModified')) {
            detachClient();
            throw e;
          }
        }
      } catch (e) {
        ctx.io.stderr(daemonErrorText(e) + '\n');
        return 1;
      }
      // docker start forwards signals only to a container without a tty.
      return attachUntilExit(ctx, ref, exited, detachClient, isTty && interactive && ctx.io.stdinIsTTY ? 'keystroke' : 'start', !isTty, interactive ? isTty : undefined);
    }
    const failed: string[] = [];
    for (const ref of refs) {
      try {
        engine.start(ref);
        ctx.io.stdout(ref + '\n');
      } catch (e) {
        if (e instanceof DaemonError && e.kind === 'notModified') {
          ctx.io.stdout(ref + '\n');
          continue;
        }
        ctx.io.stderr(daemonErrorText(e) + '\n');
        failed.push(ref);
      }
    }
    if (failed.length === 0) return 0;
    ctx.io.stderr(`Error: failed to start containers: ${failed.join(', ')}\n`);
    return 1;
  },
};

