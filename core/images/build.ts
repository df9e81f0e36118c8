import { utf8Length } from '../utf8';
import { humanSizeWithPrecision } from '../cli/humanize';
import { DockerfileError, expandVars, parseDockerfile, type Instruction } from './dockerfile';

/**
 * `docker build` as the legacy builder does it (the 28.x client without buildx
 * falls back to it, and a 20.10 daemon runs it): one step per instruction,
 * each giving a new image. RUN runs `/bin/sh -c` in an intermediate container
 * and commits its upper layer; COPY/ADD add a layer of files from the context;
 * every other instruction commits a container with no file changes (an empty
 * layer in the history). Before each step the builder looks for a child of the
 * current image made by the same instruction (the build cache).
 *
 * The builder is written against BuildHost, so the parsing, variable
 * expansion, caching and output live here and the image store stays the
 * engine's.
 */

/** The image config fields a build changes (Engine API ContainerConfig, trimmed). */
export interface BuildConfig {
  Env: string[];
  Cmd: string[] | null;
  Entrypoint: string[] | null;
  WorkingDir: string;
  User: string;
  Labels: Record<string, string>;
  ExposedPorts: Record<string, Record<string, never>>;
  Volumes: Record<string, Record<string, never>>;
  StopSignal: string;
}

/** A file copied from the build context (or another stage) into the image. */
export interface BuildFile {
  /** Absolute destination path in the image. */
  path: string;
  kind: 'file' | 'dir';
  content: string;
  mode: number;
}

export interface BuildHost {
  /** The image a reference names locally: its id and config. */
  findImage(ref: string): { id: string; config: BuildConfig } | undefined;
  /** Pulls a missing FROM image, printing the client's progress; throws BuildError when it cannot. */
  pullImage(ref: string, out: (text: string) => void): { id: string; config: BuildConfig };
  /** A child image of `parentId` made by `createdBy` (the cache), if one exists. */
  cached(parentId: string, createdBy: string): string | undefined;
  /** Creates an intermediate container from `imageId` with `config`, running `argv` (null: the config's own command). */
  createIntermediate(imageId: string, config: BuildConfig, argv: string[] | null): string;
  /** Starts it and resolves with its exit code once it has exited; its output goes to `out`. */
  runIntermediate(containerId: string, out: (stream: 'stdout' | 'stderr', text: string) => void): Promise<number>;
  /** Commits a container's upper layer as a child image of its image; `emptyLayer` when it changed nothing. */
  commit(containerId: string, config: BuildConfig, createdBy: string): string;
  removeContainer(containerId: string): void;
  /** Makes a directory (and its parents) in a container's filesystem (WORKDIR). */
  mkdirp(containerId: string, path: string): void;
  /** A new image: `parentId` plus one layer holding `files`. */
  addLayer(parentId: string, config: BuildConfig, createdBy: string, files: BuildFile[]): string;
  /** The files under `path` in an image (COPY --from=stage); empty when there are none. */
  imageFiles(imageId: string, path: string): BuildFile[];
  /** Names the image; returns the name as the daemon normalised it (`x` → `x:latest`). */
  tag(imageId: string, ref: string): string;
  /** A content hash for COPY/ADD's history line (`file:<hex>` / `dir:<hex>`). */
  contentHash(files: BuildFile[]): string;
}

/** The build context: files relative to its root. */
export interface BuildContext {
  /** Relative path (no leading slash) → file or directory. */
  files: Map<string, { kind: 'file' | 'dir'; content: string; mode: number }>;
}

export interface BuildOptions {
  dockerfile: string;
  context: BuildContext;
  tags: string[];
  noCache?: boolean;
  quiet?: boolean;
  /** --build-arg values. */
  buildArgs?: Record<string, string>;
  /** Remove intermediate containers after a failed step too (--force-rm). */
  forceRm?: boolean;
  /** Remove intermediate containers after a successful build (--rm, default true). */
  rm?: boolean;
}

export interface BuildOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** A build that failed: the text the client prints and its exit code. */
export class BuildError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    /** Whether the client prints it as "Error response from daemon: …". */
    readonly fromDaemon = false,
  ) {
    super(message);
    this.name = 'BuildError';
  }
}

/** The size of the context as the client tars it: 512-byte headers, content padded to 512, two zero blocks at the end. */
export function contextTarSize(context: BuildContext): number {
  let size = 1024;
  for (const f of context.files.values()) size += 512 + (f.kind === 'file' ? Math.ceil(utf8Length(f.content) / 512) * 512 : 0);
  return size;
}



const short = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/** Shell form → ["/bin/sh","-c", text]; JSON form as written. */
function commandOf(inst: Instruction): string[] {
  return inst.json ? inst.args : ['/bin/sh', '-c', inst.rest];
}

/** `["/bin/sh" "-c" "echo…"]`: Go's %q of each element, space separated, in brackets. */
function goQuoteList(list: string[]): string {
  return `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** Docker's port spec check for EXPOSE ("Invalid containerPort: abc"). */
function exposeKey(spec: string): string {
  const [port, proto = 'tcp'] = spec.split('/');
  const range = /^([0-9]+)(?:-([0-9]+))?$/.exec(port ?? '');
  if (!range || Number(range[1]) > 65535 || (range[2] !== undefined && Number(range[2]) > 65535)) throw new BuildError(`Invalid containerPort: ${port}`);
  if (!['tcp', 'udp', 'sctp'].includes(proto.toLowerCase())) throw new BuildError(`Invalid proto: ${proto}`);
  return `${port}/${proto.toLowerCase()}`;
}

function cloneConfig(c: BuildConfig): BuildConfig {
  return {
    Env: [...c.Env],
    Cmd: c.Cmd ? [...c.Cmd] : null,
    Entrypoint: c.Entrypoint ? [...c.Entrypoint] : null,
    WorkingDir: c.WorkingDir,
    User: c.User,
    Labels: { ...c.Labels },
    ExposedPorts: { ...c.ExposedPorts },
    Volumes: { ...c.Volumes },
    StopSignal: c.StopSignal,
  };
}

function setEnv(env: string[], key: string, value: string): void {
  const i = env.findIndex((kv) => kv.slice(0, kv.indexOf('=')) === key);
  if (i >= 0) env[i] = `${key}=${value}`;
  else env.push(`${key}=${value}`);
}

function envMap(env: readonly string[], args: ReadonlyMap<string, string>): Map<string, string> {
  const m = new Map(args);
  for (const kv of env) {
    const eq = kv.indexOf('=');
    m.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return m;
}

function joinPath(dir: string, name: string): string {
  if (name.startsWith('/')) return normalize(name);
  return normalize(`${dir === '' ? '/' : dir}/${name}`);
}

function normalize(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** Glob match of one relative context path against a COPY source pattern (filepath.Match: * ? [..]). */
function globMatch(pattern: string, path: string): boolean {
  let re = '^';
  for (const ch of pattern) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$').test(path);
}

/** A named build stage (`FROM … AS name`) and the image it has reached. */
interface Stage {
  name: string;
  imageId: string;
}

/**
 * Runs a build, printing what the client prints. Resolves with the final
 * image id; throws BuildError (already formatted text, exit code) on failure.
 */
export async function build(host: BuildHost, opts: BuildOptions, out: BuildOutput): Promise<string> {
  const say = (t: string): void => {
    if (!opts.quiet) out.stdout(t);
  };
  // The client draws it as a progress line: two carriage returns before the newline, even off a terminal.
  say(`Sending build context to Docker daemon  ${humanSizeWithPrecision(contextTarSize(opts.context), 4)}\r\r\n`);
  let instructions: Instruction[];
  try {
    instructions = parseDockerfile(opts.dockerfile);
  } catch (e) {
    if (e instanceof DockerfileError) throw new BuildError(e.message, 1, true);
    throw e;
  }
  if (instructions[0]!.keyword !== 'FROM' && !instructions.slice(0, instructions.findIndex((i) => i.keyword === 'FROM')).every((i) => i.keyword === 'ARG')) {
    throw new BuildError('no build stage in current context', 1, true);
  }
  if (!instructions.some((i) => i.keyword === 'FROM')) throw new BuildError('no build stage in current context', 1, true);

  const total = instructions.length;
  const stages: Stage[] = [];
  let stage: Stage | null = null;
  const globalArgs = new Map<string, string>();
  let imageId = '';
  let config: BuildConfig | null = null;
  let args = new Map<string, string>();
  const useCache = !opts.noCache;
  const rm = opts.rm ?? true;

  const step = async (
    createdBy: string,
    make: () => Promise<string> | string,
  ): Promise<void> => {
    if (useCache) {
      const hit = host.cached(imageId, createdBy);
      if (hit) {
        say(' ---> Using cache\n');
        imageId = hit;
        say(` ---> ${short(imageId)}\n`);
        return;
      }
    }
    imageId = await make();
    say(` ---> ${short(imageId)}\n`);
  };

  /** A metadata-only step: an intermediate container with no command, committed with the new config. */
  const commitConfig = async (next: BuildConfig, createdBy: string, prepare?: (containerId: string) => void): Promise<void> => {
    await step(createdBy, async () => {
      const containerId = host.createIntermediate(imageId, next, null);
      say(` ---> Running in ${short(containerId)}\n`);
      prepare?.(containerId);
      const id = host.commit(containerId, next, createdBy);
      host.removeContainer(containerId);
      say(`Removing intermediate container ${short(containerId)}\n`);
      return id;
    });
    config = next;
  };

  for (let n = 0; n < instructions.length; n++) {
    const inst = instructions[n]!;
    say(`Step ${n + 1}/${total} : ${inst.original}\n`);
    const vars = envMap(config ? (config as BuildConfig).Env : [], args);
    const expand = (s: string): string => expandVars(s, vars);

    if (inst.keyword === 'FROM') {
      const ref = expandVars(inst.args[0]!, globalArgs);
      const named = stages.find((s) => s.name === ref.toLowerCase());
      const base = named ? { id: named.imageId, config: host.findImage(named.imageId)!.config } : (host.findImage(ref) ?? host.pullImage(ref, say));
      imageId = base.id;
      config = cloneConfig(base.config);
      args = new Map();
      say(` ---> ${short(imageId)}\n`);
      stage = inst.args.length === 3 ? { name: inst.args[2]!.toLowerCase(), imageId } : null;
      if (stage) stages.push(stage);
      continue;
    }
    if (inst.keyword === 'ARG' && !config) {
      const [k, v] = inst.pairs![0]!;
      globalArgs.set(k, opts.buildArgs?.[k] ?? v ?? '');
      continue;
    }
    const cfg = cloneConfig(config!);
    switch (inst.keyword) {
      case 'RUN': {
        const argv = commandOf(inst);
        // The build's ARGs reach RUN's environment (not the image's).
        const runCfg = cloneConfig(cfg);
        for (const [k, v] of args) if (!runCfg.Env.some((kv) => kv.startsWith(`${k}=`))) runCfg.Env.push(`${k}=${v}`);
        const createdBy = inst.json ? `/bin/sh -c #(nop) RUN ${goQuoteList(argv)}`.replace('#(nop) RUN ', '') : `/bin/sh -c ${inst.rest}`;
        await step(createdBy, async () => {
          const containerId = host.createIntermediate(imageId, runCfg, argv);
          say(` ---> Running in ${short(containerId)}\n`);
          // The legacy builder colours the step's stderr red.
          const exitCode = await host.runIntermediate(containerId, (stream, text) => say(stream === 'stderr' ? `\x1b[91m${text}\x1b[0m` : text));
          if (exitCode !== 0) {
            // A failed step's container stays for inspection unless --force-rm.
            if (opts.forceRm) host.removeContainer(containerId);
            throw new BuildError(`The command '${argv.join(' ')}' returned a non-zero code: ${exitCode}`, exitCode);
          }
          const id = host.commit(containerId, cfg, createdBy);
          if (rm) {
            host.removeContainer(containerId);
            say(`Removing intermediate container ${short(containerId)}\n`);
          }
          return id;
        });
        config = cfg;
        break;
      }
      case 'COPY':
      case 'ADD': {
        const sources = inst.args.slice(0, -1).map(expand);
        const dest = expand(inst.args[inst.args.length - 1]!);
        const destDir = dest.endsWith('/') || dest === '.' || sources.length > 1;
        const destAbs = joinPath(cfg.WorkingDir, dest);
        const files: BuildFile[] = [];
        const from = inst.flags.from;
        for (const src of sources) {
          if (from !== undefined) {
            const fromId = stages.find((s) => s.name === from.toLowerCase())?.imageId ?? host.findImage(from)?.id;
            if (!fromId) throw new BuildError(`invalid from flag value ${from}: pull access denied for ${from}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`);
            const found = host.imageFiles(fromId, normalize(src));
            if (found.length === 0) throw new BuildError(`COPY failed: stat ${normalize(src).slice(1)}: file does not exist`);
            for (const f of found) {
              const rel = f.path === normalize(src) ? '' : f.path.slice(normalize(src).length);
              const target = rel === '' ? (destDir ? `${destAbs}/${f.path.slice(f.path.lastIndexOf('/') + 1)}` : destAbs) : `${destAbs}${rel}`;
              files.push({ ...f, path: normalize(target) });
            }
            continue;
          }
          const rel = normalize(src).slice(1);
          const matches = [...opts.context.files.keys()].filter((p) => p === rel || (rel === '' ? true : p.startsWith(rel + '/')) || globMatch(rel, p));
          if (matches.length === 0) {
            throw new BuildError(`${inst.keyword} failed: file not found in build context or excluded by .dockerignore: stat ${rel}: file does not exist`);
          }
          for (const p of matches) {
            const f = opts.context.files.get(p)!;
            const isRoot = p === rel;
            let target: string;
            if (isRoot && f.kind === 'file') target = destDir ? `${destAbs}/${p.slice(p.lastIndexOf('/') + 1)}` : destAbs;
            else if (isRoot) continue;
            else if (globMatch(rel, p) && !p.startsWith(rel + '/')) target = destDir ? `${destAbs}/${p.slice(p.lastIndexOf('/') + 1)}` : destAbs;
            else target = `${destAbs}/${rel === '' ? p : p.slice(rel.length + 1)}`;
            files.push({ path: normalize(target), kind: f.kind, content: f.content, mode: f.mode });
          }
        }
        const single = files.length === 1 && files[0]!.kind === 'file' && sources.length === 1;
        const hash = `${single ? 'file' : 'dir'}:${host.contentHash(files)}`;
        const createdBy = `/bin/sh -c #(nop) ${inst.keyword} ${hash} in ${dest.endsWith('/') || destDir ? destAbs + '/' : destAbs} `;
        await step(createdBy, () => host.addLayer(imageId, cfg, createdBy, files));
        config = cfg;
        break;
      }
      case 'ENV': {
        for (const [k, v] of inst.pairs!) setEnv(cfg.Env, k, expand(v ?? ''));
        const text = inst.pairs!.map(([k, v]) => `${k}=${expand(v ?? '')}`).join(' ');
        await commitConfig(cfg, `/bin/sh -c #(nop)  ENV ${text}`);
        break;
      }
      case 'LABEL': {
        for (const [k, v] of inst.pairs!) cfg.Labels[expand(k)] = expand(v ?? '');
        const text = inst.pairs!.map(([k, v]) => `${expand(k)}=${expand(v ?? '')}`).join(' ');
        await commitConfig(cfg, `/bin/sh -c #(nop)  LABEL ${text}`);
        break;
      }
      case 'ARG': {
        const [k, v] = inst.pairs![0]!;
        args.set(k, opts.buildArgs?.[k] ?? (v !== undefined ? expand(v) : globalArgs.get(k) ?? ''));
        await commitConfig(cfg, `/bin/sh -c #(nop)  ARG ${k}${v !== undefined ? `=${v}` : ''}`);
        break;
      }
      case 'CMD':
      case 'ENTRYPOINT': {
        const argv = inst.args.length === 0 && !inst.json ? null : commandOf(inst);
        if (inst.keyword === 'CMD') cfg.Cmd = argv;
        else {
          cfg.Entrypoint = argv;
          // An ENTRYPOINT resets a CMD inherited from the base image.
          cfg.Cmd = null;
        }
        await commitConfig(cfg, `/bin/sh -c #(nop)  ${inst.keyword} ${argv ? goQuoteList(argv) : '[]'}`);
        break;
      }
      case 'WORKDIR': {
        const dir = joinPath(cfg.WorkingDir, expand(inst.args[0]!));
        cfg.WorkingDir = dir;
        await commitConfig(cfg, `/bin/sh -c #(nop) WORKDIR ${dir}`, (id) => host.mkdirp(id, dir));
        break;
      }
      case 'EXPOSE': {
        const keys = inst.args.map((a) => exposeKey(expand(a)));
        // Kept in key order, as Go's JSON writes a map.
        cfg.ExposedPorts = Object.fromEntries([...Object.keys(cfg.ExposedPorts), ...keys].sort().map((k) => [k, {}]));
        const shown = Object.keys(cfg.ExposedPorts)
          .sort()
          .map((k) => (k.endsWith('/tcp') ? k.slice(0, -4) : k));
        await commitConfig(cfg, `/bin/sh -c #(nop)  EXPOSE ${shown.join(' ')}`);
        break;
      }
      case 'USER':
        cfg.User = expand(inst.args[0]!);
        await commitConfig(cfg, `/bin/sh -c #(nop)  USER ${cfg.User}`);
        break;
      case 'VOLUME': {
        const vols = inst.args.map(expand);
        for (const v of vols) cfg.Volumes[v] = {};
        await commitConfig(cfg, `/bin/sh -c #(nop)  VOLUME [${vols.join(' ')}]`);
        break;
      }
      case 'STOPSIGNAL':
        cfg.StopSignal = expand(inst.args[0]!);
        await commitConfig(cfg, `/bin/sh -c #(nop)  STOPSIGNAL ${cfg.StopSignal}`);
        break;
      case 'MAINTAINER':
        await commitConfig(cfg, `/bin/sh -c #(nop)  MAINTAINER ${inst.rest}`);
        break;
      default:
        // SHELL, HEALTHCHECK, ONBUILD: recorded in the history, config kept.
        await commitConfig(cfg, `/bin/sh -c #(nop)  ${inst.keyword} ${inst.rest}`);
    }
    // The stage's image so far, for a later stage's COPY --from.
    if (stage) stage.imageId = imageId;
  }
  if (opts.quiet) out.stdout(`${imageId}\n`);
  else say(`Successfully built ${short(imageId)}\n`);
  for (const t of opts.tags) {
    say(`Successfully tagged ${host.tag(imageId, t)}\n`);
  }
  return imageId;
}
