import type { LessonStep } from './lesson';
import { dockerArgv, repositoryOf } from './suffix';

/**
 * What a step's solution needs from a real engine, read from its commands:
 * the images `docker run`/`create` start from (a classroom engine has them
 * loaded beforehand; this one is offline), and whether it talks to Docker Hub
 * (`docker pull busybox`, unlike `docker push localhost:5000/app`). The real
 * backend's test skips what the machine cannot give and says so.
 */
export interface StepNeeds {
  /** References as typed, with the implicit `:latest` (`nginx` → `nginx:latest`). */
  images: string[];
  /** Docker Hub (or another remote registry) is needed. */
  hub: boolean;
}

/** `docker run`/`create` flags that take no value (everything else does, unless written `--flag=value`). */
const NO_VALUE = new Set([
  '-d', '--detach', '-i', '--interactive', '-t', '--tty', '--rm', '-P', '--publish-all', '--privileged', '--init', '--read-only',
  '--sig-proxy', '--oom-kill-disable', '--no-healthcheck', '-q', '--quiet', '--disable-content-trust', '--help', '--use-api-socket',
]);

/** The image `docker run|create …` (or `docker container run|create …`) starts from. */
export function runImage(argv: readonly string[]): string | null {
  let i = 1;
  if (argv[i] === 'container') i++;
  if (argv[i] !== 'run' && argv[i] !== 'create') return null;
  for (i++; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return argv[i + 1] ?? null;
    if (!a.startsWith('-') || a === '-') return a;
    if (a.includes('=') || NO_VALUE.has(a)) continue;
    // Bundled short flags: `-dit` takes no value; `-dp 80:80` ends with one that does.
    if (/^-[a-zA-Z]{2,}$/.test(a) && [...a.slice(1)].every((c) => NO_VALUE.has(`-${c}`))) continue;
    i++;
  }
  return null;
}

/** A registry on this host or its private network (`localhost:5000`, the docker0 bridge's `172.17.0.1:5000`), never Docker Hub. */
const LOCAL_REGISTRY = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]|10\.\d+\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|192\.168\.\d+\.\d+)(:\d+)?\//;

/** `nginx` → `nginx:latest`, as Docker completes a reference. */
export function withTag(ref: string): string {
  return repositoryOf(ref) === ref ? `${ref}:latest` : ref;
}

/** The images and registry access a step's commands need. */
export function stepNeeds(step: Pick<LessonStep, 'commands'>, made: readonly string[] = []): StepNeeds {
  const images = new Set<string>();
  let hub = false;
  for (const line of step.commands) {
    for (const argv of dockerArgv(line)) {
      const image = runImage(argv);
      if (image && !made.includes(repositoryOf(image)) && !/[$`]/.test(image)) images.add(withTag(image));
      const sub = argv[1] === 'image' ? argv[2] : argv[1];
      const ref = argv.slice(argv[1] === 'image' ? 3 : 2).find((a) => !a.startsWith('-'));
      if ((sub === 'pull' || sub === 'push') && ref && !LOCAL_REGISTRY.test(ref)) hub = true;
      if (sub === 'search' || sub === 'login') hub = true;
    }
  }
  return { images: [...images], hub };
}
