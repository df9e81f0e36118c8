/**
 * Where the daemon on this machine and CI (Debian's docker.io, Engine 20.10)
 * words an error differently from current Docker (Engine 28), the simulator
 * follows current Docker (DESIGN.md, "Fidelity to real Docker"). Each entry
 * lets one masked line (stderr, unless `stream` says stdout) differ that way: the real line matches
 * `daemon20`, and the simulator's line must then match `current` — printing
 * the 20.10 wording is reported as a mismatch too.
 *
 * Named groups that appear in both patterns must capture the same text on both
 * sides. A group named `arg` in `current` must be one of the command line's
 * words (Docker 25+ quotes the name or id as the user typed it).
 *
 * To add an entry: record the real line (npx tsx test/conformance/record.ts),
 * find both versions' text in moby's source, and cite them in `source`.
 * Patterns see masked text: ids are <id64#N>/<id12#N>, the run prefix is %p.
 *
 * The docker CLI here is already 28.2.2, so only daemon texts
 * ("Error response from daemon: …") can differ — and the daemon's own
 * version where a command prints it (stdout entries).
 */
export interface KnownDifference {
  id: string;
  /** Which stream the line is on; stderr (the daemon's errors) unless said. */
  stream?: 'stdout' | 'stderr';
  /** Which engine versions print which wording. */
  versions: string;
  /** Where each wording comes from in moby (and runc, where the text is runc's). */
  source: string;
  daemon20: RegExp;
  current: RegExp;
  /** One masked line pair the patterns must accept, for the command given; also documents the texts. */
  example: { cmd: string; daemon20: string; current: string };
}

const daemonPrefix = String.raw`(?<pre>(?:docker: )?Error response from daemon: )`;

export const knownDifferences: readonly KnownDifference[] = [
  {
    id: 'engine-version',
    stream: 'stdout',
    versions: 'Engine 20.10.24 (Debian docker.io, the conformance host) → 28.2.2 (docker-ce, what the simulator is)',
    source:
      'moby v20.10 and moby v28.2 dockerversion.Version, set at build time, is what GET /version and GET /info report as the ' +
      'server version (`docker version`, `docker info`); the simulator is the docker-ce 28.2.2 engine whose texts it prints',
    daemon20: /^(?<before>.*?)20\.10\.24\+dfsg1(?<after>.*)$/,
    // Nowhere the old version: a simulator that still reports 20.10 is the mismatch.
    current: /^(?!.*20\.10\.24)(?<before>.*?)28\.2\.2(?<after>.*)$/,
    example: {
      cmd: "docker version --format '{{.Server.Version}} {{.Client.Version}}'",
      daemon20: '20.10.24+dfsg1 28.2.2',
      current: '28.2.2 28.2.2',
    },
  },
  {
    id: 'bridge-gateway-after-restart',
    stream: 'stdout',
    versions: 'every Engine: the first start of a fresh install (the simulator) omits it; any later start of the daemon shows it',
    source:
      'moby v20.10 and moby v28 daemon/daemon_unix.go initBridgeDriver: ipamV4Conf.Gateway is set only from an address ' +
      'docker0 already has (netutils.ElectInterfaceAddresses); on a fresh install\'s first start docker0 does not exist yet, ' +
      'so the default bridge\'s IPAM.Config has no Gateway until the daemon restarts (moby issue #26799, open). ' +
      'The conformance host\'s daemon may have been restarted; the simulator is a fresh install\'s first start',
    daemon20: /^(?<before>.*)\[\{"Subnet":"(?<net>[^"]+)","Gateway":"[^"]+"\}\](?<after>.*)$/,
    current: /^(?<before>.*)\[\{"Subnet":"(?<net>[^"]+)"\}\](?<after>.*)$/,
    example: {
      cmd: "docker network inspect bridge --format '{{.Name}} {{json .IPAM.Config}}'",
      daemon20: 'bridge [{"Subnet":"<net>.0.0/16","Gateway":"<net>.0.1"}]',
      current: 'bridge [{"Subnet":"<net>.0.0/16"}]',
    },
  },
  {
    id: 'rm-running',
    versions: 'Engine 20.10 → 25.0 and later',
    source:
      'moby v20.10 daemon/delete.go cleanupContainer: "You cannot remove a %s container %s. %s" with the full id; ' +
      'moby v25.0+ daemon/delete.go cleanupContainer: "container is %s: stop the container before removing or force remove", ' +
      'wrapped by containerRm in "cannot remove container %q: %w" with the name as given',
    daemon20: new RegExp(
      `^${daemonPrefix}You cannot remove a running container <id64#\\d+>\\. Stop the container before attempting removal or force remove$`,
    ),
    current: new RegExp(`^${daemonPrefix}cannot remove container "(?<arg>[^"]+)": container is running: stop the container before removing or force remove$`),
    example: {
      cmd: "docker rm %p-run",
      daemon20: "Error response from daemon: You cannot remove a running container <id64#1>. Stop the container before attempting removal or force remove",
      current: "Error response from daemon: cannot remove container \"%p-run\": container is running: stop the container before removing or force remove",
    },
  },
  {
    id: 'rm-paused',
    versions: 'Engine 20.10 → 25.0 and later',
    source:
      'moby v20.10 daemon/delete.go cleanupContainer: "You cannot remove a paused container %s. Unpause and then stop the container before attempting removal or force remove"; ' +
      'moby v25.0+ daemon/delete.go cleanupContainer: "container is paused and must be unpaused first", wrapped by containerRm in "cannot remove container %q: %w"',
    daemon20: new RegExp(
      `^${daemonPrefix}You cannot remove a paused container <id64#\\d+>\\. Unpause and then stop the container before attempting removal or force remove$`,
    ),
    current: new RegExp(`^${daemonPrefix}cannot remove container "(?<arg>[^"]+)": container is paused and must be unpaused first$`),
    example: {
      cmd: "docker rm %p-run",
      daemon20: "Error response from daemon: You cannot remove a paused container <id64#1>. Unpause and then stop the container before attempting removal or force remove",
      current: "Error response from daemon: cannot remove container \"%p-run\": container is paused and must be unpaused first",
    },
  },
  {
    id: 'restart-policy-unknown',
    versions: 'Engine 20.10 → 25.0 and later',
    source:
      'moby v20.10 daemon/container.go validateRestartPolicy: "invalid restart policy \'%s\'"; ' +
      'moby v25.0+ api/types/container/hostconfig.go ValidateRestartPolicy (tested in hostconfig_test.go "unknown policy")',
    daemon20: new RegExp(`^${daemonPrefix}invalid restart policy '(?<policy>[^']*)'$`),
    current: new RegExp(
      `^${daemonPrefix}invalid restart policy: unknown policy '(?<policy>[^']*)'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'$`,
    ),
    example: {
      cmd: "docker create --restart sometimes busybox",
      daemon20: "Error response from daemon: invalid restart policy 'sometimes'",
      current: "Error response from daemon: invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
    },
  },
  {
    id: 'restart-policy-count-without-on-failure',
    versions: 'Engine 20.10 → 25.0 and later',
    source:
      'moby v20.10 daemon/container.go validateRestartPolicy: "maximum retry count cannot be used with restart policy \'%s\'"; ' +
      'moby v25.0+ api/types/container/hostconfig.go ValidateRestartPolicy (hostconfig_test.go "always with MaxRestartCount")',
    daemon20: new RegExp(`^${daemonPrefix}maximum retry count cannot be used with restart policy '[^']*'$`),
    current: new RegExp(`^${daemonPrefix}invalid restart policy: maximum retry count can only be used with 'on-failure'$`),
    example: {
      cmd: "docker create --restart always:3 busybox",
      daemon20: "Error response from daemon: maximum retry count cannot be used with restart policy 'always'",
      current: "Error response from daemon: invalid restart policy: maximum retry count can only be used with 'on-failure'",
    },
  },
  {
    id: 'restart-policy-negative-count',
    versions: 'Engine 20.10 → 25.0 and later',
    source:
      'moby v20.10 daemon/container.go validateRestartPolicy: "maximum retry count cannot be negative"; ' +
      'moby v25.0+ api/types/container/hostconfig.go ValidateRestartPolicy (hostconfig_test.go "on-failure with negative MaxRestartCount")',
    daemon20: new RegExp(`^${daemonPrefix}maximum retry count cannot be negative$`),
    current: new RegExp(`^${daemonPrefix}invalid restart policy: maximum retry count cannot be negative$`),
    example: {
      cmd: "docker create --restart on-failure:-1 busybox",
      daemon20: "Error response from daemon: maximum retry count cannot be negative",
      current: "Error response from daemon: invalid restart policy: maximum retry count cannot be negative",
    },
  },
  {
    id: 'invalid-filter',
    versions: 'Engine 20.10 → 23.0 and later',
    source:
      'moby v20.10 api/types/filters/parse.go invalidFilter.Error: "Invalid filter \'%s\'"; ' +
      'moby v23.0+ api/types/filters/errors.go invalidFilter.Error: "invalid filter \'%s\'"',
    daemon20: new RegExp(`^${daemonPrefix}Invalid filter '(?<filter>[^']*)'$`),
    current: new RegExp(`^${daemonPrefix}invalid filter '(?<filter>[^']*)'$`),
    example: {
      cmd: "docker ps --filter nosuchfilter=x",
      daemon20: "Error response from daemon: Invalid filter 'nosuchfilter'",
      current: "Error response from daemon: invalid filter 'nosuchfilter'",
    },
  },
  {
    id: 'kill-prefix',
    versions: 'Engine 20.10 → 25.0 and later',
    source:
      'moby v20.10 api/server/router/container/container_routes.go postContainersKill: errors.Wrapf(err, "Cannot kill container: %s", name); ' +
      'moby v25.0 same function: errors.Wrapf(err, "cannot kill container: %s", name)',
    daemon20: new RegExp(`^${daemonPrefix}Cannot kill container: (?<rest>.+)$`),
    current: new RegExp(`^${daemonPrefix}cannot kill container: (?<rest>.+)$`),
    example: {
      cmd: 'docker kill %p-nosuch',
      daemon20: 'Error response from daemon: Cannot kill container: %p-nosuch: No such container: %p-nosuch',
      current: 'Error response from daemon: cannot kill container: %p-nosuch: No such container: %p-nosuch',
    },
  },
  {
    id: 'kill-invalid-signal',
    versions: 'Engine 20.10 → 25.0 and later',
    source:
      'moby v20.10 api/server/router/container/container_routes.go postContainersKill parses the signal itself with pkg/signal.ParseSignal ' +
      '("Invalid signal: %s") and returns that error unwrapped; moby v25.0 passes the signal to daemon.ContainerKill, which parses it with ' +
      'github.com/moby/sys/signal ParseSignal ("invalid signal: %s"), and the router wraps it in "cannot kill container: %s"',
    daemon20: new RegExp(`^${daemonPrefix}Invalid signal: (?<signal>.+)$`),
    current: new RegExp(`^${daemonPrefix}cannot kill container: (?<arg>[^:]+): invalid signal: (?<signal>.+)$`),
    example: {
      cmd: 'docker kill -s NOSUCHSIGNAL %p-sig',
      daemon20: 'Error response from daemon: Invalid signal: NOSUCHSIGNAL',
      current: 'Error response from daemon: cannot kill container: %p-sig: invalid signal: NOSUCHSIGNAL',
    },
  },
  {
    id: 'oci-start-failure',
    versions: 'Engine 20.10 with runc 1.1 → Engine 24.0 and later with runc 1.2 (as Docker 28 ships)',
    source:
      'moby v24.0+ libcontainerd/remote/client.go (*container).Start wraps NewTask errors in "failed to create task for container"; ' +
      'runc 1.2 prefixes errors from the container\'s init with "error during container init: "',
    daemon20: new RegExp(
      `^${daemonPrefix}failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: (?<cause>exec: .*): unknown$`,
    ),
    current: new RegExp(
      `^${daemonPrefix}failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: (?<cause>exec: .*): unknown$`,
    ),
    example: {
      cmd: "docker run busybox /nonexistent",
      daemon20: "docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/nonexistent\": stat /nonexistent: no such file or directory: unknown",
      current: "docker: Error response from daemon: failed to create task for container: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"/nonexistent\": stat /nonexistent: no such file or directory: unknown",
    },
  },
  {
    id: 'port-already-allocated',
    versions: 'Engine 20.10 → 28.0 and later',
    source:
      'moby v20.10 daemon/container_operations.go connectToNetwork returns libnetwork\'s "driver failed programming external connectivity on endpoint %s (%s): %v" as is; ' +
      'moby v28.0+ daemon/container_operations.go allocateNetwork wraps the same error in "failed to set up container networking: %w"',
    daemon20: new RegExp(`^${daemonPrefix}(?<rest>driver failed programming external connectivity on endpoint .*)$`),
    current: new RegExp(`^${daemonPrefix}failed to set up container networking: (?<rest>driver failed programming external connectivity on endpoint .*)$`),
    example: {
      cmd: 'docker run -d --name %p-q -p 47391:80 busybox sleep 300',
      daemon20: 'docker: Error response from daemon: driver failed programming external connectivity on endpoint %p-q (<id64#3>): Bind for 0.0.0.0:47391 failed: port is already allocated',
      current:
        'docker: Error response from daemon: failed to set up container networking: driver failed programming external connectivity on endpoint %p-q (<id64#3>): Bind for 0.0.0.0:47391 failed: port is already allocated',
    },
  },
  {
    id: 'volume-prune-warning',
    stream: 'stdout',
    versions: 'Engine 20.10 (API 1.41) → 23.0 and later (API 1.42+), with the 28.2.2 client',
    source:
      'docker/cli v28.2.2 cli/command/volume/prune.go runPrune: against API < 1.42 the daemon prunes every unused volume, and the client warns ' +
      '"WARNING! This will remove all local volumes not used by at least one container."; against API 1.42+ (moby v23.0+ volume/service Prune ' +
      'adds the com.docker.volume.anonymous label filter unless all=true) it warns "WARNING! This will remove anonymous local volumes not used by at least one container."',
    daemon20: /^WARNING! This will remove all local volumes not used by at least one container\.$/,
    current: /^WARNING! This will remove anonymous local volumes not used by at least one container\.$/,
    example: {
      cmd: 'echo n | docker volume prune',
      daemon20: 'WARNING! This will remove all local volumes not used by at least one container.',
      current: 'WARNING! This will remove anonymous local volumes not used by at least one container.',
    },
  },
];

export type LineVerdict =
  | { kind: 'accepted'; difference: KnownDifference }
  /** The simulator printed what this daemon prints, but current Docker words it differently. */
  | { kind: 'old-wording'; difference: KnownDifference }
  | { kind: 'unexplained' };

/** Judges one real stderr line against the simulator's, both masked, where they are not identical or the real one has an old wording. */
export function judgeStderrLine(realLine: string, simLine: string, cmd: string, table: readonly KnownDifference[] = knownDifferences): LineVerdict {
  return judgeLine(realLine, simLine, cmd, 'stderr', table);
}

/** judgeStderrLine for either stream: only the entries for that stream apply. */
export function judgeLine(realLine: string, simLine: string, cmd: string, stream: 'stdout' | 'stderr', table: readonly KnownDifference[] = knownDifferences): LineVerdict {
  const words = new Set(cmd.split(/\s+/));
  for (const difference of table) {
    if ((difference.stream ?? 'stderr') !== stream) continue;
    const old = difference.daemon20.exec(realLine);
    if (old === null) continue;
    if (simLine === realLine && !difference.current.test(simLine)) return { kind: 'old-wording', difference };
    const now = difference.current.exec(simLine);
    if (now === null) continue;
    const oldGroups = old.groups ?? {};
    const nowGroups = now.groups ?? {};
    const groupsAgree = Object.keys(nowGroups).every((g) => !(g in oldGroups) || oldGroups[g] === nowGroups[g]);
    const argOk = nowGroups.arg === undefined || words.has(nowGroups.arg);
    if (groupsAgree && argOk) return { kind: 'accepted', difference };
  }
  return { kind: 'unexplained' };
}
