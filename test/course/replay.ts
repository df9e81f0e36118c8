import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from '../../backends/sim/simHost';
import type { TerminalIO } from '../../core/backend';
import { courseDialogs } from './dialogs';
import { pick, substitute, type Need, type NoteCommand, type ReplayState, type Section } from './extract';

/**
 * Replays the course notes' commands on one simulated machine, as a student
 * following them would type them into the page: a fresh engine (no images),
 * a terminal (stdin and stdout are a TTY), section after section in order.
 * A command that opens a shell in a container (`docker exec -it … bash`) gets
 * the lines the notes type into it, then Ctrl-D.
 */

/** How a line came out, judged by what it printed and its exit status. */
export type Outcome = 'ok' | 'not simulated' | 'unknown command' | 'command not found' | 'glassbox' | 'docker error' | 'error' | 'expected';

/** The outcomes that mean the simulator lacks something (what the course test counts as not simulated/unknown). */
export const MISSING: readonly Outcome[] = ['not simulated', 'unknown command', 'command not found', 'glassbox'];

export interface LineResult {
  command: NoteCommand;
  /** The line as run: placeholders filled, in a container through `docker exec`. */
  ran: string;
  filled: string[];
  outcome: Outcome;
  exit: number;
  /** The first line of the output that says what happened (or the last line printed). */
  detail: string;
  /** Set when the outcome is an error the notes' line gets from real Docker too. */
  expectedBecause?: string;
  /** Lines the replay ran first to give the line what it presumes (a running container, an image). */
  helpers: { line: string; outcome: Outcome; detail: string }[];
  /** Typed into the session this line opened. */
  typed: string[];
  /** What was done in the page's dialogs it opened (the editor pane, the Docker Hub sign-in). */
  dialogs?: string[];
}

export interface Replay {
  results: LineResult[];
  /** Lines typed into another line's session rather than run themselves. */
  typedInto: Map<NoteCommand, NoteCommand>;
}

/**
 * Errors a line of the notes gets from real Docker too, whatever the
 * simulator: the notes' own typos, and names no line of them creates. Matched
 * against the notes' text; the outcome must be one of `outcomes`, and where
 * `detail` is given the error must be that one (so another error on the line
 * still counts as failing).
 */
export const EXPECTED_ERRORS: readonly { text: RegExp; outcomes: readonly Outcome[]; why: string; detail?: RegExp }[] = [
  { text: /--oom-kill-disabel/, outcomes: ['docker error'], why: 'the notes misspell --oom-kill-disable: the client refuses an unknown flag' },
  { text: /--cpus="\.5"$/, outcomes: ['docker error'], why: 'no image is named: "docker run" requires at least 1 argument' },
  { text: /--cpus="1\.5$/, outcomes: ['error'], why: 'an unterminated quote (the notes lose the closing ")): the shell’s syntax error' },
  { text: /nginx:last/, outcomes: ['docker error'], why: 'Docker Hub has no nginx tag "last" (the notes mean latest)' },
  { text: /^docker rmi nginx:v1$/, outcomes: ['docker error'], why: 'no line of the notes tags nginx:v1' },
  { text: /daocloud\.io\/ubuntu/, outcomes: ['docker error'], why: 'no line of the notes pulls daocloud.io/ubuntu' },
  { text: /^docker image insepct/, outcomes: ['unknown command'], why: 'the notes misspell inspect' },
  { text: /–d –net=host/, outcomes: ['docker error'], why: 'the notes’ en dashes (–d, –net) are not flags: the client takes "–d" for the image name' },
  { text: /docker cp 92592755c544:\/docker\.txt/, outcomes: ['docker error'], why: 'the notes’ container had a /docker.txt that no line of the notes makes' },
  { text: /docker cp \/opt\/centos\.txt/, outcomes: ['docker error', 'error'], why: 'the notes’ host had an /opt/centos.txt that no line of the notes makes' },
  { text: /^docker container update --restart=always nginx$/, outcomes: ['docker error'], why: 'no line before it makes a container named nginx' },
  { text: /^sudo docker rm \$\(sudo docker ps -a -q\)$/, outcomes: ['docker error'], why: 'it names every container; Docker refuses to remove the running ones' },
  { text: /^docker rmi \$\(docker images -q\)$/, outcomes: ['docker error'], why: 'it names every image; Docker refuses to remove the ones containers use' },
  { text: /^docker push 192\.168\.1\.13:5000\/centos7:V1\.0$/, outcomes: ['docker error', 'error'], why: 'the notes tag 192.168.13:5000/… and push 192.168.1.13:5000/…: no such local image' },
  { text: /^docker push 10\.1\.100\.11:5000\/nginx:1\.15$/, outcomes: ['error'], why: 'the docker tag line before it failed (Docker Hub has no nginx:last): there is no such local image to push' },
  { text: /^mkdir \/etc\/docker$/, outcomes: ['error'], why: 'Debian’s docker.io package installs /etc/docker itself (dpkg -S /etc/docker), so mkdir without -p says File exists' },
  { text: /^docker events$/, outcomes: ['error'], why: 'docker events follows until Ctrl-C; the client then exits 130 (128 + SIGINT)' },
  { text: /^docker volume rm myvolume$/, outcomes: ['docker error'], why: 'the nginx container the notes started on it uses it; the notes say themselves that a volume in use cannot be removed' },
  { text: /^mount -t aufs /, outcomes: ['error'], why: 'no line of the notes makes A, B and C, and Debian 12’s kernel has no aufs (overlay2 replaced it): mount fails, exit 32' },
  { text: /--volumes-from log-producer\u00a0/, outcomes: ['docker error'], why: 'the notes put a no-break space (U+00A0) after log-producer: bash does not split words there, so Docker looks for a container named "log-producer" with that character on the end' },
  { text: /training\/webapp/, outcomes: ['docker error'], detail: /schema 1 support has been removed/, why: 'training/webapp (2015) is still a schema 1 manifest on Docker Hub, and Docker 28 removed pulling that format: the pull fails after "Pulling from"' },
  { text: /^docker search$|^docker history$/, outcomes: ['docker error'], why: 'the notes name the command alone; it needs an argument' },
];

/**
 * What a line presumes that no earlier line of the notes made: run first, as
 * helpers. Kept short; a placeholder's container or image is made the same
 * way when the machine has none that fits (placeholderHelper()).
 */
export const PREREQUISITES: readonly { text: RegExp; lines: readonly string[]; why: string }[] = [
  { text: /^docker image inspect ubuntu:latest$/, lines: ['docker pull ubuntu'], why: 'the notes show ubuntu’s layers; no line before pulls it' },
  { text: /^docker export busybox /, lines: ['docker run -d --name busybox busybox sleep 3600'], why: 'the notes export a container named busybox; no line creates it' },
  { text: /^docker cp mysql:/, lines: ['docker run -d --name mysql -e MYSQL_ROOT_PASSWORD=course mysql'], why: 'the notes copy out of a mysql container; their own run of it has a typo' },
  { text: /^docker kill \$\(docker ps -q\)$/, lines: ['docker run -d busybox sleep 3600'], why: 'it kills every running container; the line before killed the only one' },
  { text: /^docker save centos|^docker image tag centos:latest/, lines: ['docker pull centos'], why: 'the notes removed every image a few lines before (docker rmi $(docker images -q))' },
];

/** Judges a line's output: the simulator's refusals first, then Docker's errors, then the exit status. */
export function judge(output: string, exit: number): { outcome: Outcome; detail: string } {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const find = (re: RegExp): string | undefined => lines.find((l) => re.test(l));
  const checks: [Outcome, RegExp][] = [
    ['not simulated', /not simulated/],
    ['unknown command', /unknown command/],
    ['command not found', /command not found/],
    ['glassbox', /^glassbox: /],
  ];
  for (const [outcome, re] of checks) {
    const hit = find(re);
    if (hit !== undefined) return { outcome, detail: hit };
  }
  if (exit === 0) return { outcome: 'ok', detail: lines.at(-1) ?? '' };
  const docker = find(/Error response from daemon|^docker: |^Error( |:)|invalid reference format|requires (at least|exactly) \d+ argument|^unknown (shorthand )?flag/);
  if (docker !== undefined) return { outcome: 'docker error', detail: docker };
  return { outcome: 'error', detail: lines.find((l) => /error|cannot|can't|no such|not found|denied|invalid/i.test(l)) ?? lines.at(-1) ?? `exit ${exit}` };
}

/** Terminal output as text: no colour or cursor sequences, no carriage returns. */
export function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

async function run(host: SimHost, line: string, feed?: () => Promise<string | undefined>, dialogs?: Pick<TerminalIO, 'edit' | 'signIn'>): Promise<{ output: string; exit: number }> {
  let output = '';
  const io: TerminalIO = { stdout: (t: string) => void (output += t), stderr: (t: string) => void (output += t), ...dialogs };
  const exit = await host.runToCompletion(line, io, undefined, feed ?? (async () => undefined));
  return { output: plain(output), exit };
}

/**
 * The machine as the placeholders see it. Images are newest first in the order
 * the replay saw them appear (an image removed and pulled again is new again),
 * which `seen` keeps between calls.
 */
function stateOf(host: SimHost, seen: string[]): ReplayState {
  const snap = host.snapshot();
  const present = new Set(snap.images.map((i) => i.id));
  for (let k = seen.length - 1; k >= 0; k--) if (!present.has(seen[k]!)) seen.splice(k, 1);
  for (const image of snap.images) if (!seen.includes(image.id)) seen.push(image.id);
  const containers = [...snap.containers]
    .sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0))
    .map((c) => ({ name: c.name, image: c.image, running: c.state === 'running' || c.state === 'restarting' || c.state === 'paused' }));
  const images = [...seen]
    .reverse()
    .flatMap((id) => snap.images.filter((i) => i.id === id && i.tags.length > 0))
    .map((i) => ({ ref: i.tags[0]!, id: i.id, users: snap.containers.filter((c) => c.imageId === i.id).length }));
  return { containers, images };
}

/**
 * A line that makes what a placeholder needs and the machine lacks: a
 * container (ubuntu where the line runs bash, busybox otherwise; one that has
 * exited for `docker rm`/`start`), or an image to remove (alpine, which no
 * line of the notes uses, so removing it takes nothing from the lines after).
 */
export function helperFor(n: Need, count: number): string {
  if (n.kind === 'image') return n.state === 'unused' ? 'docker pull alpine' : 'docker pull busybox';
  if (n.state === 'stopped') return `docker run --name course-done-${count} busybox true`;
  return `docker run -d --name course-box-${count} ${n.bash ? 'ubuntu' : 'busybox'} sleep 3600`;
}

/** Runs every command of the notes in order on one fresh simulated machine. */
export async function replayNotes(sections: readonly Section[], seed = 'course', notes = ''): Promise<Replay> {
  const noteLines = notes.split('\n');
  const host = new SimHost({ seed, yieldToEventLoop: () => yieldImmediate(), stdinIsTTY: true, terminalInput: true });
  const seen: string[] = [];
  const results: LineResult[] = [];
  const typedInto = new Map<NoteCommand, NoteCommand>();
  const all = sections.flatMap((s) => s.commands);
  let helperCount = 0;
  for (let i = 0; i < all.length; i++) {
    const command = all[i]!;
    if (command.kind !== 'run' || typedInto.has(command)) continue;
    const helpers: LineResult['helpers'] = [];
    const help = async (line: string): Promise<void> => {
      const r = await run(host, line);
      helpers.push({ line, ...judge(r.output, r.exit) });
    };
    for (const p of PREREQUISITES) if (p.text.test(command.text)) for (const line of p.lines) await help(line);
    // Something to remove with `docker rmi`: a throwaway image, so the notes' own images stay for the lines after.
    if (/镜像|d123f4e55e12|67f7ad418fdf/.test(command.text) && /\brmi\b/.test(command.text) && !stateOf(host, seen).images.some((im) => im.ref === 'alpine:latest' && im.users === 0)) {
      await help(helperFor({ kind: 'image', state: 'unused' }, ++helperCount));
    }
    let sub = substitute(command.text, stateOf(host, seen));
    for (const m of sub.missing) if (pick(stateOf(host, seen), m) === undefined) await help(helperFor(m, ++helperCount));
    if (sub.missing.length > 0) sub = substitute(command.text, stateOf(host, seen));
    let ran = sub.line;
    if (command.inContainer) {
      // Typed at a container's prompt with no session open: the same line through docker exec, in a container with that shell.
      const n: Need = { kind: 'container', state: 'running', ...(command.shell === 'bash' ? { bash: true } : {}) };
      const busybox = (): string | undefined => (command.shell === 'ash' ? stateOf(host, seen).containers.find((c) => c.running && /^busybox(:|$)/.test(c.image))?.name : pick(stateOf(host, seen), n));
      if (busybox() === undefined) await help(helperFor(n, ++helperCount));
      ran = `docker exec ${busybox()} ${sub.line}`;
    }
    // The lines the notes type into a session this line opens: the next ones of the same block, inside the container.
    const typed: string[] = [];
    const feed = async (): Promise<string | undefined> => {
      const next = all[i + 1 + typed.length];
      if (!next || !next.inContainer || next.block !== command.block || next.kind !== 'run') return undefined;
      typedInto.set(next, command);
      typed.push(next.text);
      return next.text;
    };
    const dialogs = courseDialogs(noteLines, command.line);
    const r = await run(host, ran, feed, dialogs);
    const judged = judge(r.output, r.exit);
    const expected = EXPECTED_ERRORS.find((e) => e.text.test(command.text) && e.outcomes.includes(judged.outcome) && (e.detail?.test(judged.detail) ?? true));
    results.push({
      command,
      ran,
      filled: sub.filled,
      outcome: expected ? 'expected' : judged.outcome,
      exit: r.exit,
      detail: judged.detail,
      ...(expected ? { expectedBecause: expected.why } : {}),
      helpers,
      typed,
      ...(dialogs.done.length > 0 ? { dialogs: dialogs.done } : {}),
    });
  }
  return { results, typedInto };
}
