import type { Outcome } from './engines';
import { judgeStderrLine, knownDifferences, type KnownDifference } from './known-differences';
import { createMasker } from './mask';
import type { Script } from './script';

/** How one script line came out on the two engines. */
export interface LineResult {
  lineNo: number;
  /** The line as written in the script, with %p. */
  cmd: string;
  matched: boolean;
  /** Human-readable descriptions of each difference; empty when matched. */
  problems: string[];
  /** Known wording differences this line relied on. */
  accepted: KnownDifference[];
}

export interface ScriptResult {
  script: string;
  lines: LineResult[];
  matched: number;
}

/**
 * Compares the real engine's transcript with the simulator's, line by line:
 * exit codes identical; stdout identical after masking; stderr identical after
 * masking except for the known wording differences.
 */
export function compareTranscripts(
  script: Script,
  real: readonly Outcome[],
  sim: readonly Outcome[],
  prefix: string,
  table: readonly KnownDifference[] = knownDifferences,
): ScriptResult {
  const realMask = createMasker(prefix);
  const simMask = createMasker(prefix);
  const lines = script.lines.map((line, i): LineResult => {
    const r = real[i];
    const s = sim[i];
    const problems: string[] = [];
    const accepted: KnownDifference[] = [];
    if (r === undefined || s === undefined) {
      problems.push(`no outcome from the ${r === undefined ? 'real engine' : 'simulator'}`);
      return { lineNo: line.lineNo, cmd: line.template, matched: false, problems, accepted };
    }
    // Mask in the same order on both sides, so ids and names get the same numbers.
    const rOut = realMask.mask(r.stdout);
    const rErr = realMask.mask(r.stderr);
    const sOut = simMask.mask(s.stdout);
    const sErr = simMask.mask(s.stderr);

    if (r.exit !== s.exit) problems.push(`exit code: real ${r.exit}, sim ${s.exit}`);
    if (rOut !== sOut) problems.push(`stdout:\n${indent(lineDiff(rOut, sOut))}`);

    const rLines = rErr.split('\n');
    const sLines = sErr.split('\n');
    let stderrOk = rLines.length === sLines.length;
    const notes: string[] = [];
    if (stderrOk) {
      rLines.forEach((rl, j) => {
        const sl = sLines[j]!;
        const verdict = judgeStderrLine(rl, sl, line.template, table);
        if (verdict.kind === 'accepted') accepted.push(verdict.difference);
        else if (verdict.kind === 'old-wording') {
          stderrOk = false;
          notes.push(`    the simulator prints Engine 20.10's wording; current Docker's (known difference "${verdict.difference.id}", ${verdict.difference.versions}) matches ${verdict.difference.current}`);
        } else if (rl !== sl) stderrOk = false;
      });
    }
    if (!stderrOk) problems.push(`stderr:\n${indent(lineDiff(rErr, sErr))}${notes.length > 0 ? `\n${notes.join('\n')}` : ''}`);

    return { lineNo: line.lineNo, cmd: line.template, matched: problems.length === 0, problems, accepted };
  });
  return { script: script.name, lines, matched: lines.filter((l) => l.matched).length };
}

/** A readable report of every mismatched line: script, line number, command, real (-) against sim (+). */
export function formatMismatches(result: ScriptResult): string {
  const bad = result.lines.filter((l) => !l.matched);
  if (bad.length === 0) return `${result.script}: all ${result.lines.length} lines match`;
  const parts = bad.map((l) => `${result.script}:${l.lineNo}  $ ${l.cmd}\n${l.problems.map((p) => indent(p)).join('\n')}`);
  return `${result.script}: ${bad.length} of ${result.lines.length} lines differ (- real Docker, + simulator)\n\n${parts.join('\n\n')}`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** A minimal line diff (LCS): "  " both, "- " real only, "+ " sim only. Outputs here are short. */
export function lineDiff(real: string, sim: string): string {
  const a = real === '' ? [] : real.replace(/\n$/, '').split('\n');
  const b = sim === '' ? [] : sim.replace(/\n$/, '').split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(`  ${a[i++]}`);
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  // Differences that lines do not show: a missing final newline, or nothing at all.
  if (real.endsWith('\n') !== sim.endsWith('\n') && real !== '' && sim !== '') {
    out.push(`  (${real.endsWith('\n') ? 'real' : 'sim'} ends with a newline, ${real.endsWith('\n') ? 'sim' : 'real'} does not)`);
  }
  if (out.length === 0) out.push('  (both empty)');
  return out.join('\n');
}
