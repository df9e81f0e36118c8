import type { Fs } from '../shell/filesystem';
import { FsError } from '../shell/filesystem';
import type { DaemonConfig } from './config';
import { DAEMON_JSON, parseDaemonJson } from './daemonJson';
import type { ManualStops } from './daemon';
import type { Engine } from './engine';
import { DOCKER_VERSION } from '../images/store';
import { daemonId, defaultReloadExtras, reloadConfig } from './daemonReload';

/** The engine's commit, as `docker version` shows it (core/cli/docker/system.ts). */
const ENGINE_COMMIT = '45873be';

/**
 * docker.service under systemd on the Debian host (docker.io's unit, started
 * through docker.socket): dockerd's start reads /etc/docker/daemon.json, its
 * stop takes the containers down, and the journal keeps what systemd and
 * dockerd logged. systemctl, service and journalctl (hostPrograms.ts) drive it.
 */

/** 'auto-restart': failed, and systemd starts it again after RestartSec. */
export type UnitState = 'active' | 'inactive' | 'failed' | 'auto-restart';

/** The unit's Restart=always, RestartSec=2, StartLimitBurst=3 in StartLimitIntervalSec=60 (docker-ce's and docker.io's docker.service). */
const RESTART_SEC = 2_000;
const START_LIMIT_BURST = 3;
const START_LIMIT_INTERVAL = 60_000;

/** Why a start did not bring dockerd up: it exited (exit-code), or systemd refused to try again so soon. */
export type StartResult = 'started' | 'exit-code' | 'start-limit-hit';

export interface JournalLine {
  t: number;
  /** "systemd" (pid 1) or "dockerd". */
  ident: 'systemd' | 'dockerd';
  text: string;
}

const DESCRIPTION = 'Docker Application Container Engine';

export class DockerUnit {
  state: UnitState = 'active';
  /** When the unit last changed state (Active: … since). */
  since: number;
  enabled = true;
  /** docker.socket: while it listens, a client's connection starts a stopped docker.service. */
  socketActive = true;
  readonly journal: JournalLine[] = [];
  private manual: ManualStops = new Map();
  /** When the unit was started within the start-limit interval. */
  private starts: number[] = [];
  /** systemd's restart counter for this run of automatic restarts. */
  private restarts = 0;
  private cancelRestart: (() => void) | null = null;

  constructor(
    readonly engine: Engine,
    private readonly fs: Fs,
    private readonly now: () => number,
  ) {
    // Started at boot, when the kernel's dockerd process did.
    const boot = engine.kernel.process(this.pid)?.started ?? now();
    this.since = boot;
    // What the daemon logs as it works (a mirror it could not reach) goes to the journal, quoted as logrus quotes.
    engine.services.daemonLog = (level, msg) => this.dockerd(level, msg.replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
    this.at = boot;
    this.logStart();
    this.logStarted();
    this.at = undefined;
  }

  /** The time the boot's lines are logged at (before the first line the user runs). */
  private at: number | undefined;

  get pid(): number {
    return this.engine.kernel.dockerd.pid;
  }

  /** `systemctl stop docker`: SIGTERM to dockerd, which stops its containers (unless live-restore) and exits. */
  async stop(): Promise<void> {
    this.cancelAutoRestart();
    if (this.state === 'auto-restart') this.setState('failed');
    if (this.state !== 'active') return;
    this.log('systemd', `Stopping docker.service - ${DESCRIPTION}...`);
    this.dockerd('info', `Processing signal 'terminated'`);
    this.manual = await this.engine.daemonShutdown();
    this.dockerd('info', 'Daemon shutdown complete');
    this.log('systemd', 'docker.service: Deactivated successfully.');
    this.log('systemd', `Stopped docker.service - ${DESCRIPTION}.`);
    this.setState('inactive');
  }

  /**
   * `systemctl start docker`: dockerd reads daemon.json. When it exits at once
   * systemd starts it again after RESTART_SEC, until the start limit.
   */
  start(auto = false): StartResult {
    if (this.state === 'active') return 'started';
    if (!auto) {
      this.cancelAutoRestart();
      this.restarts = 0;
    }
    const now = this.now();
    this.starts = this.starts.filter((t) => now - t < START_LIMIT_INTERVAL);
    if (this.starts.length >= START_LIMIT_BURST) {
      this.log('systemd', 'docker.service: Start request repeated too quickly.');
      this.log('systemd', "docker.service: Failed with result 'exit-code'.");
      this.log('systemd', `Failed to start docker.service - ${DESCRIPTION}.`);
      if (this.socketActive) {
        this.log('systemd', "docker.socket: Failed with result 'service-start-limit-hit'.");
        this.socketActive = false;
      }
      if (this.state !== 'failed') this.setState('failed');
      return 'start-limit-hit';
    }
    this.starts.push(now);
    this.log('systemd', `Starting docker.service - ${DESCRIPTION}...`);
    const config = this.readConfig();
    // A file dockerd cannot load fails before "Starting up"; the checks of the daemon's own start after it.
    if (typeof config !== 'string' || config.startsWith('failed to start daemon')) this.dockerd('info', 'Starting up');
    if (typeof config === 'string') {
      // dockerd prints the error on its stderr and exits 1 (cmd/dockerd).
      this.log('dockerd', config);
      this.log('systemd', 'docker.service: Main process exited, code=exited, status=1/FAILURE');
      this.log('systemd', "docker.service: Failed with result 'exit-code'.");
      this.log('systemd', `Failed to start docker.service - ${DESCRIPTION}.`);
      this.setState('auto-restart');
      this.cancelRestart = this.engine.services.scheduler.after(RESTART_SEC, () => {
        this.cancelRestart = null;
        this.restarts++;
        this.log('systemd', `docker.service: Scheduled restart job, restart counter is at ${this.restarts}.`);
        this.log('systemd', `Stopped docker.service - ${DESCRIPTION}.`);
        this.start(true);
      });
      return 'exit-code';
    }
    this.engine.daemonStart(config.config, this.manual);
    for (const key of config.notSimulated) this.log('dockerd', `glassbox: daemon.json: "${key}" is not simulated yet`);
    this.logStarted();
    this.setState('active');
    return 'started';
  }

  /** daemon.json's reloadable options that DaemonFileSettings does not hold (labels, max-concurrent-*): daemonReload.ts. */
  private reloadExtras = defaultReloadExtras();

  /**
   * SIGHUP to dockerd (`systemctl reload docker` runs ExecReload=kill -s HUP,
   * or `kill -HUP` by hand): daemon.json's reloadable options take effect,
   * containers keep running. False when dockerd is not running.
   */
  reload(viaSystemd: boolean): boolean {
    if (this.state !== 'active') return false;
    if (viaSystemd) this.log('systemd', `Reloading docker.service - ${DESCRIPTION}...`);
    this.dockerd('info', 'Got signal to reload configuration', ` config-file=${DAEMON_JSON}`);
    let text = '';
    try {
      text = this.fs.readFile(DAEMON_JSON);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
    }
    const r = reloadConfig(this.engine.config, this.reloadExtras, text);
    if ('error' in r) {
      // A file that does not parse is config.Reload's error; one the registry service rejects is the daemon's Reload's.
      const late = r.error.startsWith('failed to start daemon: ');
      this.dockerd('error', late ? 'Error reconfiguring the daemon' : 'Error reloading configuration', ` error=${JSON.stringify(late ? r.error.slice('failed to start daemon: '.length) : r.error)}`);
    } else {
      // Reload's own debug lines show when debug was on before this reload (the new level is set after it).
      if (this.engine.config.file.debug) {
        this.dockerd('debug', `Reset Max Concurrent Downloads: ${r.attributes['max-concurrent-downloads']}`);
        this.dockerd('debug', `Reset Max Concurrent Uploads: ${r.attributes['max-concurrent-uploads']}`);
        this.dockerd('debug', `Reset Max Download Attempts: ${r.attributes['max-download-attempts']}`);
      }
      this.engine.services.config = r.config;
      this.reloadExtras = r.extras;
      const events = this.engine.services.events;
      events.op(() => events.emitDaemon('reload', daemonId(this.pid), { ...r.attributes, name: 'glassbox' }));
      this.dockerd('info', 'Reloaded configuration', ` config=${JSON.stringify(JSON.stringify(sanitizedConfig(r.attributes)))}`);
    }
    if (viaSystemd) this.log('systemd', `Reloaded docker.service - ${DESCRIPTION}.`);
    return true;
  }

  async restart(): Promise<StartResult> {
    await this.stop();
    return this.start();
  }

  /** `systemctl reset-failed docker`: forgets the failure and the start limit's count. */
  resetFailed(): void {
    this.starts = [];
    if (this.state === 'failed') this.setState('inactive');
  }

  private cancelAutoRestart(): void {
    this.cancelRestart?.();
    this.cancelRestart = null;
  }

  /** The lines `journalctl -u docker` shows. */
  format(line: JournalLine): string {
    const who = line.ident === 'systemd' ? 'systemd[1]' : `dockerd[${this.pid}]`;
    return `${journalTime(line.t)} glassbox ${who}: ${line.text}`;
  }

  private readConfig(): { config: DaemonConfig; notSimulated: string[] } | string {
    const base = this.engine.config;
    let text = '';
    try {
      text = this.fs.readFile(DAEMON_JSON);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      if (e.code !== 'ENOENT') return `unable to configure the Docker daemon with file ${DAEMON_JSON}: open ${DAEMON_JSON}: ${e.code === 'EISDIR' ? 'is a directory' : 'permission denied'}`;
    }
    const parsed = parseDaemonJson(text, base.cgroupVersion);
    if ('error' in parsed) return parsed.error;
    return { config: { ...base, file: parsed.settings }, notSimulated: parsed.notSimulated };
  }

  private setState(state: UnitState): void {
    this.state = state;
    this.since = this.now();
  }

  private logStart(): void {
    this.log('systemd', `Starting docker.service - ${DESCRIPTION}...`);
    this.dockerd('info', 'Starting up');
  }

  private logStarted(): void {
    const file = this.engine.config.file;
    this.dockerd('info', 'Loading containers: start.');
    this.dockerd('info', 'Loading containers: done.');
    this.dockerd('info', 'Docker daemon', ` commit=${ENGINE_COMMIT} containerd-snapshotter=false storage-driver=${file.storageDriver} version=${DOCKER_VERSION}`);
    this.dockerd('info', 'Daemon has completed initialization');
    this.dockerd('info', 'API listen on /run/docker.sock');
    this.log('systemd', `Started docker.service - ${DESCRIPTION}.`);
  }

  private dockerd(level: string, msg: string, fields = ''): void {
    this.log('dockerd', `time="${logrusTime(this.at ?? this.now())}" level=${level} msg="${msg}"${fields}`);
  }

  private log(ident: JournalLine['ident'], text: string): void {
    this.journal.push({ t: this.at ?? this.now(), ident, text });
  }
}

/** The reloaded values in the config dockerd logs (config.Sanitize, trimmed to the options a reload changes). */
function sanitizedConfig(a: Record<string, string>): Record<string, unknown> {
  return {
    'max-concurrent-downloads': Number(a['max-concurrent-downloads']),
    'max-concurrent-uploads': Number(a['max-concurrent-uploads']),
    'max-download-attempts': Number(a['max-download-attempts']),
    'shutdown-timeout': Number(a['shutdown-timeout']),
    debug: a.debug === 'true',
    labels: JSON.parse(a.labels ?? '[]') as unknown,
    'live-restore': a['live-restore'] === 'true',
    'registry-mirrors': JSON.parse(a['registry-mirrors'] ?? '[]') as unknown,
    'insecure-registries': JSON.parse(a['insecure-registries'] ?? '[]') as unknown,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function clock(d: Date): string {
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** journalctl's short format: "Jan 01 00:00:04" (the host's zone is UTC). */
export function journalTime(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${clock(d)}`;
}

/** systemctl's "Thu 2026-01-01 00:00:04 UTC". */
export function systemdTime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clock(d)} UTC`;
}

/** logrus's text timestamp as dockerd writes it: RFC 3339 with nanoseconds. */
function logrusTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${clock(d)}.${pad(d.getUTCMilliseconds(), 3)}000000Z`;
}

/** systemd's format_timestamp_relative: "3s ago", "1min 5s ago", "12min ago", "2h 3min ago". */
export function relativeTime(ms: number): string {
  const s = Math.floor(ms / 1000);
  const min = Math.floor(s / 60);
  const h = Math.floor(min / 60);
  const days = Math.floor(h / 24);
  if (days >= 1) return `${days} day${days === 1 ? '' : 's'} ago`;
  if (h >= 6) return `${h}h ago`;
  if (h >= 1) return `${h}h ${min % 60}min ago`;
  if (min >= 5) return `${min}min ago`;
  if (min >= 1) return `${min}min ${s % 60}s ago`;
  if (s >= 1) return `${s}s ago`;
  if (ms >= 1) return `${ms}ms ago`;
  return 'now';
}
