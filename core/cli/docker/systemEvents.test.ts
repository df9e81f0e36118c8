import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../../ports';
import { EngineDriver } from '../../engine/testDriver';
import type { DockerEvent } from '../../model';
import { eventLine, eventMatches, eventTimestamp } from './systemEvents';
import { dockerCommand } from './index';

async function run(d: EngineDriver, argv: string[], opts: { interruptAfterMs?: number; during?: () => void } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const interrupt = new InterruptSource();
  if (opts.interruptAfterMs !== undefined) d.scheduler.after(opts.interruptAfterMs, () => interrupt.interrupt());
  if (opts.during) d.scheduler.after(1000, opts.during);
  const io = { stdin: null, stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), interrupt, stdinIsTTY: false };
  const code = await d.until(dockerCommand(d.engine)(argv, io));
  return { stdout, stderr, code };
}

const start: DockerEvent = { type: 'container', action: 'start', id: 'abc123', attributes: { name: 'web', image: 'busybox:latest', tier: 'front' }, time: Date.UTC(2026, 0, 1, 0, 0, 1, 250) };
const connect: DockerEvent = { type: 'network', action: 'connect', id: 'net1', attributes: { container: 'abc123', name: 'bridge', type: 'bridge' }, time: 0 };

describe('event lines and filters', () => {
  it('prints the time with nine fractional digits and the attributes sorted', () => {
    expect(eventTimestamp(start.time)).toBe('2026-01-01T00:00:01.250000000Z');
    expect(eventLine(start)).toBe('2026-01-01T00:00:01.250000000Z container start abc123 (image=busybox:latest, name=web, tier=front)\n');
  });

  it.each([
    [{ container: ['web'] }, true, false],
    [{ container: ['abc'] }, true, false],
    [{ event: ['start'] }, true, false],
    [{ event: ['sta'] }, false, false],
    [{ type: ['network'] }, false, true],
    [{ network: ['bridge'] }, false, true],
    [{ image: ['busybox'] }, true, false],
    [{ label: ['tier=front'] }, true, false],
    [{ label: ['tier=back'] }, false, false],
    [{ daemon: ['x'] }, false, false],
  ])('filter %j keeps the start event: %s, the connect event: %s', (filters, keepsStart, keepsConnect) => {
    expect(eventMatches(start, filters)).toBe(keepsStart);
    expect(eventMatches(connect, filters)).toBe(keepsConnect);
  });
});

describe('docker events', () => {
  it('with --since and --until prints the held events and ends by itself', async () => {
    const d = new EngineDriver('events-bounded');
    const id = d.runDetached(['sleep', '300'], { name: 'web' });
    d.engine.create({ image: 'busybox', cmd: ['true'], name: 'other' });
    await d.until(d.scheduler.sleep(2000));
    const r = await run(d, ['docker', 'events', '--since', '0', '--until', '1s', '--filter', 'container=web']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`2026-01-01T00:00:00.000000000Z container create ${id} (image=busybox, name=web)\n2026-01-01T00:00:00.000000000Z container start ${id} (image=busybox, name=web)\n`);
    const json = await run(d, ['docker', 'events', '--since', '2026-01-01T00:00:00Z', '--until', '0s', '--filter', 'event=create', '--filter', 'container=other', '--format', '{{json .}}']);
    expect(json.stdout).toMatch(/^\{"status":"create","id":"[0-9a-f]{64}","from":"busybox","Type":"container","Action":"create","Actor":\{"ID":"[0-9a-f]{64}","Attributes":\{"image":"busybox","name":"other"\}\},"scope":"local","time":1767225600,"timeNano":1767225600000000000\}\n$/);
    const tmpl = await run(d, ['docker', 'system', 'events', '--since', '0', '--until', '0s', '--filter', 'type=network', '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.TimeNano}}']);
    expect(tmpl.stdout).toBe('network connect bridge 1767225600000000000\n');
  });

  it('without --until follows new events until Ctrl-C', async () => {
    const d = new EngineDriver('events-follow');
    d.engine.create({ image: 'busybox', cmd: ['true'], name: 'before' });
    const r = await run(d, ['docker', 'events', '--filter', 'event=create', '--format', '{{.Actor.Attributes.name}} {{.Time}}'], {
      during: () => d.engine.create({ image: 'busybox', cmd: ['true'], name: 'during' }),
      interruptAfterMs: 5000,
    });
    expect(r).toEqual({ stdout: 'during 1767225601\n', stderr: '', code: 130 });
  });

  it('with --until in the future follows until then', async () => {
    const d = new EngineDriver('events-until');
    const r = await run(d, ['docker', 'events', '--until', '2026-01-01T00:00:03Z', '--format', '{{.Actor.Attributes.name}}'], { during: () => d.engine.create({ image: 'busybox', cmd: ['true'], name: 'soon' }) });
    expect(r).toEqual({ stdout: 'soon\n', stderr: '', code: 0 });
    expect(d.scheduler.now()).toBe(Date.UTC(2026, 0, 1, 0, 0, 3));
  });

  it('refuses times it cannot read and an until before since', async () => {
    const d = new EngineDriver('events-bad');
    expect(await run(d, ['docker', 'events', '--since', 'abc'])).toEqual({ stdout: '', stderr: 'failed to parse value as time or duration: "abc"\n', code: 1 });
    expect(await run(d, ['docker', 'events', '--since', '2026-13-01'])).toEqual({ stdout: '', stderr: 'parsing time "2026-13-01": month out of range\n', code: 1 });
    expect((await run(d, ['docker', 'events', '--since', '10', '--until', '5'])).stderr).toBe('Error response from daemon: `since` time (10) cannot be after `until` time (5)\n');
  });
});
