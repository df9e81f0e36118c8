import { pick, seededRng, type Rng } from '../../core/ports';

/**
 * A seeded generator of terminal lines for fuzzing the simulated CLI: valid
 * `docker` lines over the lifecycle commands, and mutations of them (tokens
 * dropped, duplicated or swapped, random flags, bad values, broken quoting,
 * command substitution, pipes, unicode, very long words, empty lines).
 *
 * Lines never contain CR or LF: the CLI reads one line per input line.
 */

const names = ['web', 'db', 'c1', 'c2', 'app', 'job'];
const refs = [...names, 'nosuch', '$(docker ps -lq)', '"$(docker ps -aq | head -n 1)"'];
const images = ['busybox', 'busybox', 'busybox:latest', 'hello-world', 'hello-world:latest', 'nosuchimage', 'busybox:nosuchtag'];
const commands = [
  ['sleep', '300'],
  ['sleep', '1'],
  ['sleep', '30'],
  ['true'],
  ['false'],
  ['echo', 'hello'],
  ['echo', '"hello world"'],
  ['sh', '-c', '"echo hi; sleep 2"'],
  ['sh', '-c', "'echo out; echo err >&2'"],
  ['top'],
  ['cat'],
  ['ls', '/'],
  ['hostname'],
  ['env'],
  ['nosuchcommand'],
  [],
  // The container shell: pipes, substitutions, compound commands, functions, traps, jobs.
  ['sh', '-c', "'seq 20 | sort -r | head -3'"],
  ['sh', '-c', "'for i in 1 2 3; do echo n$i; done | wc -l'"],
  ['sh', '-c', "'case $(hostname) in *) echo host;; esac; f() { echo $1; }; f hi'"],
  ['sh', '-c', "'echo $((6 * 7)) `echo tick` $(echo sub)'"],
  ['sh', '-c', "'trap \"echo bye\" EXIT; false || echo no; exit 2'"],
  ['sh', '-c', "'while true; do date; sleep 1; done'"],
  ['sh', '-c', "'sleep 5 & echo started $!; wait'"],
  ['sh', '-c', "'i=0; until [ $i -ge 3 ]; do i=$((i+1)); done; echo $i'"],
  ['sh', '-c', "'grep -c root /etc/passwd; ls /nosuch 2>&1 | tr a-z A-Z'"],
  ['sh', '-c', "'nosuch; echo $?'"],
];
const signals = ['KILL', 'SIGKILL', 'TERM', 'SIGTERM', 'HUP', 'INT', '9', '15', 'USR1', 'SIGSTOP'];
const restartPolicies = ['no', 'always', 'on-failure', 'on-failure:3', 'unless-stopped'];
const formats = [
  "'{{.Names}}'",
  "'{{.ID}} {{.Status}}'",
  "'table {{.Names}}\\t{{.State}}'",
  'json',
  "'{{json .State}}'",
  "'{{.State.Status}}'",
  "'{{.State.ExitCode}}'",
  "'{{.Name}}'",
  "'{{.Config.Cmd}}'",
  "'{{.HostConfig.RestartPolicy.Name}}'",
];
const filters = ['status=running', 'status=paused', 'status=exited', 'status=created', 'name=web', 'name=c', 'exited=0', 'exited=137', 'status=bogus'];

/** Flags with a value generator, per command. */
type FlagSpec = readonly [flag: string, value?: (rng: Rng) => string];
const v = (list: readonly string[]) => (rng: Rng) => pick(rng, list);

const runFlags: FlagSpec[] = [
  ['-d'],
  ['--detach'],
  ['--rm'],
  ['-i'],
  ['-t'],
  ['-it'],
  ['--init'],
  ['--name', v(names)],
  ['-e', v(['A=1', 'B', 'PATH=/bin', 'X='])],
  ['--env', v(['FOO=bar'])],
  ['--restart', v(restartPolicies)],
  ['-p', v(['8080:80', '80', '127.0.0.1:8081:80/tcp'])],
  ['-m', v(['64m', '1g', '6m'])],
  ['--memory', v(['128m'])],
  ['--stop-timeout', v(['1', '3', '0'])],
  ['--stop-signal', v(signals)],
  ['--entrypoint', v(['sh', 'echo', '""'])],
  ['-w', v(['/tmp', '/'])],
  ['-h', v(['box'])],
  ['--hostname', v(['box'])],
  ['--label', v(['a=b', 'course=docker'])],
  ['-l', v(['x=y'])],
  ['-u', v(['root', '1000', '0:0'])],
  ['--cpus', v(['0.5', '1'])],
  ['--network', v(['none', 'bridge', 'host'])],
  ['--pull', v(['never', 'missing'])],
  ['-a', v(['stdout', 'stderr'])],
];
const createFlags = runFlags.filter(([f]) => f !== '-d' && f !== '--detach');
const timeFlags: FlagSpec[] = [
  ['-t', v(['0', '1', '5'])],
  ['--time', v(['2', '10'])],
  ['-s', v(signals)],
  ['--signal', v(signals)],
];

interface CommandSpec {
  name: string;
  flags: FlagSpec[];
  /** The positional arguments. */
  args: (rng: Rng) => string[];
}

const someRefs = (rng: Rng): string[] => {
  const n = 1 + (rng.nextU32() % 3 === 0 ? 1 + (rng.nextU32() % 2) : 0);
  return Array.from({ length: n }, () => pick(rng, refs));
};
const imageAndCommand = (rng: Rng): string[] => [pick(rng, images), ...pick(rng, commands)];

const specs: CommandSpec[] = [
  { name: 'run', flags: runFlags, args: imageAndCommand },
  { name: 'create', flags: createFlags, args: imageAndCommand },
  { name: 'start', flags: [['-a'], ['--attach'], ['-i'], ['--interactive']], args: someRefs },
  { name: 'stop', flags: timeFlags, args: someRefs },
  { name: 'kill', flags: [['-s', v(signals)], ['--signal', v(signals)]], args: someRefs },
  { name: 'pause', flags: [], args: someRefs },
  { name: 'unpause', flags: [], args: someRefs },
  { name: 'restart', flags: timeFlags, args: someRefs },
  { name: 'rm', flags: [['-f'], ['--force'], ['-v'], ['--volumes']], args: someRefs },
  {
    name: 'ps',
    flags: [['-a'], ['--all'], ['-q'], ['--quiet'], ['-l'], ['--latest'], ['-n', v(['1', '2', '0', '-1'])], ['--no-trunc'], ['-s'], ['-f', v(filters)], ['--filter', v(filters)], ['--format', v(formats)]],
    args: () => [],
  },
  { name: 'inspect', flags: [['-f', v(formats)], ['--format', v(formats)], ['-s'], ['--size'], ['--type', v(['container', 'image', 'volume'])]], args: someRefs },
  { name: 'logs', flags: [['-f'], ['--follow'], ['-t'], ['--timestamps'], ['--tail', v(['1', '2', 'all', '0'])], ['-n', v(['1'])], ['--since', v(['1m', '2026-01-01T00:00:00Z'])], ['--until', v(['1s'])], ['--details']], args: (rng) => [pick(rng, refs)] },
];

/** The subcommands a valid line can start with. */
export const subcommands = specs.map((s) => s.name);

/** A plausible, well-formed docker line (it may still be refused: no such container, wrong state…). */
export function validLine(rng: Rng): string {
  const spec = pick(rng, specs);
  const tokens = ['docker', spec.name];
  const flagCount = spec.flags.length === 0 ? 0 : rng.nextU32() % 4;
  for (let i = 0; i < flagCount; i++) {
    const [flag, value] = pick(rng, spec.flags);
    tokens.push(flag);
    if (value) tokens.push(value(rng));
  }
  tokens.push(...spec.args(rng));
  return tokens.join(' ');
}

const badValues = [
  '', '""', "''", '-1', '0', 'abc', '99999999999999999999', '1e9', ':', '=', '%s', '%!d', '{{', '}}', '{{.Nope}}', '{{json}}',
  '{{.State.Status', '\\', "'", '"', '$(', '`', '|', '||', '&&', ';', '>', '<', '2>&1', '&', '*', '~', '-', '--', '---', '-=', '--=',
  'ñ', '容器', '🐳', 'e\u0301', '\u200b', '\t', '\u001b[31m', '\u0000', 'null', 'true', '-d=false', '--rm=maybe', '@', 'sha256:', 'busybox@sha256:abc',
  'BUSYBOX', 'busy box', 'a:b:c', '/', '..', '../../etc/passwd', '$HOME', '${X', '!!', '#', 'web#1',
];
const randomFlags = ['-x', '-Q', '--nope', '--name', '--name=', '-d', '-a', '-f', '-t', '-s', '--time=-1', '--signal=', '--format', '-e', '--', '-dit', '-zz', '--restart=sometimes', '--memory=lots', '-p=99999:1', '--help', '-h'];
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,';

function randomWord(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[rng.nextU32() % alphabet.length];
  return out;
}

function tokenize(line: string): string[] {
  return line.split(' ').filter((t) => t !== '');
}

type Mutation = (tokens: string[], rng: Rng) => string[];
const at = (tokens: string[], rng: Rng): number => (tokens.length === 0 ? 0 : rng.nextU32() % tokens.length);

const mutations: Mutation[] = [
  // drop a token
  (t, rng) => t.filter((_, i) => i !== at(t, rng)),
  // duplicate a token
  (t, rng) => {
    const i = at(t, rng);
    return [...t.slice(0, i + 1), ...t.slice(i)];
  },
  // swap two tokens
  (t, rng) => {
    const out = [...t];
    const i = at(t, rng);
    const j = at(t, rng);
    [out[i], out[j]] = [out[j]!, out[i]!];
    return out;
  },
  // insert a random flag
  (t, rng) => {
    const i = Math.min(t.length, 2 + (rng.nextU32() % Math.max(1, t.length - 1)));
    return [...t.slice(0, i), pick(rng, randomFlags), ...t.slice(i)];
  },
  // replace a token with a bad value
  (t, rng) => {
    const out = [...t];
    out[at(t, rng)] = pick(rng, badValues);
    return out;
  },
  // append a bad value
  (t, rng) => [...t, pick(rng, badValues)],
  // unbalanced quote
  (t, rng) => {
    const out = [...t];
    const i = at(t, rng);
    out[i] = pick(rng, ['"', "'"]) + (out[i] ?? '');
    return out;
  },
  // command substitution, open or closed
  (t, rng) => pick(rng, [['echo', '$(' + t.join(' ')], ['echo', '$(' + t.join(' ') + ')'], [...t, '$(docker', 'ps']]),
  // a pipe into a filter
  (t, rng) => [...t, '|', ...pick(rng, [['grep', 'web'], ['wc', '-l'], ['head', '-n', '1'], ['cat'], ['nosuchfilter'], []])],
  // a very long word
  (t, rng) => {
    const out = [...t];
    out[at(t, rng)] = randomWord(rng, 1000 + (rng.nextU32() % 20_000));
    return out;
  },
  // unicode soup
  (t, rng) => [...t, pick(rng, ['容器', '🐳🐳', 'Ünïcödé', '\u202Eabc', 'ｄｏｃｋｅｒ', 'a\u0000b'])],
  // a misspelt program
  (t, rng) => [pick(rng, ['dokcer', 'Docker', 'docker-compose', 'sudo', 'nosuchprogram']), ...t.slice(1)],
  // operators between commands
  (t, rng) => [...t, pick(rng, [';', '&&', '||']), ...tokenize(validLine(rng))],
];

/** Lines with nothing a parser can hold on to. */
const oddLines = ['', ' ', '\t', '   \t  ', 'docker', 'docker ', 'docker --', 'docker -', '|', '$(', ')', '"', "'", '\\', ';', ';;', '&&', '#', '# comment', 'docker #', 'docker help', 'docker --help', 'docker run', 'docker run --help', 'docker ps --help'];

/** A mutated line: one to three mutations of a valid line, or an odd line. */
export function mutatedLine(rng: Rng): string {
  if (rng.nextU32() % 10 === 0) return pick(rng, oddLines);
  let tokens = tokenize(validLine(rng));
  const n = 1 + (rng.nextU32() % 3);
  for (let i = 0; i < n; i++) tokens = pick(rng, mutations)(tokens, rng);
  return tokens.join(rng.nextU32() % 8 === 0 ? '  ' : ' ');
}

/**
 * `count` lines for a seed: about 40% valid and 60% mutated, with a valid
 * cleanup (`docker rm -f` of every named container) now and then so the
 * number of live containers stays in the hundreds rather than the thousands.
 */
export function generateLines(seed: string, count: number): string[] {
  const rng = seededRng(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 500 === 499) lines.push(`docker rm -f ${names.join(' ')} $(docker ps -aq)`);
    else lines.push(rng.nextU32() % 10 < 4 ? validLine(rng) : mutatedLine(rng));
  }
  return lines.map((l) => l.replace(/[\r\n]/g, ' '));
}
