import { decodeArchive, encodeArchive, verboseLine, type ArchiveEntry } from '../../archive/tar';
import type { UtilContext } from '../context';
import { resolvePath } from '../filesystem';

/**
 * GNU tar 1.34's list, extract and create modes over the simulator's archives
 * (see core/archive/tar.ts): `tar -tvf x.tar`, `docker save img | tar -t`,
 * `tar -xf x.tar -C dir`, `tar -cf out.tar files…`. Without -f the archive is
 * stdin or stdout, as Debian's tar defaults.
 */

function fatal(ctx: UtilContext, message: string): number {
  ctx.io.stderr(`tar: ${message}\ntar: Error is not recoverable: exiting now\n`);
  return 2;
}

interface TarArgs {
  mode: 't' | 'x' | 'c' | '';
  verbose: boolean;
  file: string | undefined;
  dir: string | undefined;
  names: string[];
}

function parseArgs(ctx: UtilContext): TarArgs | number {
  const a: TarArgs = { mode: '', verbose: false, file: undefined, dir: undefined, names: [] };
  const argv = ctx.argv.slice(1);
  // Old-style options: a first word without a dash is a cluster of letters.
  if (argv[0] !== undefined && !argv[0].startsWith('-')) argv[0] = `-${argv[0]}`;
  const setMode = (m: 't' | 'x' | 'c'): number | undefined => {
    if (a.mode !== '' && a.mode !== m) return fatal(ctx, "You may not specify more than one '-Acdtrux', '--delete' or  '--test-label' option");
    a.mode = m;
    return undefined;
  };
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!;
    if (w.startsWith('--')) {
      const [name, value] = w.includes('=') ? [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)] : [w, undefined];
      const take = (): string | undefined => value ?? argv[++i];
      if (name === '--list') setMode('t');
      else if (name === '--extract' || name === '--get') setMode('x');
      else if (name === '--create') setMode('c');
      else if (name === '--verbose') a.verbose = true;
      else if (name === '--file') a.file = take();
      else if (name === '--directory') a.dir = take();
      else {
        ctx.io.stderr(`tar: unrecognized option '${w}'\nTry 'tar --help' or 'tar --usage' for more information.\n`);
        return 64;
      }
      continue;
    }
    if (!w.startsWith('-') || w === '-') {
      a.names.push(w);
      continue;
    }
    for (let j = 1; j < w.length; j++) {
      const c = w[j]!;
      if (c === 't' || c === 'x' || c === 'c') {
        const r = setMode(c);
        if (r !== undefined) return r;
      } else if (c === 'v') a.verbose = true;
      else if (c === 'f' || c === 'C') {
        const rest = w.slice(j + 1);
        const value = rest !== '' ? rest : argv[++i];
        if (value === undefined) {
          ctx.io.stderr(`tar: option requires an argument -- '${c}'\nTry 'tar --help' or 'tar --usage' for more information.\n`);
          return 64;
        }
        if (c === 'f') a.file = value;
        else a.dir = value;
        break;
      } else if (c === 'z' || c === 'p' || c === 'o') {
        // Accepted and ignored: the simulator's archives are not compressed.
      } else {
        ctx.io.stderr(`tar: invalid option -- '${c}'\nTry 'tar --help' or 'tar --usage' for more information.\n`);
        return 64;
      }
    }
  }
  return a;
}

/** Reads the archive named by -f (or stdin). */
function readArchive(ctx: UtilContext, file: string | undefined): ArchiveEntry[] | number {
  let text: string;
  if (file === undefined || file === '-') {
    text = ctx.io.stdin ?? '';
  } else {
    const r = ctx.fs.tryRead(resolvePath(file, ctx.cwd));
    if ('error' in r) return fatal(ctx, `${file}: Cannot open: ${r.error === 'EISDIR' ? 'Is a directory' : 'No such file or directory'}`);
    text = r.data;
  }
  if (text === '') return fatal(ctx, 'This does not look like a tar archive');
  const entries = decodeArchive(text);
  if (!entries) {
    ctx.io.stderr('tar: This does not look like a tar archive\ntar: Skipping to next header\ntar: Exiting with failure status due to previous errors\n');
    return 2;
  }
  return entries;
}

/** Members selected by the names given (a name selects itself and everything under it). */
function selected(entries: ArchiveEntry[], names: string[]): ArchiveEntry[] {
  if (names.length === 0) return entries;
  const norm = (n: string): string => n.replace(/^\.\//, '').replace(/\/$/, '');
  return entries.filter((e) => names.some((n) => norm(e.name) === norm(n) || norm(e.name).startsWith(norm(n) + '/')));
}

export function tar(ctx: UtilContext): number {
  const a = parseArgs(ctx);
  if (typeof a === 'number') return a;
  if (a.mode === '') {
    ctx.io.stderr("tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\nTry 'tar --help' or 'tar --usage' for more information.\n");
    return 2;
  }
  if (a.mode === 'c') return create(ctx, a);
  const entries = readArchive(ctx, a.file);
  if (typeof entries === 'number') return entries;
  const members = selected(entries, a.names);
  if (a.mode === 't') {
    let out = '';
    for (const e of members) out += (a.verbose ? verboseLine(e) : e.name) + '\n';
    ctx.io.stdout(out);
  } else {
    const base = resolvePath(a.dir ?? '.', ctx.cwd);
    if (!ctx.fs.isDir(base)) return fatal(ctx, `${a.dir}: Cannot open: No such file or directory`);
    for (const e of members) {
      const path = resolvePath(e.name, base);
      if (a.verbose) ctx.io.stdout(`${e.name}\n`);
      if (e.type === 'dir') ctx.fs.mkdir(path, { parents: true });
      else if (e.type === 'symlink') {
        ctx.fs.remove(path);
        ctx.fs.symlink(e.linkname ?? '', path);
      } else if (e.type === 'file' || e.type === 'hardlink') {
        ctx.fs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { parents: true });
        const content = e.archive ? encodeArchive(e.archive) : (e.content ?? '');
        ctx.fs.writeFile(path, content);
        ctx.fs.chmod(path, e.mode & 0o7777);
      }
    }
  }
  if (a.names.length > members.length || (a.names.length > 0 && members.length === 0)) {
    const missing = a.names.filter((n) => selected(entries, [n]).length === 0);
    for (const n of missing) ctx.io.stderr(`tar: ${n}: Not found in archive\n`);
    if (missing.length > 0) {
      ctx.io.stderr('tar: Exiting with failure status due to previous errors\n');
      return 2;
    }
  }
  return 0;
}

/** `tar -c`: archives the named files and directories (their text content and modes). */
function create(ctx: UtilContext, a: TarArgs): number {
  if (a.names.length === 0) return fatal(ctx, 'Cowardly refusing to create an empty archive');
  if ((a.file === undefined || a.file === '-') && ctx.stdoutIsTTY) return fatal(ctx, 'Refusing to write archive contents to terminal (missing -f option?)');
  const base = resolvePath(a.dir ?? '.', ctx.cwd);
  const entries: ArchiveEntry[] = [];
  const now = Math.floor(ctx.now() / 1000);
  let failed = false;
  const add = (name: string): void => {
    const abs = resolvePath(name, base);
    const st = ctx.fs.lstat(abs);
    if (typeof st === 'string') {
      ctx.io.stderr(`tar: ${name}: Cannot stat: No such file or directory\n`);
      failed = true;
      return;
    }
    const mtime = Math.floor(st.mtime / 1000) || now;
    const common = { mode: st.mode, mtime, uid: st.uid ?? 0, gid: st.gid ?? 0, uname: 'root', gname: 'root' };
    if (st.kind === 'dir') {
      entries.push({ name: name.replace(/\/?$/, '/'), type: 'dir', size: 0, ...common });
      const names = ctx.fs.readdir(abs);
      if (typeof names !== 'string') for (const child of names) add(`${name.replace(/\/$/, '')}/${child}`);
    } else if (st.kind === 'symlink') {
      entries.push({ name, type: 'symlink', size: 0, linkname: st.target ?? '', ...common });
    } else {
      const content = ctx.fs.readFile(abs);
      const nested = decodeArchive(content);
      entries.push({ name, type: 'file', size: st.size, ...common, ...(nested ? { archive: nested } : { content }) });
    }
    if (a.verbose) ctx.io.stderr(`${entries[entries.length - 1]!.name}\n`);
  };
  for (const n of a.names) add(n.replace(/^\/+/, ''));
  const text = encodeArchive(entries);
  if (a.file === undefined || a.file === '-') ctx.io.stdout(text);
  else {
    const err = ctx.fs.writeFile(resolvePath(a.file, ctx.cwd), text);
    if (err) return fatal(ctx, `${a.file}: Cannot open: No such file or directory`);
  }
  if (failed) {
    ctx.io.stderr('tar: Exiting with failure status due to previous errors\n');
    return 2;
  }
  return 0;
}
