import type { Outcome } from './engines';
import { judgeLine, knownDifferences, type KnownDifference } from './known-differences';
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
 * exit codes identical; stdout and stderr identical after masking, except for
 * the known differences between the 20.10 engine and current Docker.
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
    for (const [stream, rText, sText] of [['stdout', rOut, sOut], ['stderr', rErr, sErr]] as const) {
      const judged = judgeStream(rText, sText, line.template, stream, table);
      accepted.push(...judged.accepted);
      if (!judged.ok) problems.push(`${stream}:\n${indent(lineDiff(rText, sText))}${judged.notes.length > 0 ? `\n${judged.notes.join('\n')}` : ''}`);
    }

    return { lineNo: line.lineNo, cmd: line.template, matched: problems.length === 0, problems, accepted };
  });
  return { script: script.name, lines, matched: lines.filter((l) => l.matched).length };
}

/**
 * One stream of one line: identical line by line, except where a known
 * difference for that stream accepts the simulator's line; a simulator line
 * that keeps Engine 20.10's text where current Docker's differs is a mismatch.
 */
function judgeStream(real: string, sim: string, cmd: string, stream: 'stdout' | 'stderr', table: readonly KnownDifference[]): { ok: boolean; accepted: KnownDifference[]; notes: string[] } {
  const rLines = real.split('\n');
  const sLines = sim.split('\n');
  const accepted: KnownDifference[] = [];
  const notes: string[] = [];
  let ok = rLines.length === sLines.length;
  if (!ok) return { ok: false, accepted, notes };
  rLines.forEach((rl, j) => {
    const sl = sLines[j]!;
    const verdict = judgeLine(rl, sl, cmd, stream, table);
    if (verdict.kind === 'accepted') accepted.push(verdict.difference);
    else if (verdict.kind === 'old-wording') {
      ok = false;
      notes.push(`    the simulator prints Engine 20.10's text; current Docker's (known difference "${verdict.difference.id}", ${verdict.difference.versions}) matches ${verdict.difference.current}`);
    } else if (rl !== sl) ok = false;
  });
  return { ok, accepted, notes };
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
