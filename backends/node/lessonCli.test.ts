import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lessonMain, skeleton } from './lessonCli';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await lessonMain(argv, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

describe('glassbox lesson', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gb-lesson-'));

  it('new writes a skeleton that check passes, and refuses to overwrite it', async () => {
    const file = join(dir, 'mine');
    expect((await run('new', file)).code).toBe(0);
    expect(readFileSync(`${file}.md`, 'utf8')).toBe(skeleton('mine'));
    const checked = await run('check', `${file}.md`);
    expect(checked.code).toBe(0);
    expect(checked.out).toMatch(/ok\s+1 run\s+Start a web server/);
    expect(checked.out).toMatch(/ok\s+2 stop\s+Stop it/);
    expect((await run('new', file)).code).toBe(1);
  });

  it('check exits 1 and says why a step fails, in the language asked for', async () => {
    const file = join(dir, 'broken.md');
    writeFileSync(file, skeleton('broken').replace('docker stop web', 'docker kill web'));
    const en = await run('check', file);
    expect(en.code).toBe(1);
    expect(en.out).toContain('FAIL  2 stop');
    expect(en.out).toContain('no line matching /docker (container )?stop/ was run');
    const zh = await run('check', '--lang', 'zh-CN', file);
    expect(zh.out).toContain('还没有运行过匹配 /docker (container )?stop/ 的命令');
  });

  it('check fails a step whose check held before its command ran', async () => {
    const file = join(dir, 'early.md');
    writeFileSync(file, skeleton('early').replace('container web is exited\n', 'container nope is absent\n').replace('a line matching /docker (container )?stop/ was run\n', ''));
    const r = await run('check', file);
    expect(r.code).toBe(1);
    expect(r.out).toContain('the check already holds before the command runs');
  });

  it('check reports a malformed lesson with its line and exits 1; usage errors exit 125', async () => {
    const file = join(dir, 'bad.md');
    writeFileSync(file, skeleton('bad').replace('container web is running', 'container web is happy'));
    const r = await run('check', file);
    expect(r.code).toBe(1);
    const line = skeleton('bad').split('\n').indexOf('container web is running') + 1;
    expect(r.err).toBe(`${file}:${line}: unknown container state "happy" (one of created, running, paused, restarting, exited, dead, absent)\n`);
    expect((await run('check')).code).toBe(125);
    expect((await run('check', '--lang', 'fr', file)).code).toBe(125);
    expect((await run('check', join(dir, 'missing.md'))).code).toBe(1);
    expect((await run('frobnicate')).code).toBe(1);
  });
});
