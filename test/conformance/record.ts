/**
 * Records what the real engine does on each conformance script, as reference
 * for whoever writes the simulator. The verdict never reads these files: the
 * conformance test records the real side live on every run.
 *
 *   npx tsx test/conformance/record.ts              # every script
 *   npx tsx test/conformance/record.ts 02-lifecycle # scripts whose name contains this
 *   npx tsx test/conformance/record.ts --check [name] # run twice, report lines whose output is not stable
 *
 * --check is for script authors: a line whose masked output differs between two
 * real runs (a race, an unmasked time) would make the conformance test flaky.
 *
 * Writes test/conformance/recorded/<script>.jsonl: one object per line,
 * {"line","cmd","stdout","stderr","exit"}, with the run prefix put back as %p
 * and nothing else masked (the real ids and times are worth seeing).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { expandLine, loadScripts, type Script } from './script';
import { compareTranscripts, formatMismatches } from './compare';
import { newRunPrefix, removeLeftovers, runReal, type Outcome } from './engines';
import { PREFIX_PLACEHOLDER } from './mask';

const outDir = new URL('./recorded/', import.meta.url).pathname;

async function checkStable(script: Script): Promise<boolean> {
  const runs: Outcome[][] = [];
  const prefixes = [newRunPrefix(), newRunPrefix()];
  for (const prefix of prefixes) {
    runs.push(await runReal(script.lines.map((l) => expandLine(l.template, prefix))));
    await removeLeftovers(prefix);
  }
  // The second run, with its prefix renamed to the first's, plays the simulator; no wording differences allowed.
  const [first, second] = prefixes as [string, string];
  const rename = (t: string): string => t.split(second).join(first);
  const again = runs[1]!.map((o) => ({ ...o, cmd: rename(o.cmd), stdout: rename(o.stdout), stderr: rename(o.stderr) }));
  const result = compareTranscripts(script, runs[0]!, again, first, []);
  process.stdout.write(`${formatMismatches(result).replace(/all (\d+) lines match/, 'all $1 lines stable')}\n`);
  return result.matched === result.lines.length;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const wanted = process.argv.slice(2).filter((a) => a !== '--check');
  if (check) {
    let stable = true;
    for (const script of loadScripts().filter((s) => wanted.length === 0 || wanted.some((w) => s.name.includes(w)))) {
      stable = (await checkStable(script)) && stable;
    }
    process.exitCode = stable ? 0 : 1;
    return;
  }
  const scripts = loadScripts().filter((s) => wanted.length === 0 || wanted.some((w) => s.name.includes(w)));
  mkdirSync(outDir, { recursive: true });
  for (const script of scripts) {
    const prefix = newRunPrefix();
    const started = performance.now();
    const outcomes = await runReal(script.lines.map((l) => expandLine(l.template, prefix)));
    const leftovers = await removeLeftovers(prefix);
    const unprefix = (s: string): string => s.split(prefix).join(PREFIX_PLACEHOLDER);
    const rows = outcomes.map((o, i) =>
      JSON.stringify({
        line: script.lines[i]!.lineNo,
        cmd: script.lines[i]!.template,
        stdout: unprefix(o.stdout),
        stderr: unprefix(o.stderr),
        exit: o.exit,
      }),
    );
    writeFileSync(`${outDir}${script.name.replace(/\.txt$/, '.jsonl')}`, rows.join('\n') + '\n');
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    const warn = leftovers.length > 0 ? ` — LEFT CONTAINERS BEHIND: ${leftovers.join(' ')}` : '';
    process.stdout.write(`${script.name}: ${outcomes.length} lines in ${secs}s${warn}\n`);
  }
}

await main();
