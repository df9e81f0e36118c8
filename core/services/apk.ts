import type { Proc } from '../engine/process';
import { err, out } from '../cshell/procio';
import { readText } from './proc';

/**
 * Alpine's apk-tools 2.14 in a container that cannot reach the internet
 * (the simulator has none): `apk add` and `apk update` try each repository
 * of /etc/apk/repositories, fail with apk's "temporary error (try again
 * later)" once the resolver gives up, and `apk add` then cannot select the
 * packages it was asked for. What needs no network answers from the
 * installed database (/lib/apk/db/installed): `apk info`, `apk list
 * --installed`, `apk --version`.
 */

const VERSION = 'apk-tools 2.14.4, compiled for x86_64.';
/** How long musl's resolver waits before it gives up on a name (two tries of five seconds at 8.8.8.8). */
const RESOLVER_GIVES_UP_MS = 10_000;

function repositories(p: Proc): string[] {
  return (readText(p, '/etc/apk/repositories') ?? '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function installed(p: Proc): { name: string; version: string }[] {
  const text = readText(p, '/lib/apk/db/installed') ?? '';
  return text.split('\n\n').map((block) => ({ name: /^P:(.*)$/m.exec(block)?.[1] ?? '', version: /^V:(.*)$/m.exec(block)?.[1] ?? '' })).filter((x) => x.name !== '');
}

/** Each repository's index fetched and failed, one after another. */
function fetchIndexes(p: Proc, done: (failed: number) => void): void {
  const repos = repositories(p);
  const next = (i: number): void => {
    if (i >= repos.length) return done(repos.length);
    out(p, `fetch ${repos[i]}/x86_64/APKINDEX.tar.gz\n`);
    p.after(RESOLVER_GIVES_UP_MS, () => {
      err(p, `WARNING: fetching ${repos[i]}: temporary error (try again later)\n`);
      next(i + 1);
    });
  };
  next(0);
}

export function apk(p: Proc): void {
  const args = p.argv.slice(1);
  const flags = args.filter((a) => a.startsWith('-'));
  const words = args.filter((a) => !a.startsWith('-'));
  if (flags.includes('--version') || flags.includes('-V')) {
    out(p, `${VERSION}\n`);
    return p.exit(0);
  }
  const cmd = words[0];
  const have = installed(p);
  switch (cmd) {
    case 'add': {
      const wanted = words.slice(1);
      if (wanted.length === 0) {
        err(p, 'ERROR: No packages specified\n');
        return p.exit(1);
      }
      const missing = wanted.filter((w) => !have.some((h) => h.name === w));
      // --no-cache (the Dockerfile idiom) fetches the indexes the same way.
      return fetchIndexes(p, () => {
        if (missing.length === 0) {
          out(p, `OK: ${(7.4).toFixed(1)} MiB in ${have.length} packages\n`);
          return p.exit(0);
        }
        err(p, `ERROR: unable to select packages:\n${missing.map((m) => `  ${m} (no such package):\n    required by: world[${m}]\n`).join('')}`);
        p.exit(1);
      });
    }
    case 'update':
      return fetchIndexes(p, (failed) => {
        out(p, `${failed} unavailable, 0 stale; ${have.length} distinct packages available\n`);
        p.exit(failed > 0 ? 2 : 0);
      });
    case 'info':
      if (words.length === 1) {
        out(p, have.map((h) => `${h.name}\n`).join(''));
        return p.exit(0);
      }
      break;
    case 'list':
      if (flags.includes('--installed') || flags.includes('-I')) {
        out(p, have.map((h) => `${h.name}-${h.version} x86_64 {${h.name}} (GPL-2.0-only) [installed]\n`).join(''));
        return p.exit(0);
      }
      break;
    case undefined:
      if (flags.length === 0) break;
  }
  err(p, `glassbox: apk ${args.join(' ')} is not simulated yet\n`);
  p.exit(2);
}
