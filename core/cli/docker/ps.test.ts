import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../../ports';
import { EngineDriver } from '../../engine/testDriver';
import { dockerCommand } from './index';

/** Runs one docker command line (given as argv) against the driver's engine; returns stdout, failing on a non-zero exit. */
async function docker(d: EngineDriver, argv: string[]): Promise<string> {
  let stdout = '';
  let stderr = '';
  const code = await d.until(dockerCommand(d.engine)(['docker', ...argv], { stdin: null, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupt: new InterruptSource(), stdinIsTTY: false }));
  if (code !== 0) throw new Error(`docker ${argv.join(' ')} exited ${code}: ${stderr}`);
  return stdout;
}

// The default columns spelled so that the generic template path runs them (`print` of a string is the string).
const GENERIC_DEFAULT = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{print .Names}}';

describe('docker ps default table', () => {
  it.each([[[] as string[]], [['-a']], [['-a', '--no-trunc']], [['-n', '3']], [['-a', '-f', 'status=exited']]])(
    'prints what the template path prints (ps %j)',
    async (flags) => {
      const d = new EngineDriver('ps-default');
      await docker(d, ['run', '-d', '--name', 'web', 'busybox', 'sleep', '300']);
      await docker(d, ['run', '-d', '-l', 'a=b', 'busybox', 'sh', '-c', 'echo a long command with spaces; exit 3']);
      await docker(d, ['create', '--name', 'idle', 'busybox', 'echo', 'héllo wörld ☃ 容器 "quoted"']);
      await docker(d, ['run', '-d', '--name', 'napper', 'busybox', 'sleep', '300']);
      await docker(d, ['pause', 'napper']);
      await d.advance(90_000);
      await docker(d, ['run', '-d', '--restart', 'always', 'busybox', 'sh', '-c', 'exit 1']);
      await d.advance(500);
      const fast = await docker(d, ['ps', ...flags]);
      expect(fast.split('\n')[0]).toMatch(/^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$/);
      expect(fast).toBe(await docker(d, ['ps', ...flags, '--format', GENERIC_DEFAULT]));
    },
  );

  it.each([
    [['-q'], []],
    [['-aq'], ['-a']],
    [['-aq', '--no-trunc'], ['-a', '--no-trunc']],
    [['-a', '--format', '{{.ID}}'], ['-a']],
  ])('ps %j prints the ids the template path prints', async (flags, others) => {
    const d = new EngineDriver('ps-quiet');
    await docker(d, ['run', '-d', '--name', 'web', 'busybox', 'sleep', '300']);
    await docker(d, ['create', '--name', 'idle', 'busybox', 'true']);
    await docker(d, ['run', '-d', 'busybox', 'sleep', '300']);
    const fast = await docker(d, ['ps', ...flags]);
    expect(fast).toMatch(flags.includes('--no-trunc') ? /^([0-9a-f]{64}\n)+$/ : /^([0-9a-f]{12}\n)+$/);
    expect(fast).toBe(await docker(d, ['ps', ...others, '--format', '{{print .ID}}']));
  });

  it('lists newest first with the columns aligned', async () => {
    const d = new EngineDriver('ps-order');
    await docker(d, ['run', '-d', '--name', 'first', 'busybox', 'sleep', '300']);
    await d.advance(61_000);
    await docker(d, ['run', '-d', '--name', 'second-with-a-long-name', 'busybox', 'sh', '-c', 'sleep 300; echo done']);
    const [head, second, first] = (await docker(d, ['ps'])).split('\n');
    expect(second).toMatch(/^[0-9a-f]{12} {3}busybox {3}"sh -c 'sleep 300; e…" {3}Less than a second ago {3}Up Less than a second {13}second-with-a-long-name$/);
    expect(first).toMatch(/^[0-9a-f]{12} {3}busybox {3}"sleep 300" {14}About a minute ago {7}Up About a minute {17}first$/);
    expect(head!.indexOf('NAMES')).toBe(second!.indexOf('second-with'));
  });
});
