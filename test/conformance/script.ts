import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PREFIX_PLACEHOLDER } from './mask';

/**
 * A conformance script is a text file of terminal lines, one per line, as a
 * student would type them. Blank lines and lines starting with `#` are
 * comments. `%p` stands for a prefix unique to the run, so a script only ever
 * names, filters and removes its own containers on a shared engine.
 */
export interface Script {
  name: string;
  lines: ScriptLine[];
}

export interface ScriptLine {
  /** 1-based line number in the file, for diffs. */
  lineNo: number;
  /** The line as written, with `%p` unexpanded. */
  template: string;
}

/** Parses one script file's text. */
export function parseScript(name: string, text: string): Script {
  const lines: ScriptLine[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    lines.push({ lineNo: i + 1, template: line });
  });
  return { name, lines };
}

export const scriptsDir = new URL('./scripts/', import.meta.url).pathname;

/** Every script in test/conformance/scripts, sorted by file name. */
export function loadScripts(dir: string = scriptsDir): Script[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => parseScript(f, readFileSync(join(dir, f), 'utf8')));
}

/** The line as both engines run it. */
export function expandLine(template: string, prefix: string): string {
  return template.split(PREFIX_PLACEHOLDER).join(prefix);
}
