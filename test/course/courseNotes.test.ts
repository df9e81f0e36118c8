import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractCommands } from './extract';
import { replayNotes } from './replay';
import { renderReport, summarize, summaryLine } from './report';

/**
 * The whole course notes as a script: every command line they show, replayed
 * in order on a fresh simulated engine (test/course/replay.ts). It asserts
 * only that the replay runs through and that no more lines fail than the
 * baseline below; what fails, and why, is in REPORT.md.
 *
 * BASELINE only goes down: lower it when work lands (the report says by how
 * much), never raise it to let a regression in.
 *
 * COURSE_REPORT=1 (`npm run course-report`) rewrites REPORT.md.
 */
const BASELINE = 0;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The notes live beside the repository (in CI, a copy of shared/ beside the clone); COURSE_NOTES points elsewhere. */
const notesPath = resolve(process.env.COURSE_NOTES ?? `${repoRoot}../shared/reference/docker-course-notes.zh.md`);
const reportPath = fileURLToPath(new URL('./REPORT.md', import.meta.url));
const haveNotes = existsSync(notesPath);

if (!haveNotes) console.log(`course notes: skipped, ${notesPath} is not there (set COURSE_NOTES to the notes' path)`);

describe.skipIf(!haveNotes)('the course notes, replayed on the simulator', () => {
  it('runs every command line of the notes, with no more failing than the baseline', async () => {
    const notes = readFileSync(notesPath, 'utf8');
    const sections = extractCommands(notes);
    const replay = await replayNotes(sections, 'course', notes);
    const summary = summarize(sections, replay);
    console.log(`${summaryLine(summary)}; ${summary.failing} failing (baseline ${BASELINE})`);
    if (process.env.COURSE_REPORT) writeFileSync(reportPath, renderReport(sections, replay, summary, BASELINE));
    expect(summary.lines).toBeGreaterThan(100);
    expect(summary.failing, `see ${reportPath} (npm run course-report)`).toBeLessThanOrEqual(BASELINE);
    if (summary.failing < BASELINE) console.log(`course notes: ${BASELINE - summary.failing} fewer failing lines than the baseline: lower BASELINE in ${fileURLToPath(import.meta.url)}`);
  });
});
