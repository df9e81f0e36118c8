import { describe, expect, it } from 'vitest';
import { Scheduler } from '../scheduler';
import { TraceRecorder } from './trace';

describe('TraceRecorder', () => {
  it('numbers ops in order, stamps virtual time, the actor and the running line', () => {
    const clock = new Scheduler(1000);
    const trace = new TraceRecorder(clock);
    trace.setCommand('docker run -d busybox sleep 9');
    const a = trace.emit('unshare', { flags: 'CLONE_NEWNS' }, { actor: 'runc', pid: 41, containerId: 'c1' }, [{ kind: 'namespace', id: '4026532200' }]);
    clock.advanceTo(1500);
    trace.setCommand(undefined);
    const b = trace.emit('exit', { code: 0 }, { actor: 'container', pid: 42 });
    expect(a).toEqual({
      seq: 1,
      time: 1000,
      op: 'unshare',
      args: { flags: 'CLONE_NEWNS' },
      actor: 'runc',
      pid: 41,
      containerId: 'c1',
      command: 'docker run -d busybox sleep 9',
      affects: [{ kind: 'namespace', id: '4026532200' }],
    });
    expect(b).toEqual({ seq: 2, time: 1500, op: 'exit', args: { code: 0 }, actor: 'container', pid: 42 });
  });

  it('keeps a bounded history, oldest first, and tells listeners each op', () => {
    const trace = new TraceRecorder(new Scheduler(0), 3);
    const heard: number[] = [];
    const off = trace.subscribe((op) => heard.push(op.seq));
    for (let i = 0; i < 5; i++) trace.emit('kill', { sig: 'SIGTERM', target: i }, { actor: 'containerd', pid: 7 });
    off();
    trace.emit('kill', { sig: 'SIGKILL', target: 9 }, { actor: 'containerd', pid: 7 });
    expect(trace.recent().map((o) => o.seq)).toEqual([4, 5, 6]);
    expect(heard).toEqual([1, 2, 3, 4, 5]);
    expect(trace.since(4).map((o) => o.seq)).toEqual([5, 6]);
    expect(trace.lastSeq).toBe(6);
  });

  it('gives the last `limit` ops however many it holds between trims', () => {
    const trace = new TraceRecorder(new Scheduler(0), 8);
    for (let i = 1; i <= 25; i++) {
      trace.emit('kill', { sig: 'SIGTERM', target: i }, { actor: 'containerd', pid: 7 });
      const want = Array.from({ length: Math.min(i, 8) }, (_, k) => i - Math.min(i, 8) + 1 + k);
      expect(trace.recent().map((o) => o.seq)).toEqual(want);
      expect(trace.since(0).map((o) => o.seq)).toEqual(want);
    }
    expect(trace.since(20).map((o) => o.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(trace.since(25)).toEqual([]);
  });
});
