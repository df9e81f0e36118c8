/**
 * /etc/docker/daemon.json as dockerd reads it at start (moby's
 * daemon/config getConflictFreeConfiguration): Go's JSON decoder with its
 * error texts, then the keys checked against the configuration options.
 */

/** The settings of daemon.json the simulated daemon keeps (absent keys take dockerd's defaults). */
export interface DaemonFileSettings {
  registryMirrors: string[];
  insecureRegistries: string[];
  dataRoot: string;
  storageDriver: string;
  logDriver: string;
  logOpts: Record<string, string>;
  liveRestore: boolean;
  cgroupDriver: string;
  debug: boolean;
  /** Every key the file set, for the journal's notes on the ones without a modelled effect. */
  keys: string[];
}

export const DAEMON_JSON = '/etc/docker/daemon.json';

/** dockerd's defaults, what a daemon without daemon.json runs with. */
export function defaultFileSettings(cgroupVersion: 1 | 2): DaemonFileSettings {
  return { registryMirrors: [], insecureRegistries: [], dataRoot: '/var/lib/docker', storageDriver: 'overlay2', logDriver: 'json-file', logOpts: {}, liveRestore: false, cgroupDriver: cgroupVersion === 1 ? 'cgroupfs' : 'systemd', debug: false, keys: [] };
}

/** The keys dockerd's configuration accepts in daemon.json (Engine 20.10–28, Linux). */
const KNOWN_KEYS = new Set([
  'allow-nondistributable-artifacts', 'api-cors-header', 'authorization-plugins', 'bip', 'bip6', 'bridge', 'builder', 'cdi-spec-dirs', 'cgroup-parent', 'cluster-advertise', 'cluster-store',
  'cluster-store-opts', 'containerd', 'containerd-namespace', 'containerd-plugin-namespace', 'cpu-rt-period', 'cpu-rt-runtime', 'data-root', 'debug', 'default-address-pools', 'default-cgroupns-mode',
  'default-gateway', 'default-gateway-v6', 'default-ipc-mode', 'default-network-opts', 'default-runtime', 'default-shm-size', 'default-ulimits', 'dns', 'dns-opts', 'dns-search', 'exec-opts',
  'exec-root', 'experimental', 'features', 'firewall-backend', 'fixed-cidr', 'fixed-cidr-v6', 'group', 'host-gateway-ip', 'hosts', 'icc', 'init', 'init-path', 'insecure-registries', 'ip', 'ip-forward',
  'ip-forward-no-drop', 'ip-masq', 'ip6tables', 'iptables', 'ipv6', 'labels', 'live-restore', 'log-driver', 'log-format', 'log-level', 'log-opts', 'max-concurrent-downloads', 'max-concurrent-uploads',
  'max-download-attempts', 'metrics-addr', 'min-api-version', 'mtu', 'no-new-privileges', 'node-generic-resources', 'oom-score-adjust', 'pidfile', 'proxies', 'raw-logs', 'registry-mirrors', 'runtimes',
  'seccomp-profile', 'selinux-enabled', 'shutdown-timeout', 'storage-driver', 'storage-opts', 'swarm-default-advertise-addr', 'tls', 'tlscacert', 'tlscert', 'tlskey', 'tlsverify', 'userland-proxy',
  'userland-proxy-path', 'userns-remap',
]);

/** Keys whose effect the simulator models (shown by `docker info` or acted on at restart). */
const MODELLED = new Set(['registry-mirrors', 'insecure-registries', 'data-root', 'live-restore', 'debug', 'log-driver', 'exec-opts', 'storage-driver']);

/** What the file gives: the settings, or dockerd's error (the start fails). */
export type DaemonFileResult = { settings: DaemonFileSettings; notSimulated: string[] } | { error: string };

/**
 * Reads daemon.json's text. `notSimulated` lists the keys set to something
 * whose effect the simulator does not model (the journal says so).
 */
export function parseDaemonJson(text: string, cgroupVersion: 1 | 2): DaemonFileResult {
  const settings = defaultFileSettings(cgroupVersion);
  // dockerd treats an empty (or blank) file as no configuration.
  if (text.trim() === '') return { settings, notSimulated: [] };
  const scan = goJsonScan(text);
  if ('error' in scan) return { error: fail(scan.error) };
  const raw = JSON.parse(text.slice(0, scan.end)) as unknown;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    if (raw === null) return { settings, notSimulated: [] };
    return { error: fail(`json: cannot unmarshal ${goType(raw)} into Go value of type map[string]interface {}`) };
  }
  const obj = raw as Record<string, unknown>;
  // dockerd walks a Go map, so the order varies between runs; the file's order is one it prints.
  const unknown = Object.keys(obj).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length > 0) return { error: fail(`the following directives don't match any configuration option: ${unknown.join(', ')}`) };
  const strings = (key: string): string[] | string => {
    const v = obj[key];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) return `json: cannot unmarshal ${goType(v)} into Go struct field Config.${key} of type []string`;
    return v as string[];
  };
  const str = (key: string): string => {
    const v = obj[key];
    if (typeof v !== 'string') throw new BadType(`json: cannot unmarshal ${goType(v)} into Go struct field Config.${key} of type string`);
    return v;
  };
  const bool = (key: string): boolean => {
    const v = obj[key];
    if (typeof v !== 'boolean') throw new BadType(`json: cannot unmarshal ${goType(v)} into Go struct field Config.${key} of type bool`);
    return v;
  };
  try {
    for (const key of ['registry-mirrors', 'insecure-registries', 'exec-opts'] as const) {
      if (!(key in obj)) continue;
      const v = strings(key);
      if (typeof v === 'string') return { error: fail(v) };
    }
    if ('registry-mirrors' in obj) {
      const mirrors: string[] = [];
      for (const m of obj['registry-mirrors'] as string[]) {
        const valid = validateMirror(m);
        // Checked later than the file (by the registry service, after "Starting up").
        if (valid.startsWith('invalid')) return { error: `failed to start daemon: ${valid}` };
        mirrors.push(valid);
      }
      settings.registryMirrors = mirrors;
    }
    if ('insecure-registries' in obj) settings.insecureRegistries = [...(obj['insecure-registries'] as string[])];
    if ('data-root' in obj) settings.dataRoot = str('data-root');
    if ('storage-driver' in obj) settings.storageDriver = str('storage-driver');
    if ('log-driver' in obj) settings.logDriver = str('log-driver');
    if ('live-restore' in obj) settings.liveRestore = bool('live-restore');
    if ('debug' in obj) settings.debug = bool('debug');
    if ('log-opts' in obj) {
      const v = obj['log-opts'];
      if (v === null || typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((s) => typeof s !== 'string')) {
        return { error: fail(`json: cannot unmarshal ${goType(v)} into Go struct field Config.log-opts of type map[string]string`) };
      }
      settings.logOpts = { ...(v as Record<string, string>) };
    }
    for (const opt of (obj['exec-opts'] as string[] | undefined) ?? []) {
      const [k, val] = opt.split('=', 2);
      if (k?.trim() === 'native.cgroupdriver' && val !== undefined) {
        const driver = val.trim();
        if (driver !== 'systemd' && driver !== 'cgroupfs') return { error: `failed to start daemon: native.cgroupdriver option ${driver} not supported` };
        settings.cgroupDriver = driver;
      } else return { error: `failed to start daemon: unknown option ${k?.trim() ?? opt}` };
    }
  } catch (e) {
    if (e instanceof BadType) return { error: fail(e.message) };
    throw e;
  }
  settings.keys = Object.keys(obj);
  const notSimulated = settings.keys.filter((k) => !MODELLED.has(k) || hasUnmodelledValue(k, settings, cgroupVersion));
  return { settings, notSimulated };
}

class BadType extends Error {}

function fail(detail: string): string {
  return `unable to configure the Docker daemon with file ${DAEMON_JSON}: ${detail}`;
}

/**
 * A modelled key set to a value the simulator does not act on: it keeps
 * overlay2, json-file logs, the kernel's cgroup driver, and its images,
 * containers and volumes under /var/lib/docker (another data-root would start
 * an empty daemon there).
 */
function hasUnmodelledValue(key: string, s: DaemonFileSettings, cgroupVersion: 1 | 2): boolean {
  if (key === 'data-root') return s.dataRoot !== '/var/lib/docker';
  if (key === 'storage-driver') return s.storageDriver !== 'overlay2';
  if (key === 'log-driver') return s.logDriver !== 'json-file';
  if (key === 'exec-opts') return s.cgroupDriver !== (cgroupVersion === 1 ? 'cgroupfs' : 'systemd');
  return false;
}

/** moby's registry.ValidateMirror: an http(s) URL without path beyond "/", returned with a trailing slash. */
function validateMirror(m: string): string {
  const match = /^(https?):\/\/([^/?#]+)(\/?)([?#].*)?$/.exec(m);
  if (!match) {
    if (!/^https?:\/\//.test(m)) return `invalid mirror: unsupported scheme "${/^([a-z][a-z0-9+.-]*):/i.exec(m)?.[1] ?? ''}" in "${m}"`;
    return `invalid mirror: path, query, or fragment at end of the URI "${m}"`;
  }
  if (match[4] !== undefined) return `invalid mirror: path, query, or fragment at end of the URI "${m}"`;
  return `${match[1]}://${match[2]}/`;
}

function goType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** How Go's encoding/json quotes an offending byte: '\'' , '"', else strconv.Quote's form in single quotes. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = JSON.stringify(c);
  return `'${q.slice(1, -1)}'`;
}

/**
 * The first syntax error Go's json.Decoder reports for `text`, or where its
 * first value ends. Input that ends inside a value is "unexpected EOF".
 */
export function goJsonScan(text: string): { error: string } | { end: number } {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  class Syntax extends Error {}
  const bad = (context: string): never => {
    if (i >= text.length) throw new Syntax('unexpected EOF');
    throw new Syntax(`invalid character ${quoteChar(text[i]!)} ${context}`);
  };
  const literal = (word: string): void => {
    for (let k = 1; k < word.length; k++) {
      i++;
      if (i >= text.length) bad('');
      if (text[i] !== word[k]) bad(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
    }
    i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) bad('');
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c < ' ') bad('in string literal');
      if (c === '\\') {
        i++;
        if (i >= text.length) bad('');
        const e = text[i]!;
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++;
            if (i >= text.length) bad('');
            if (!/[0-9a-fA-F]/.test(text[i]!)) bad('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(e)) bad('in string escape code');
      }
      i++;
    }
  };
  const number = (): void => {
    if (text[i] === '-') {
      i++;
      if (i >= text.length) bad('');
      if (!/[0-9]/.test(text[i]!)) bad('in numeric literal');
    }
    if (text[i] === '0') i++;
    else while (i < text.length && /[0-9]/.test(text[i]!)) i++;
    if (text[i] === '.') {
      i++;
      if (i >= text.length) bad('');
      if (!/[0-9]/.test(text[i]!)) bad('after decimal point in numeric literal');
      while (i < text.length && /[0-9]/.test(text[i]!)) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= text.length) bad('');
      if (!/[0-9]/.test(text[i]!)) bad('in exponent of numeric literal');
      while (i < text.length && /[0-9]/.test(text[i]!)) i++;
    }
  };
  const value = (): void => {
    ws();
    if (i >= text.length) bad('');
    const c = text[i]!;
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') bad('looking for beginning of object key string');
        string();
        ws();
        if (text[i] !== ':') bad('after object key');
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        bad('after object key:value pair');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        bad('after array element');
      }
    }
    if (c === '"') return string();
    if (c === '-' || /[0-9]/.test(c)) return number();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    bad('looking for beginning of value');
  };
  try {
    value();
    // The decoder reads one value; what follows it is not read.
    return { end: i };
  } catch (e) {
    if (e instanceof Syntax) return { error: e.message };
    throw e;
  }
}
