/**
 * The client's side of run/create's mount flags (docker/cli 28.2.2): `-v`
 * through the compose loader's ParseVolume, `--mount` through opts.MountOpt
 * (a CSV record of key=value fields), `--tmpfs` as PATH[:OPTIONS]. What the
 * client refuses itself is returned as `{ error }`; the rest goes to the
 * daemon (core/engine/volumes/mountParser.ts) as HostConfig.Binds, Mounts,
 * Tmpfs and Config.Volumes.
 */
import type { MountRequest } from '../../engine/volumes/mountParser';
import { resolvePath } from '../../shell/filesystem';
import { ramInBytes } from '../units';

/** One `-v` as the compose loader reads it. */
export interface VolumeFlag {
  type: 'bind' | 'volume';
  source: string;
  target: string;
  readOnly: boolean;
}

/** isWindowsDrive: a single letter before a colon is a drive ("c:"), not a volume name. */
function isWindowsDrive(buffer: string, char: string): boolean {
  return char === ':' && buffer.length === 1 && /\p{L}/u.test(buffer);
}

function isFilePath(source: string): boolean {
  const first = source[0];
  if (first === '.' || first === '/' || first === '~') return true;
  const runes = [...source];
  if (runes.length === 1) return false;
  if (source.startsWith('\\\\')) return true;
  return isWindowsDrive(runes[0]!, runes[1]!);
}

/** loader.ParseVolume: SOURCE:TARGET[:OPTIONS] or TARGET alone (an anonymous volume). */
export function parseVolumeFlag(spec: string): VolumeFlag | { error: string } {
  const runes = [...spec];
  if (runes.length === 0) return { error: 'invalid empty volume spec' };
  if (spec.length <= 2) return { type: 'volume', source: '', target: spec, readOnly: false };
  let source = '';
  let target = '';
  let readOnly = false;
  let buffer = '';
  const END = '\u0000';
  for (const char of [...runes, END]) {
    if (isWindowsDrive(buffer, char)) {
      buffer += char;
      continue;
    }
    if (char !== ':' && char !== END) {
      buffer += char;
      continue;
    }
    // populateFieldFromBuffer
    if (buffer === '') return { error: `invalid spec: ${spec}: empty section between colons` };
    if (source === '' && char === END) target = buffer;
    else if (source === '') source = buffer;
    else if (target === '') target = buffer;
    else if (char === ':') return { error: `invalid spec: ${spec}: too many colons` };
    else {
      for (const option of buffer.split(',')) {
        if (option === 'ro') readOnly = true;
        else if (option === 'rw') readOnly = false;
      }
    }
    buffer = '';
  }
  return { type: source !== '' && isFilePath(source) ? 'bind' : 'volume', source, target, readOnly };
}

/**
 * opts.parse's split of the `-v` flags: those with a source are binds
 * (HostConfig.Binds, a relative "./dir" made absolute against the client's
 * directory); those without are anonymous volumes (Config.Volumes).
 */
export function splitVolumeFlags(specs: readonly string[], cwd: string): { binds: string[]; volumes: string[] } | { error: string } {
  const binds: string[] = [];
  const volumes: string[] = [];
  for (const spec of specs) {
    const parsed = parseVolumeFlag(spec);
    if ('error' in parsed) return parsed;
    if (parsed.source === '') {
      if (!volumes.includes(spec)) volumes.push(spec);
      continue;
    }
    let bind = spec;
    const colon = spec.indexOf(':');
    if (parsed.type === 'bind' && colon >= 0) {
      const host = spec.slice(0, colon);
      if (!host.startsWith('/') && host.startsWith('.')) bind = resolvePath(host, cwd) + spec.slice(colon);
    }
    // The client keeps the flags in a map: a repeated `-v` is one bind.
    if (!binds.includes(bind)) binds.push(bind);
  }
  return { binds, volumes };
}

/** `--tmpfs PATH[:OPTIONS]` into HostConfig.Tmpfs (a later one for the same path wins). */
export function parseTmpfsFlags(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of specs) {
    const colon = t.indexOf(':');
    out[colon < 0 ? t : t.slice(0, colon)] = colon < 0 ? '' : t.slice(colon + 1);
  }
  return out;
}

/** encoding/csv's Reader.Read on one line: the fields, or Go's parse error. */
export function readCsvRecord(line: string): string[] | { error: string } {
  if (line === '') return { error: 'EOF' };
  const runes = [...line];
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (runes[i] === '"') {
      // A quoted field: "" is a quote; the closing quote must end the field.
      i++;
      for (;;) {
        if (i >= runes.length) return { error: `parse error on line 1, column ${runes.length + 1}: extraneous or missing " in quoted-field` };
        const c = runes[i]!;
        if (c !== '"') {
          field += c;
          i++;
          continue;
        }
        if (runes[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        i++;
        if (i < runes.length && runes[i] !== ',') return { error: `parse error on line 1, column ${i}: extraneous or missing " in quoted-field` };
        break;
      }
    } else {
      while (i < runes.length && runes[i] !== ',') {
        if (runes[i] === '"') return { error: `parse error on line 1, column ${i + 1}: bare " in non-quoted-field` };
        field += runes[i];
        i++;
      }
    }
    fields.push(field);
    if (i >= runes.length) return fields;
    i++; // the comma
  }
}

/** strconv.ParseBool. */
function parseBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/** opts.MountOpt.Set: one `--mount` value as the request the client sends, or the flag's error text. */
export function parseMountFlag(value: string, cwd: string): MountRequest | { error: string } {
  const fields = readCsvRecord(value);
  if ('error' in fields) return fields;
  const m: MountRequest = { type: 'volume', source: '', target: '', readOnly: false, consistency: '' };
  const volumeOptions = (): NonNullable<MountRequest['volumeOptions']> => (m.volumeOptions ??= { labels: {}, driverConfig: { name: '' } });
  const bindOptions = (): NonNullable<MountRequest['bindOptions']> => (m.bindOptions ??= {});
  const tmpfsOptions = (): NonNullable<MountRequest['tmpfsOptions']> => (m.tmpfsOptions ??= {});
  const setOnMap = (target: Record<string, string>, v: string): void => {
    const eq = v.indexOf('=');
    const k = eq < 0 ? v : v.slice(0, eq);
    if (k !== '') target[k] = eq < 0 ? '' : v.slice(eq + 1);
  };
  for (const field of fields) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    const val = eq < 0 ? '' : field.slice(eq + 1);
    if (eq < 0) {
      if (key === 'readonly' || key === 'ro') m.readOnly = true;
      else if (key === 'volume-nocopy') volumeOptions().noCopy = true;
      else if (key === 'bind-nonrecursive') bindOptions().nonRecursive = true;
      else return { error: `invalid field '${field}' must be a key=value pair` };
      continue;
    }
    const bool = (): boolean | { error: string } => parseBool(val) ?? { error: `invalid value for ${key}: ${val}` };
    switch (key) {
      case 'type':
        m.type = val.toLowerCase();
        break;
      case 'source':
      case 'src':
        m.source = !val.startsWith('/') && val.startsWith('.') ? resolvePath(val, cwd) : val;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.target = val;
        break;
      case 'readonly':
      case 'ro': {
        const b = bool();
        if (typeof b !== 'boolean') return b;
        m.readOnly = b;
        break;
      }
      case 'consistency':
        m.consistency = val.toLowerCase();
        break;
      case 'bind-propagation':
        bindOptions().propagation = val.toLowerCase();
        break;
      case 'bind-nonrecursive': {
        const b = bool();
        if (typeof b !== 'boolean') return b;
        bindOptions().nonRecursive = b;
        break;
      }
      case 'bind-recursive':
        if (val === 'disabled') bindOptions().nonRecursive = true;
        else if (val === 'writable') bindOptions().readOnlyNonRecursive = true;
        else if (val === 'readonly') bindOptions().readOnlyForceRecursive = true;
        else if (val !== 'enabled') return { error: `invalid value for ${key}: ${val} (must be "enabled", "disabled", "writable", or "readonly")` };
        break;
      case 'volume-subpath':
        volumeOptions().subpath = val;
        break;
      case 'volume-nocopy': {
        const b = parseBool(val);
        if (b === undefined) return { error: `invalid value for volume-nocopy: ${val}` };
        volumeOptions().noCopy = b;
        break;
      }
      case 'volume-label':
        setOnMap(volumeOptions().labels, val);
        break;
      case 'volume-driver':
        volumeOptions().driverConfig.name = val;
        break;
      case 'volume-opt':
        setOnMap((volumeOptions().driverConfig.options ??= {}), val);
        break;
      case 'image-subpath':
        (m.imageOptions ??= {}).subpath = val;
        break;
      case 'tmpfs-size': {
        const size = ramInBytes(val);
        if (typeof size !== 'number') return { error: `invalid value for ${key}: ${val}` };
        tmpfsOptions().sizeBytes = size;
        break;
      }
      case 'tmpfs-mode': {
        if (!/^[0-7]+$/.test(val) || Number.parseInt(val, 8) > 0xffffffff) return { error: `invalid value for ${key}: ${val}` };
        tmpfsOptions().mode = Number.parseInt(val, 8);
        break;
      }
      default:
        return { error: `unexpected key '${key}' in '${field}'` };
    }
  }
  if (m.type === '') return { error: 'type is required' };
  if (m.target === '') return { error: 'target is required' };
  for (const [opts, prefix, type] of [[m.volumeOptions, 'volume', 'volume'], [m.imageOptions, 'image', 'image'], [m.bindOptions, 'bind', 'bind'], [m.tmpfsOptions, 'tmpfs', 'tmpfs']] as const) {
    if (opts !== undefined && m.type !== type) return { error: `cannot mix '${prefix}-*' options with mount type '${m.type}'` };
  }
  const b = m.bindOptions;
  if (b?.readOnlyNonRecursive && !m.readOnly) return { error: "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction" };
  if (b?.readOnlyForceRecursive) {
    if (!m.readOnly) return { error: "option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction" };
    if (b.propagation !== 'rprivate') return { error: "option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction" };
  }
  return m;
}
