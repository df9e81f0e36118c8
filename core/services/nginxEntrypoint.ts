import type { Proc } from '../engine/process';
import { programFor } from '../engine/programs';
import { envValue, err, out } from '../cshell/procio';
import { DEFAULT_CONF } from './fixtures/nginx';
import { quietLogs } from './nginx';
import { execCommand, readText } from './proc';

/**
 * The nginx image's /docker-entrypoint.sh (nginxinc/docker-nginx, copied in
 * fixtures/nginx.ts): for `nginx …` it runs the scripts in
 * /docker-entrypoint.d in `sort -V` order and then `exec "$@"`. The real
 * script runs under /bin/sh; containers here cannot run that shell script yet,
 * so this program does what it does, line for line in its output: the
 * official scripts' work is modelled (10-listen-on-ipv6-by-default.sh edits
 * default.conf in the container, 20-envsubst-on-templates.sh renders
 * /etc/nginx/templates), a script of the user's runs through the simulator's
 * sh, and the command is exec'd in place of the script (PID 1 stays PID 1).
 */

/** The 1-based line of `exec "$@"` in the image's script, which dash names in its error. */
const EXEC_LINE = 47;

/** find DIR -follow -type f, as `sort -V` orders the paths. */
function scripts(p: Proc, dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string, depth: number): void => {
    const names = p.fs.readdir(d);
    if (typeof names === 'string' || depth > 16) return;
    for (const n of names) {
      const path = `${d}/${n}`;
      const st = p.fs.stat(path);
      if (typeof st === 'string') continue;
      if (st.kind === 'file') found.push(path);
      else if (st.kind === 'dir') walk(path, depth + 1);
    }
  };
  walk(dir.replace(/\/$/, ''), 0);
  return found.sort(versionCompare);
}

/** GNU sort -V on the common case: digit runs compare as numbers. */
function versionCompare(a: string, b: string): number {
  const pa = a.split(/(\d+)/);
  const pb = b.split(/(\d+)/);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x === y) continue;
    if (i % 2 === 1) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

function executable(p: Proc, path: string): boolean {
  const st = p.fs.stat(path);
  return typeof st !== 'string' && (st.mode & 0o111) !== 0;
}

type Say = (text: string) => void;

/** 10-listen-on-ipv6-by-default.sh: adds `listen [::]:80;` to the packaged default.conf, once. */
function listenOnIpv6(p: Proc, say: Say): number {
  const me = '10-listen-on-ipv6-by-default.sh';
  const file = '/etc/nginx/conf.d/default.conf';
  const st = p.fs.stat(file);
  if (typeof st === 'string' || st.kind !== 'file') {
    say(`${me}: info: ${file} is not a file or does not exist`);
    return 0;
  }
  // `touch` (to see that the file can be changed) copies it up into the container's layer.
  if (p.fs.touch(file) !== undefined) {
    say(`${me}: info: can not modify ${file} (read-only file system?)`);
    return 0;
  }
  const text = readText(p, file) ?? '';
  if (text.includes('listen  [::]:80;')) {
    say(`${me}: info: IPv6 listen already enabled`);
    return 0;
  }
  const id = /^ID=(.*)$/m.exec(readText(p, '/etc/os-release') ?? '')?.[1];
  if (id === undefined) {
    say(`${me}: info: can not guess the operating system`);
    return 0;
  }
  if (id !== 'debian') {
    say(`${me}: info: Unsupported distribution`);
    return 0;
  }
  say(`${me}: info: Getting the checksum of ${file}`);
  // dpkg's md5sum of the conffile against the file: any edit means it is the user's now.
  if (text !== DEFAULT_CONF) {
    say(`${me}: info: ${file} differs from the packaged version`);
    return 0;
  }
  p.fs.writeFile(file, text.replace('listen       80;', 'listen       80;\n    listen  [::]:80;'));
  say(`${me}: info: Enabled listen on IPv6 in ${file}`);
  return 0;
}

/** envsubst with the names of every defined variable: $NAME and ${NAME} of those, the rest left as written. */
function envsubst(text: string, env: readonly string[]): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, a: string | undefined, b: string | undefined) => envValue(env, (a ?? b)!) ?? m);
}

/** 20-envsubst-on-templates.sh: /etc/nginx/templates/*.template rendered into /etc/nginx/conf.d. */
function envsubstOnTemplates(p: Proc, env: readonly string[], say: Say): number {
  const me = '20-envsubst-on-templates.sh';
  const templateDir = envValue(env, 'NGINX_ENVSUBST_TEMPLATE_DIR') || '/etc/nginx/templates';
  const suffix = envValue(env, 'NGINX_ENVSUBST_TEMPLATE_SUFFIX') || '.template';
  const outputDir = envValue(env, 'NGINX_ENVSUBST_OUTPUT_DIR') || '/etc/nginx/conf.d';
  if (!p.fs.isDir(templateDir)) return 0;
  if (!p.fs.isDir(outputDir)) {
    say(`${me}: ERROR: ${templateDir} exists, but ${outputDir} is not writable`);
    return 0;
  }
  for (const template of scripts(p, templateDir).filter((f) => f.endsWith(suffix))) {
    const relative = template.slice(templateDir.replace(/\/$/, '').length + 1);
    const output = `${outputDir}/${relative.slice(0, -suffix.length)}`;
    const sub = relative.includes('/') ? relative.slice(0, relative.lastIndexOf('/')) : '';
    if (sub !== '') p.fs.mkdir(`${outputDir}/${sub}`, { parents: true });
    say(`${me}: Running envsubst on ${template} to ${output}`);
    p.fs.writeFile(output, envsubst(readText(p, template) ?? '', env));
  }
  return 0;
}

/** The official scripts, by name: what each one does here. */
const OFFICIAL: Readonly<Record<string, (p: Proc, env: string[], say: Say) => number>> = {
  '10-listen-on-ipv6-by-default.sh': (p, _env, say) => listenOnIpv6(p, say),
  '20-envsubst-on-templates.sh': (p, env, say) => envsubstOnTemplates(p, env, say),
  '30-tune-worker-processes.sh': (p, env) => {
    if ((envValue(env, 'NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE') ?? '') === '') return 0;
    err(p, 'glassbox: 30-tune-worker-processes.sh (NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE) is not simulated yet\n');
    return 0;
  },
};

/** 15-local-resolvers.envsh, sourced: exports NGINX_LOCAL_RESOLVERS from /etc/resolv.conf when asked to. */
function localResolvers(p: Proc, env: string[]): void {
  if ((envValue(env, 'NGINX_ENTRYPOINT_LOCAL_RESOLVERS') ?? '') === '') return;
  const servers = [...(readText(p, '/etc/resolv.conf') ?? '').matchAll(/^nameserver\s+(\S+)/gm)].map((m) => (m[1]!.includes(':') ? `[${m[1]}]` : m[1]!));
  env.push(`NGINX_LOCAL_RESOLVERS=${servers.join(' ')}`);
}

export function nginxEntrypoint(p: Proc): void {
  const me = p.argv[0] ?? '/docker-entrypoint.sh';
  const args = p.argv.slice(1);
  const env = [...p.env];
  const say: Say = quietLogs(p) ? () => {} : (t) => out(p, `${t}\n`);
  const exec = (): void =>
    execCommand({ ...p, env }, args, (name, code) => `${me}: ${EXEC_LINE}: exec: ${name}: ${code === 127 ? 'not found' : 'Permission denied'}\n`);
  if (args[0] !== 'nginx' && args[0] !== 'nginx-debug') return exec();
  const dir = '/docker-entrypoint.d';
  const top = p.fs.readdir(dir);
  const anyFile = typeof top !== 'string' && top.some((n) => {
    const st = p.fs.stat(`${dir}/${n}`);
    return typeof st !== 'string' && st.kind === 'file';
  });
  if (!anyFile) {
    say(`${me}: No files found in /docker-entrypoint.d/, skipping configuration`);
    return exec();
  }
  say(`${me}: /docker-entrypoint.d/ is not empty, will attempt to perform configuration`);
  say(`${me}: Looking for shell scripts in /docker-entrypoint.d/`);
  const list = scripts(p, dir);
  const next = (i: number): void => {
    if (i >= list.length) {
      say(`${me}: Configuration complete; ready for start up`);
      return exec();
    }
    const f = list[i]!;
    const base = f.slice(f.lastIndexOf('/') + 1);
    if (f.endsWith('.envsh')) {
      if (!executable(p, f)) say(`${me}: Ignoring ${f}, not executable`);
      else {
        say(`${me}: Sourcing ${f}`);
        if (base === '15-local-resolvers.envsh') localResolvers(p, env);
        else err(p, `glassbox: sourcing ${f} is not simulated yet\n`);
      }
      return next(i + 1);
    }
    if (!f.endsWith('.sh')) {
      say(`${me}: Ignoring ${f}`);
      return next(i + 1);
    }
    if (!executable(p, f)) {
      say(`${me}: Ignoring ${f}, not executable`);
      return next(i + 1);
    }
    say(`${me}: Launching ${f}`);
    // The script runs as a child process of the entrypoint; under `set -e` its failure ends the entrypoint.
    const child = p.spawn([f]);
    const done = (code: number): void => {
      child.exit(code);
      if (code !== 0) return p.exit(code);
      next(i + 1);
    };
    const official = OFFICIAL[base];
    if (official) return done(official(p, env, say));
    // A script of the user's: its text through the simulator's sh.
    programFor('sh')({ ...p, env, argv: ['sh', '-c', readText(p, f) ?? '', f], exit: done, onSignal: () => {} });
  };
  next(0);
}
