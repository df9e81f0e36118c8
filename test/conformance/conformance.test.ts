import { afterAll, describe, expect, it } from 'vitest';
import { haveDocker } from '../support/requirements';
import { compareTranscripts, formatMismatches } from './compare';
import { newRunPrefix, removeLeftovers, runReal, runSim, type Outcome } from './engines';
import { expandLine, fixtureImages, loadScripts } from './script';
import { spawnSync } from 'node:child_process';

/**
 * Runs every script in scripts/ on the real engine and on the simulator
 * (`glassbox sim --jsonl`), and compares them line by line. The real side is
 * recorded live on every run; recorded/ is reference material only.
 */
// CONFORMANCE_SCRIPTS=80-registry,60 runs only the scripts whose names contain one of these.
const only = (process.env.CONFORMANCE_SCRIPTS ?? '').split(',').filter((w) => w !== '');
const scripts = loadScripts().filter((s) => only.length === 0 || only.some((w) => s.name.includes(w)));
const missingImage = (image: string): boolean => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0;
const totals = { lines: 0, scripts: 0, matched: 0 };

describe.skipIf(!haveDocker())('the simulator against real Docker', () => {
  afterAll(() => {
    console.log(`conformance: ${totals.lines} lines, ${totals.scripts} scripts, ${totals.matched} matched`);
  });

  it('has scripts to run', () => {
    expect(scripts.length).toBeGreaterThan(0);
  });

  for (const script of scripts) {
    // A script whose real side needs a fixture image runs once test/setup/service-images.sh has built it.
    const missing = haveDocker() ? fixtureImages(script).filter(missingImage) : [];
    it.skipIf(missing.length > 0)(missing.length > 0 ? `${script.name} (needs ${missing.join(', ')}: test/setup/service-images.sh)` : script.name, async () => {
      totals.scripts += 1;
      totals.lines += script.lines.length;
      const prefix = newRunPrefix();
      const cmds = script.lines.map((l) => expandLine(l.template, prefix, 'real'));
      const simCmds = script.lines.map((l) => expandLine(l.template, prefix, 'sim'));

      // The simulator needs no engine: run it alongside the real lines.
      const sim = runSim(simCmds, `conformance-${script.name}`).then(
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
