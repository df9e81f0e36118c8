import type { LineOutcome } from './simCli';

/**
 * What counts as a wrong answer from the simulated CLI, whatever the line was.
 * Each failure has a code so a run can say how many lines failed for what.
 */
export type FailureCode =
  | 'crash'
  | 'hang'
  | 'not-run'
  | 'not-json'
  | 'bad-shape'
  | 'leak'
  | 'bad-exit-code'
  | 'silent-failure'
  | 'unrecognisable-error';

export interface Failure {
  code: FailureCode;
  line: string;
  detail: string;
}

interface Answer {
  cmd: string;
  stdout: string;
  stderr: string;
  exit: number;
}

/** Signs of a defect leaking into what the user sees; a word the user typed may of course come back. */
const leaks: { name: string; pattern: RegExp }[] = [
  { name: 'internal error', pattern: /internal error/i },
  { name: 'TypeError', pattern: /\b(TypeError|ReferenceError|RangeError)\b/ },
  { name: 'a stack frame', pattern: /^\s*at (?:.+ \()?(?:file:|node:|\/|[\w.-]+\.[jt]s:|<anonymous>).*\d+:\d+\)?$/m },
  { name: 'undefined', pattern: /\bundefined\b/ },
  { name: '[object Object]', pattern: /\[object \w+\]/ },
  { name: 'NaN', pattern: /\bNaN\b/ },
];

/** Exit codes a docker CLI or a shell gives: success, general errors, docker's 125/126/127, 128+signal, and 64 (docker/cli's StatusError for a --format template that does not parse). */
export function isPlausibleExitCode(code: number): boolean {
  if ([0, 1, 2, 64, 125, 126, 127].includes(code)) return true;
  return code > 128 && code <= 128 + 64;
}

/** The first line of a Docker or shell error message. */
const errorShapes: RegExp[] = [
  /^docker: /,
  /^Error( response from daemon)?:/,
  /^error:? /i,
  /^unknown (shorthand )?flag/,
  /^(flag needs an argument|invalid argument|bad flag syntax)/,
  /^"docker [\w ]+" (requires|accepts)/,
  /^(Usage|See 'docker)/,
  /: (command )?not found$/,
  /^([\w.-]+: )?usage:/i,
  /^(you cannot|cannot|conflicting options|no such|must|only one|unknown|invalid|missing|failed|unable)/i,
  /^[^:\n]{1,60}: (syntax error|unexpected|unterminated|invalid|cannot|can't|missing|bad|unrecognized|illegal)/i,
  /^(sh|bash|glassbox|busybox|grep|wc|head|tail|cat|sleep|ls|echo|env|hostname|template|kill|ps|df|mount|free|uname|tty|stty|date|id|stat|find|du|ln|sort|cut|tr|sed|awk|xargs|tee|seq|printf|test|nsenter|which|rm|cp|mv|mkdir|rmdir|touch|ln|chmod|basename|dirname|readlink|tar|rev|uniq|yes): /,
  // docker/cli's third Ctrl-C to a container that ignores them (cat on a terminal without -i waits forever, as for real).
  /^got \d+ SIGTERM\/SIGINTs, forcefully exiting/,
  /^(template|json|invalid reference format)/,
  /^The input device is not a TTY/i,
  /^the input device is not a TTY/,
  /^You cannot attach to a (stopped|paused) container/,
  /^Conflict/,
];

/** Lines whose own program may legitimately fail in silence: the container's process exit code, the last command of a pipe, `false`. */
function mayFailSilently(answer: Answer): boolean {
  if (answer.exit === 130 || answer.exit === 143 || answer.exit === 137) return true;
  return /\b(run|start|restart|wait|attach|false)\b|\||&&|;/.test(answer.cmd);
}

/** A line with nothing to run: the shell prints nothing and `$?` keeps the previous status. */
function isBlank(line: string): boolean {
  return /^\s*(#.*)?$/.test(line);
}

/** Why this outcome is wrong, or null when it is a sound answer. */
export function judge(outcome: LineOutcome): Failure | null {
  const { line } = outcome;
  if (outcome.kind === 'crash') return { code: 'crash', line, detail: outcome.detail };
  if (outcome.kind === 'hang') return { code: 'hang', line, detail: outcome.detail };
  if (outcome.kind === 'not-run') return { code: 'not-run', line, detail: outcome.detail };
  if (outcome.json === undefined) return { code: 'not-json', line, detail: outcome.raw.slice(0, 500) };
  const a = outcome.json as Partial<Answer>;
  if (
    typeof a !== 'object' || a === null || Array.isArray(a) ||
    a.cmd !== line || typeof a.stdout !== 'string' || typeof a.stderr !== 'string' || typeof a.exit !== 'number' || !Number.isInteger(a.exit)
  ) {
    return { code: 'bad-shape', line, detail: outcome.raw.slice(0, 500) };
  }
  const answer = a as Answer;
  const out = answer.stdout + '\n' + answer.stderr;
  for (const { name, pattern } of leaks) {
    const hit = out.match(pattern);
    if (hit && !line.toLowerCase().includes(hit[0].trim().toLowerCase())) {
      return { code: 'leak', line, detail: `${name}: ${excerpt(out, hit.index ?? 0)}` };
    }
  }
  if (isBlank(line)) {
    if (answer.stdout !== '' || answer.stderr !== '') return { code: 'unrecognisable-error', line, detail: `a blank line printed ${JSON.stringify(answer.stdout + answer.stderr).slice(0, 300)}` };
    return isPlausibleExitCode(answer.exit) ? null : { code: 'bad-exit-code', line, detail: `exit ${answer.exit}` };
  }
  if (!isPlausibleExitCode(answer.exit)) return { code: 'bad-exit-code', line, detail: `exit ${answer.exit}; stderr: ${answer.stderr.slice(0, 300)}` };
  if (answer.exit !== 0) {
    // `2>&1` sends the error to stdout, `2>file` away from both; judge what is left.
    if (/2>&1|&>/.test(line) && answer.stderr.trim() === '' && answer.stdout.trim() !== '') {
      return looksLikeAnError(answer.stdout) || mayFailSilently(answer) ? null : { code: 'unrecognisable-error', line, detail: `exit ${answer.exit}; stdout: ${answer.stdout.slice(0, 300)}` };
    }
    if (/2>/.test(line) && answer.stderr.trim() === '') return null;
    if (answer.stderr.trim() === '') {
      if (!mayFailSilently(answer)) return { code: 'silent-failure', line, detail: `exit ${answer.exit} with nothing on stderr` };
    } else if (!looksLikeAnError(answer.stderr)) {
      return { code: 'unrecognisable-error', line, detail: `exit ${answer.exit}; stderr: ${answer.stderr.slice(0, 300)}` };
    }
  }
  return null;
}

/** Whether some line of stderr has the shape of a Docker or shell error (a container's own output may come first). */
export function looksLikeAnError(stderr: string): boolean {
  return stderr.split('\n').some((l) => errorShapes.some((p) => p.test(l)));
}

function excerpt(text: string, index: number): string {
  return JSON.stringify(text.slice(Math.max(0, index - 120), index + 120));
}
