import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { startClassroom, type RunningClassroom } from '../../backends/classroom/server';
import { haveChromium } from '../support/requirements';
import { buildWeb, launchBrowser, terminalSelector, waitForTerminal, type Browser, type BuiltWeb } from './harness';

/**
 * A class in a real browser: `glassbox classroom` serves the built app; the
 * teacher's page and one student's page are open side by side. The student
 * joins with the code from their link, follows the lifecycle lesson, and the
 * teacher sees each step as it happens; the teacher moves the class to step 4
 * and the student's lesson pane goes there.
 */
const row = (name: string): string => `[data-testid="student-row"][data-student="${name}"]`;
const step = (id: string): string => `[data-testid="lesson-pane"] [data-step="${id}"]`;

describe.skipIf(!haveChromium())('the classroom, teacher and student pages', () => {
  let web: BuiltWeb;
  let room: RunningClassroom;
  let browser: Browser;
  let teacher: Page;
  let student: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    web = await buildWeb();
    room = await startClassroom({ staticDir: web.dir, dbPath: null });
    browser = await launchBrowser();
    teacher = browser.context.pages()[0] ?? (await browser.context.newPage());
    student = await browser.context.newPage();
    for (const p of [teacher, student]) p.on('pageerror', (err) => errors.push(err.stack ?? err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await room?.close();
    await web?.dispose();
  });

  test('the student’s progress appears on the teacher’s page, and the teacher moves the student on', async () => {
    await teacher.goto(room.teacherUrl);
    await teacher.locator('[data-testid="teacher-page"][data-connection="open"]').waitFor({ timeout: 30_000 });
    expect(await teacher.locator('[data-testid="join-code"]').textContent()).toBe(room.code);
    // The token left the address bar (a projector shows it).
    expect(teacher.url()).not.toContain(room.token);

    await student.goto(room.joinUrls[0]!);
    await student.locator(terminalSelector).waitFor({ state: 'visible', timeout: 30_000 });
    const dialog = student.locator('[data-testid="class-dialog"]');
    await dialog.waitFor();
    expect(await dialog.locator('input[name="code"]').inputValue()).toBe(room.code);
    await dialog.locator('input[name="name"]').fill('Ada <i>L</i>');
    await dialog.locator('[data-testid="class-submit"]').click();
    await student.locator('[data-testid="classroom"][data-state="joined"]').waitFor();

    // Joined, no lesson yet: the teacher sees the name, as text.
    await teacher.locator(row('Ada <i>L</i>')).waitFor();
    expect(await teacher.locator(`${row('Ada <i>L</i>')} th`).textContent()).toContain('Ada <i>L</i>');
    expect(await teacher.locator(`${row('Ada <i>L</i>')} i`).count()).toBe(0);

    await student.selectOption('[data-testid="lesson-menu"]', 'lifecycle');
    await teacher.locator('[data-testid="lesson-group"][data-lesson="lifecycle"] ' + row('Ada <i>L</i>')).waitFor();
    await expect.poll(() => teacher.locator(`${row('Ada <i>L</i>')} [data-testid="student-step"]`).textContent()).toMatch(/step 1 of 12/);

    await student.locator(step('run')).locator('[data-testid="lesson-insert"]').click();
    await waitForTerminal(student, /^\$ docker run -d --name web nginx$/m, { unwrap: true });
    await student.keyboard.press('Enter');
    await student.locator(`${step('run')}[data-status="done"]`).waitFor({ timeout: 20_000 });
    await expect.poll(() => teacher.locator(`${row('Ada <i>L</i>')} [data-testid="student-step"]`).textContent(), { timeout: 10_000 }).toMatch(/step 2 of 12.*passed/s);

    // Everyone to step 4 ("stop").
    const group = teacher.locator('[data-testid="lesson-group"][data-lesson="lifecycle"]');
    await group.locator('[data-testid="goto-step"]').selectOption('3');
    await group.locator('[data-testid="goto-send"]').click();
    await student.locator(`${step('stop')}[data-status="current"]`).waitFor({ timeout: 10_000 });
    expect(await student.locator(step('unpause')).getAttribute('data-status')).toBe('done');
    await expect.poll(() => teacher.locator(`${row('Ada <i>L</i>')} [data-testid="student-step"]`).textContent(), { timeout: 10_000 }).toMatch(/step 4 of 12/);

    expect(errors).toEqual([]);
  });
});
