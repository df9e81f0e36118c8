import { build, BuildError, type BuildContext } from '../../images/build';
import { parseNormalizedNamed, ReferenceError } from '../../images/reference';
import { resolvePath, type Fs } from '../../shell/filesystem';
import { engineBuildHost } from '../../engine/buildHost';
import { daemonErrorText, type CommandDef } from './common';

/** What the 28.x client prints first when buildx is not installed and it falls back to the legacy builder. */
export const LEGACY_BUILDER_NOTICE =
  'DEPRECATED: The legacy builder is deprecated and will be removed in a future release.\n' +
  '            Install the buildx component to build images with BuildKit:\n' +
  '            https://docs.docker.com/go/buildx/\n\n';

/** Every file and directory under `dir`, relative to it (the context the client tars). */
function readContext(fs: Fs, dir: string): BuildContext {
  const files: BuildContext['files'] = new Map();
  const walk = (abs: string, rel: string): void => {
    const names = fs.readdir(abs);
    if (typeof names === 'string') return;
    for (const n of names) {
      const childAbs = `${abs === '/' ? '' : abs}/${n}`;
      const childRel = rel === '' ? n : `${rel}/${n}`;
      const st = fs.stat(childAbs);
      if (typeof st === 'string') continue;
      if (st.kind === 'dir') {
        files.set(childRel, { kind: 'dir', content: '', mode: st.mode });
        walk(childAbs, childRel);
      } else {
        files.set(childRel, { kind: 'file', content: fs.readFile(childAbs), mode: st.mode });
      }
    }
  };
  walk(dir, '');
  return { files };
}

export const buildCommand: CommandDef = {
  name: 'build',
  usage: '[OPTIONS] PATH | URL | -',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    const fs = ctx.fs;
    const cwd = ctx.io.cwd ?? '/';
    const tags = flags.stringArray('tag');
    for (const t of tags) {
      try {
        parseNormalizedNamed(t);
      } catch (e) {
        if (!(e instanceof ReferenceError)) throw e;
        ctx.io.stderr(`invalid argument "${t}" for "-t, --tag" flag: ${e.message}\n\nUsage:  ${ctx.path} [OPTIONS] PATH | URL | -\n\nRun '${ctx.path} --help' for more information\n`);
        return 125;
      }
    }
    const source = flags.args[0]!;
    let dockerfile: string;
    let context: BuildContext;
    if (source === '-') {
      // The Dockerfile itself is the whole context.
      dockerfile = ctx.io.stdin ?? '';
      context = { files: new Map([['Dockerfile', { kind: 'file', content: dockerfile, mode: 0o644 }]]) };
    } else if (/^(https?|git):\/\//.test(source) || source.startsWith('git@')) {
      ctx.io.stderr(`unable to prepare context: unable to download remote context ${source}: no such host\n`);
      return 1;
    } else {
      if (!fs) throw new Error('docker build needs the host filesystem');
      const dir = resolvePath(source, cwd);
      if (!fs.isDir(dir)) {
        ctx.io.stderr(`unable to prepare context: path "${source}" not found\n`);
        return 1;
      }
      const file = flags.string('file');
      const path = file === '' ? `${dir === '/' ? '' : dir}/Dockerfile` : resolvePath(file, cwd);
      const text = fs.tryRead(path);
      if ('error' in text) {
        ctx.io.stderr(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: no such file or directory\n`);
        return 1;
      }
      dockerfile = text.data;
      context = readContext(fs, dir);
    }
    const buildArgs: Record<string, string> = {};
    for (const kv of flags.stringArray('build-arg')) {
      const eq = kv.indexOf('=');
      if (eq > 0) buildArgs[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    try {
      const id = await build(
        engineBuildHost(ctx.engine),
        { dockerfile, context, tags, noCache: flags.bool('no-cache'), quiet: flags.bool('quiet'), buildArgs, forceRm: flags.bool('force-rm'), rm: flags.bool('rm') },
        ctx.io,
      );
      const iidfile = flags.string('iidfile');
      if (iidfile !== '' && fs) fs.writeFile(resolvePath(iidfile, cwd), id);
      return 0;
    } catch (e) {
      if (e instanceof BuildError) {
        ctx.io.stderr(`${e.fromDaemon ? 'Error response from daemon: ' : ''}${e.message}\n`);
        return e.exitCode;
      }
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
  },
};
