import type { CommandRunner, ProcessIO } from '../process';
import { type DockerUnit, type StartResult, relativeTime, systemdTime } from './dockerService';

/**
 * The host's systemd tools for docker.service (systemd 252, Debian 12):
 * systemctl, service and journalctl, with their output formats and exit codes
 * (LSB: 3 for a unit that is not running, 4 for no such unit, 5 for one not loaded).
 * Other units and verbs are refused as not simulated.
 */

type UnitName = 'docker.service' | 'docker.socket';

function unitName(arg: string): UnitName | undefined {
  if (arg === 'docker' || arg === 'docker.service') return 'docker.service';
  if (arg === 'docker.socket') return 'docker.socket';
  return undefined;
}

function fullName(arg: string): string {
  return arg.includes('.') ? arg : `${arg}.service`;
}

const EXEC_START = '/usr/sbin/dockerd -H fd:// $DOCKER_OPTS';

export function systemctlCommand(unit: DockerUnit, now: () => number): CommandRunner {
  return async (argv, io) => {
    const all = argv.slice(1);
    // -n N / --lines=N: how many journal lines status shows (10 by default).
    let lines = 10;
    for (let i = 0; i < all.length; i++) {
      const m = /^(?:-n|--lines=?)(.*)$/.exec(all[i]!);
      if (!m) continue;
      const v = m[1] !== '' ? m[1]! : all[i + 1];
      if (v === undefined || !/^\d+$/.test(v)) {
        io.stderr(`Failed to parse lines '${v ?? ''}'.\n`);
        return 1;
      }
      lines = Number(v);
      all.splice(i, m[1] !== '' ? 1 : 2);
      i--;
    }
    const args = all.filter((a) => !['--no-pager', '-l', '--full', '--no-legend', '-q', '--quiet'].includes(a));
    const quiet = all.includes('-q') || all.includes('--quiet');
    const flag = args.find((a) => a.startsWith('-'));
    if (flag !== undefined) return notSimulated(io, `systemctl ${flag}`);
    const [verb, ...names] = args;
    if (verb === undefined) return notSimulated(io, 'systemctl (listing units)');
    if (verb === 'daemon-reload') return 0;
    const known = ['start', 'stop', 'restart', 'reload', 'status', 'is-active', 'enable', 'disable', 'is-enabled', 'reset-failed'];
    if (!known.includes(verb)) return notSimulated(io, `systemctl ${verb}`);
    if (names.length === 0) {
      if (verb === 'status') return notSimulated(io, 'systemctl status (the whole system)');
      io.stderr(`Too few arguments.\n`);
      return 1;
    }
    let code = 0;
    for (const arg of names) {
      const name = unitName(arg);
      const c = await one(unit, verb, arg, name, io, now, quiet, lines);
      if (c !== 0 && code === 0) code = c;
    }
    return code;
  };
}

async function one(unit: DockerUnit, verb: string, arg: string, name: UnitName | undefined, io: ProcessIO, now: () => number, quiet: boolean, lines: number): Promise<number> {
  if (name === undefined) {
    switch (verb) {
      case 'is-active':
        if (!quiet) io.stdout('inactive\n');
        return 3;
      case 'status':
        io.stderr(`Unit ${fullName(arg)} could not be found.\n`);
        return 4;
      case 'is-enabled':
        io.stderr(`Failed to get unit file state for ${fullName(arg)}: No such file or directory\n`);
        return 1;
      case 'enable':
      case 'disable':
        io.stderr(`Failed to ${verb} unit: Unit file ${fullName(arg)} does not exist.\n`);
        return 1;
      default:
        io.stderr(`Failed to ${verb} ${fullName(arg)}: Unit ${fullName(arg)} ${verb === 'stop' ? 'not loaded' : 'not found'}.\n`);
        return 5;
    }
  }
  if (name === 'docker.socket') return socketVerb(unit, verb, io, quiet);
  switch (verb) {
    case 'start':
      return jobResult(io, unit.start());
    case 'restart':
      return jobResult(io, await unit.restart());
    case 'reload':
      // ExecReload=/bin/kill -s HUP $MAINPID; systemd refuses the job for a unit that is not running.
      if (unit.reload(true)) return 0;
      io.stderr('docker.service is not active, cannot reload.\n');
      return 1;
    case 'reset-failed':
      unit.resetFailed();
      return 0;
    case 'stop':
      if (unit.socketActive && unit.state === 'active') io.stderr('Warning: Stopping docker.service, but it can still be activated by:\n  docker.socket\n');
      await unit.stop();
      return 0;
    case 'is-active':
      if (!quiet) io.stdout(`${unit.state === 'auto-restart' ? 'activating' : unit.state}\n`);
      return unit.state === 'active' ? 0 : 3;
    case 'is-enabled':
      if (!quiet) io.stdout(`${unit.enabled ? 'enabled' : 'disabled'}\n`);
      return unit.enabled ? 0 : 1;
    case 'enable':
    case 'disable':
      return enable(unit, verb === 'enable', io);
    default:
      io.stdout(status(unit, now(), lines));
      return unit.state === 'active' ? 0 : 3;
  }
}

function socketVerb(unit: DockerUnit, verb: string, io: ProcessIO, quiet: boolean): number {
  switch (verb) {
    case 'start':
    case 'restart':
      unit.socketActive = true;
      return 0;
    case 'stop':
      unit.socketActive = false;
      return 0;
    case 'is-active':
      if (!quiet) io.stdout(unit.socketActive ? 'active\n' : 'inactive\n');
      return unit.socketActive ? 0 : 3;
    default:
      return notSimulated(io, `systemctl ${verb} docker.socket`);
  }
}

function enable(unit: DockerUnit, on: boolean, io: ProcessIO): number {
  // docker.io ships an init script too, so systemctl hands the SysV side to systemd-sysv-install.
  io.stderr(`Synchronizing state of docker.service with SysV service script with /lib/systemd/systemd-sysv-install.\nExecuting: /lib/systemd/systemd-sysv-install ${on ? 'enable' : 'disable'} docker\n`);
  if (on && !unit.enabled) io.stderr('Created symlink /etc/systemd/system/multi-user.target.wants/docker.service → /lib/systemd/system/docker.service.\n');
  if (!on && unit.enabled) io.stderr('Removed "/etc/systemd/system/multi-user.target.wants/docker.service".\n');
  unit.enabled = on;
  return 0;
}

function jobResult(io: ProcessIO, result: StartResult): number {
  if (result === 'started') return 0;
  const see = 'See "systemctl status docker.service" and "journalctl -xeu docker.service" for details.\n';
  if (result === 'exit-code') io.stderr(`Job for docker.service failed because the control process exited with error code.\n${see}`);
  else io.stderr(`Job for docker.service failed because start of the service was attempted too often.\n${see}To force a start use "systemctl reset-failed docker.service" followed by "systemctl start docker.service" again.\n`);
  return 1;
}

/** `systemctl status docker`: the unit's header, then its last `lines` journal lines. */
export function status(unit: DockerUnit, now: number, lines = 10): string {
  const since = `since ${systemdTime(unit.since)}; ${relativeTime(now - unit.since)}`;
  const bullet = unit.state === 'active' || unit.state === 'auto-restart' ? '●' : unit.state === 'failed' ? '×' : '○';
  const active = {
    active: `active (running) ${since}`,
    failed: `failed (Result: exit-code) ${since}`,
    'auto-restart': `activating (auto-restart) (Result: exit-code) ${since}`,
    inactive: `inactive (dead) ${since}`,
  }[unit.state];
  const head = [
    `${bullet} docker.service - Docker Application Container Engine`,
    `     Loaded: loaded (/lib/systemd/system/docker.service; ${unit.enabled ? 'enabled' : 'disabled'}; preset: enabled)`,
    `     Active: ${active}`,
    `TriggeredBy: ${unit.socketActive ? '●' : '○'} docker.socket`,
    '       Docs: https://docs.docker.com',
  ];
  if (unit.state === 'active') {
    head.push(`   Main PID: ${unit.pid} (dockerd)`, '     CGroup: /system.slice/docker.service', `             └─${unit.pid} /usr/sbin/dockerd`);
  } else if (unit.state === 'failed' || unit.state === 'auto-restart') {
    head.push(`    Process: ${unit.pid} ExecStart=${EXEC_START} (code=exited, status=1/FAILURE)`, `   Main PID: ${unit.pid} (code=exited, status=1/FAILURE)`);
  }
  if (lines === 0) return head.join('\n') + '\n';
  const recent = unit.journal.slice(-lines).map((l) => unit.format(l));
  return [...head, '', ...recent].join('\n') + '\n';
}

/** `service docker start|stop|restart|status`: Debian's service hands systemd units to systemctl. */
export function serviceCommand(systemctl: CommandRunner): CommandRunner {
  return async (argv, io) => {
    const [name, action] = argv.slice(1);
    if (name === undefined || name.startsWith('-')) return notSimulated(io, `service ${name ?? ''}`.trim());
    if (unitName(name) === undefined) {
      io.stderr(`${name}: unrecognized service\n`);
      return 1;
    }
    if (action === undefined) {
      io.stderr('Usage: /etc/init.d/docker {start|stop|restart|status}\n');
      return 3;
    }
    if (!['start', 'stop', 'restart', 'reload', 'status'].includes(action)) return notSimulated(io, `service ${name} ${action}`);
    return systemctl(['systemctl', action, `${name}.service`], io);
  };
}

/** `journalctl -u docker [-n N] [--no-pager] [-x] [-e]`. */
export function journalctlCommand(unit: DockerUnit): CommandRunner {
  return async (argv, io) => {
    let unitArg: string | undefined;
    let lines: number | undefined;
    let end = false;
    const args = argv.slice(1);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const value = (): string | undefined => (a.includes('=') ? a.slice(a.indexOf('=') + 1) : a.length > 2 && !a.startsWith('--') ? a.slice(2) : args[++i]);
      if (a === '--no-pager' || a === '-x' || a === '--catalog') continue;
      if (a === '-e' || a === '--pager-end') end = true;
      else if (/^-[xe]+$/.test(a)) end ||= a.includes('e');
      else if (/^-[xe]*u/.test(a) && !a.startsWith('--')) {
        end ||= a.slice(0, a.indexOf('u')).includes('e');
        unitArg = a.slice(a.indexOf('u') + 1) || args[++i];
      } else if (a === '--unit' || a.startsWith('--unit=')) unitArg = value();
      else if (a.startsWith('-n') || a === '--lines' || a.startsWith('--lines=')) {
        const v = value();
        const n = Number(v);
        if (v === undefined || !/^\d+$/.test(v) || !Number.isFinite(n)) {
          io.stderr(`Failed to parse lines '${v ?? ''}'.\n`);
          return 1;
        }
        lines = n;
      } else return notSimulated(io, `journalctl ${a}`);
    }
    if (unitArg === undefined) return notSimulated(io, 'journalctl without -u docker');
    if (unitName(unitArg) !== 'docker.service') return notSimulated(io, `journalctl -u ${unitArg}`);
    const n = lines ?? (end ? 1000 : undefined);
    const shown = n === undefined ? unit.journal : n === 0 ? [] : unit.journal.slice(-n);
    if (shown.length === 0) {
      io.stdout('-- No entries --\n');
      return 0;
    }
    io.stdout(shown.map((l) => unit.format(l)).join('\n') + '\n');
    return 0;
  };
}

function notSimulated(io: ProcessIO, what: string): number {
  io.stderr(`glassbox: ${what}: not simulated yet\n`);
  return 2;
}
