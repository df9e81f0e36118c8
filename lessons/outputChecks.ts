import type { Localized } from './lesson';

/**
 * Transcript sentences beyond "contains": that a line's output lacks a text
 * (an image's file hidden by a mount, a pull that downloaded nothing) and how
 * many lines it printed (`docker logs --tail 3`). Like checks.ts's output
 * forms they read stdout and stderr as the terminal showed them.
 */
export type OutputAtom =
  | { form: 'outputLacks'; pattern?: RegExp; text: string }
  | { form: 'outputLines'; pattern?: RegExp; count: number };

/** What these forms read of a line; checks.ts's LineRecord has it. */
interface Line {
  line: string;
  exit: number;
  output: string;
}

const TEXT = String.raw`("(?:[^"\\]|\\.)*")`;
const REGEX = String.raw`(/.+/[a-z]*)`;

/** The sentence forms, tried in order after checks.ts's own. */
export const OUTPUT_FORMS: [RegExp, (m: RegExpMatchArray) => OutputAtom | string][] = [
  [re(`the output of the last line does not contain ${TEXT}`), (m) => ({ form: 'outputLacks', text: JSON.parse(m[1]!) as string })],
  [re(`the output of a line matching ${REGEX} does not contain ${TEXT}`), (m) => withRegex(m[1]!, (pattern) => ({ form: 'outputLacks', pattern, text: JSON.parse(m[2]!) as string }))],
  [re(`the output of the last line has (\\d+) lines?`), (m) => ({ form: 'outputLines', count: Number(m[1]) })],
  [re(`the output of a line matching ${REGEX} has (\\d+) lines?`), (m) => withRegex(m[1]!, (pattern) => ({ form: 'outputLines', pattern, count: Number(m[2]) }))],
];

function re(source: string): RegExp {
  return new RegExp(`^${source}$`);
}

function withRegex(literal: string, make: (r: RegExp) => OutputAtom): OutputAtom | string {
  const end = literal.lastIndexOf('/');
  try {
    return make(new RegExp(literal.slice(1, end), literal.slice(end + 1)));
  } catch (err) {
    return `bad regular expression ${literal}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

const L = (en: string, zh: string): Localized => ({ en, 'zh-CN': zh });
const q = (s: string | number): string => `\`${s}\``;

/** The lines of an output as a terminal shows them: a final newline ends the last line, it does not start another. */
export function outputLineCount(output: string): number {
  if (output === '') return 0;
  return output.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n').length;
}

/** Null when the form holds over `lines` (the transcript, oldest first); else why not. */
export function outputWhyNot(a: OutputAtom, lines: readonly Line[]): Localized | null {
  const line = a.pattern ? [...lines].reverse().find((l) => a.pattern!.test(l.line)) : lines[lines.length - 1];
  if (!line) return a.pattern ? L(`no line matching ${a.pattern} was run`, `还没有运行过匹配 ${a.pattern} 的命令`) : L('no line has been run yet', '还没有运行任何命令');
  if (a.form === 'outputLacks') {
    return line.output.includes(a.text) ? L(`the output of ${q(line.line)} contains ${JSON.stringify(a.text)}`, `${q(line.line)} 的输出中有 ${JSON.stringify(a.text)}`) : null;
  }
  const n = outputLineCount(line.output);
  return n === a.count ? null : L(`the output of ${q(line.line)} has ${n} lines, not ${a.count}`, `${q(line.line)} 的输出有 ${n} 行，不是 ${a.count} 行`);
}
