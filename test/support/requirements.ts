import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Suites that need a real Docker engine, root or Chromium call these at the top
 * and pass the result to `describe.skipIf`. Where the thing is missing they say
 * why on stderr and skip, unless REQUIRE_DOCKER=1 (CI), where a missing
 * requirement is a failure: nothing that CI is meant to prove may skip there.
 */
export const required = process.env.REQUIRE_DOCKER === '1';

function check(what: string, problem: string | null): boolean {
  if (problem === null) return true;
  if (required) throw new Error(`${what} is required (REQUIRE_DOCKER=1) but ${problem}`);
  process.stderr.write(`skipping tests that need ${what}: ${problem}\n`);
  return false;
}

let dockerProblem: string | null | undefined;
/** True when `docker info` answers and the offline test images exist. */
export function haveDocker(): boolean {
  if (dockerProblem === undefined) {
    try {
      execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'pipe', timeout: 15_000 });
      try {
        execFileSync('docker', ['image', 'inspect', 'busybox:latest', 'hello-world:latest'], { stdio: 'pipe', timeout: 15_000 });
        dockerProblem = null;
      } catch {
        dockerProblem = 'the offline test images are missing (run test/setup/images.sh)';
      }
    } catch {
      dockerProblem = 'no Docker engine answers (`docker info` failed)';
    }
  }
  return check('a Docker engine', dockerProblem);
}

/** True when running as root (the agent's kernel views need it). */
export function haveRoot(): boolean {
  return check('root', process.getuid?.() === 0 ? null : 'this process is not root');
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** True when Debian's Chromium is installed. */
export function haveChromium(): boolean {
  return check('Chromium', existsSync(chromiumPath) ? null : `${chromiumPath} does not exist (apt-get install chromium)`);
}

/** The flags our headless Chromium runs with: no sandbox as root, and no traffic beyond loopback. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
