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

/**
 * Images a script names by placeholder, because the real engine cannot run
 * the official image the simulator models: no registry is reachable to pull
 * it. The real side runs an image built offline from Debian's package in its
 * place (test/setup/service-images.sh; how it differs from the official one is
 * in core/services/fixtures/DIFFERENCES.md). Lines that would print the
 * image's name stay out of such scripts.
 */
export const IMAGE_PLACEHOLDERS: Readonly<Record<string, { sim: string; real: string }>> = {
  '%registry': { sim: 'registry:2', real: 'glassbox-fixture/registry:debian' },
};

/** The line as one engine runs it (the real engine by default: the two differ only in placeholder images). */
export function expandLine(template: string, prefix: string, side: 'sim' | 'real' = 'real'): string {
  let line = template;
  for (const [placeholder, image] of Object.entries(IMAGE_PLACEHOLDERS)) line = line.split(placeholder).join(image[side]);
  return line.split(PREFIX_PLACEHOLDER).join(prefix);
}

/** The real images a script needs that are not built-in test images (from its placeholders). */
export function fixtureImages(script: Script): string[] {
  return Object.entries(IMAGE_PLACEHOLDERS)
    .filter(([placeholder]) => script.lines.some((l) => l.template.includes(placeholder)))
    .map(([, image]) => image.real);
}
