import { afterAll, describe, expect, it } from 'vitest';
import { haveDocker } from '../support/requirements';
import { compareTranscripts, formatMismatches } from './compare';
import { newRunPrefix, removeLeftovers, runReal, runSim, type Outcome } from './engines';
import { expandLine, loadScripts } from './script';

/**
 * Runs every script in scripts/ on the real engine and on the simulator
 * (`glassbox sim --jsonl`), and compares them line by line. The real side is
 * recorded live on every run; recorded/ is reference material only.
 */
const scripts = loadScripts();
const totals = { lines: 0, scripts: 0, matched: 0 };

describe.skipIf(!haveDocker())('the simulator against real Docker', () => {
  afterAll(() => {
    console.log(`conformance: ${totals.lines} lines, ${totals.scripts} scripts, ${totals.matched} matched`);
  });

  it('has scripts to run', () => {
    expect(scripts.length).toBeGreaterThan(0);
  });

  for (const script of scripts) {
    it(script.name, async () => {
      totals.scripts += 1;
      totals.lines += script.lines.length;
      const prefix = newRunPrefix();
      const cmds = script.lines.map((l) => expandLine(l.template, prefix));

      // The simulator needs no engine: run it alongside the real lines.
      const sim = runSim(cmds, `conformance-${script.name}`).then(
        (outcomes): { outcomes: Outcome[] } => ({ outcomes }),
        (error: unknown): { error: unknown } => ({ error }),
      );
      let real: Outcome[];
      let leftovers: string[];
      try {
        real = await runReal(cmds);
      } finally {
        leftovers = await removeLeftovers(prefix);
      }
      const simResult = await sim;
      if ('error' in simResult) throw simResult.error;

      const result = compareTranscripts(script, real, simResult.outcomes, prefix);
      totals.matched += result.matched;
      expect(leftovers, `${script.name} must remove every container it creates`).toEqual([]);
      if (result.matched !== result.lines.length) throw new Error(formatMismatches(result));
    });
  }
});
