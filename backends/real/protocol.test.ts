import { describe, expect, it } from 'vitest';
import { agentMessageSchema, clientMessageSchema, parseFrame } from './protocol';

describe('client → agent frames', () => {
  it.each([
    [{ type: 'exec', id: '1', line: 'docker ps -a' }],
    [{ type: 'exec', id: '1', line: '' }],
    [{ type: 'exec', id: '1', line: 'docker run -it busybox sh', tty: { cols: 80, rows: 24 } }],
    [{ type: 'input', id: '1', data: '\x10\x11' }],
    [{ type: 'input', id: '1', data: 'x'.repeat(4096) }],
    [{ type: 'resize', id: '1', cols: 1000, rows: 1 }],
    [{ type: 'interrupt' }],
    [{ type: 'snapshot', id: 'a' }],
    [{ type: 'capabilities', id: 'a' }],
    [{ type: 'reset', id: 'a' }],
    [{ type: 'reset', id: 'a', lesson: { suffix: 'ab12' } }],
    [{ type: 'layers', id: 'a', layerIds: ['sha256:' + 'a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64) + '-init'] }],
    [{ type: 'hostdir', id: 'a', path: '/var/lib/docker/volumes/data/_data' }],
    [{ type: 'history', id: 'a', key: '0123456789abcdef0123456789abcdef' }],
    [{ type: 'lines', id: 'a' }],
    [{ type: 'moment', id: 'a', lineNo: 0 }],
    [{ type: 'moment', id: 'a', lineNo: 2 ** 31 - 1 }],
    [{ type: 'momentLayers', id: 'a', lineNo: 7, layerIds: ['sha256:' + 'a'.repeat(64), 'c'.repeat(64) + '-init'] }],
  ])('accepts %j', (msg) => {
    expect(parseFrame(clientMessageSchema, JSON.stringify(msg))).toEqual({ ok: true, value: msg });
  });

  it.each([
    ['not JSON', '{', 'invalid message: not JSON'],
    ['an unknown type', JSON.stringify({ type: 'spawn', id: '1' }), 'invalid message: type: '],
    ['no type', JSON.stringify({ id: '1' }), 'invalid message: type: '],
    ['an extra field', JSON.stringify({ type: 'interrupt', signal: 'KILL' }), 'invalid message: message: '],
    ['a numeric id', JSON.stringify({ type: 'snapshot', id: 7 }), 'invalid message: id: '],
    ['an empty id', JSON.stringify({ type: 'snapshot', id: '' }), 'invalid message: id: '],
    ['a long id', JSON.stringify({ type: 'snapshot', id: 'x'.repeat(65) }), 'invalid message: id: '],
    ['a line that is not a string', JSON.stringify({ type: 'exec', id: '1', line: ['docker', 'ps'] }), 'invalid message: line: '],
    ['a line over 8 KiB', JSON.stringify({ type: 'exec', id: '1', line: 'x'.repeat(8193) }), 'invalid message: line: '],
    ['a layer named by path', JSON.stringify({ type: 'layers', id: '1', layerIds: ['/var/lib/docker/overlay2/' + 'a'.repeat(64) + '/diff'] }), 'invalid message: layerIds.0: '],
    ['a layer id with a traversal', JSON.stringify({ type: 'layers', id: '1', layerIds: ['../' + 'a'.repeat(64)] }), 'invalid message: layerIds.0: '],
    ['no layers', JSON.stringify({ type: 'layers', id: '1', layerIds: [] }), 'invalid message: layerIds: '],
    ['too many layers', JSON.stringify({ type: 'layers', id: '1', layerIds: Array.from({ length: 129 }, () => 'a'.repeat(64)) }), 'invalid message: layerIds: '],
    ['null', 'null', 'invalid message: '],
    ['a lesson suffix that could widen the match', JSON.stringify({ type: 'reset', id: '1', lesson: { suffix: '' } }), 'invalid message: lesson.suffix: '],
    ['a lesson suffix with a pattern', JSON.stringify({ type: 'reset', id: '1', lesson: { suffix: 'a*' } }), 'invalid message: lesson.suffix: '],
    ['a lesson reset naming what to remove', JSON.stringify({ type: 'reset', id: '1', lesson: { suffix: 'ab12', names: ['web'] } }), 'invalid message: lesson: '],
    ['a host dir path that is not a string', JSON.stringify({ type: 'hostdir', id: '1', path: ['/var/lib/docker'] }), 'invalid message: path: '],
    ['an empty host dir path', JSON.stringify({ type: 'hostdir', id: '1', path: '' }), 'invalid message: path: '],
    ['a host dir path over 4 KiB', JSON.stringify({ type: 'hostdir', id: '1', path: '/' + 'a'.repeat(4096) }), 'invalid message: path: '],
    ['a host dir request with options', JSON.stringify({ type: 'hostdir', id: '1', path: '/', follow: true }), 'invalid message: message: '],
    ['empty keystrokes', JSON.stringify({ type: 'input', id: '1', data: '' }), 'invalid message: data: '],
    ['keystrokes over 4 KiB', JSON.stringify({ type: 'input', id: '1', data: 'x'.repeat(4097) }), 'invalid message: data: '],
    ['keystrokes for no line', JSON.stringify({ type: 'input', data: 'x' }), 'invalid message: id: '],
    ['keystrokes as bytes', JSON.stringify({ type: 'input', id: '1', data: [3] }), 'invalid message: data: '],
    ['a negative width', JSON.stringify({ type: 'resize', id: '1', cols: -80, rows: 24 }), 'invalid message: cols: '],
    ['a zero height', JSON.stringify({ type: 'resize', id: '1', cols: 80, rows: 0 }), 'invalid message: rows: '],
    ['an absurd width', JSON.stringify({ type: 'resize', id: '1', cols: 65536, rows: 24 }), 'invalid message: cols: '],
    ['a fractional height', JSON.stringify({ type: 'resize', id: '1', cols: 80, rows: 2.5 }), 'invalid message: rows: '],
    ['a tty with an extra field', JSON.stringify({ type: 'exec', id: '1', line: 'x', tty: { cols: 80, rows: 24, xpixel: 1 } }), 'invalid message: tty: '],
    ['a tty that is not a size', JSON.stringify({ type: 'exec', id: '1', line: 'x', tty: true }), 'invalid message: tty: '],
    // Issue 14: the recorded timeline is read-only and names lines by bounded whole numbers.
    ['a negative line number', JSON.stringify({ type: 'moment', id: '1', lineNo: -1 }), 'invalid message: lineNo: '],
    ['a fractional line number', JSON.stringify({ type: 'moment', id: '1', lineNo: 1.5 }), 'invalid message: lineNo: '],
    ['a huge line number', JSON.stringify({ type: 'moment', id: '1', lineNo: 2 ** 31 }), 'invalid message: lineNo: '],
    ['a line number past doubles', '{"type":"moment","id":"1","lineNo":1e400}', 'invalid message: lineNo: '],
    ['a line number as a string', JSON.stringify({ type: 'moment', id: '1', lineNo: '3' }), 'invalid message: lineNo: '],
    ['a moment without a line', JSON.stringify({ type: 'moment', id: '1' }), 'invalid message: lineNo: '],
    ['a moment asking to replay', JSON.stringify({ type: 'moment', id: '1', lineNo: 3, replay: true }), 'invalid message: message: '],
    ['lines with a range', JSON.stringify({ type: 'lines', id: '1', from: 0 }), 'invalid message: message: '],
    ['a fork', JSON.stringify({ type: 'fork', id: '1', lineNo: 3 }), 'invalid message: type: '],
    ['moment layers with a negative line', JSON.stringify({ type: 'momentLayers', id: '1', lineNo: -5, layerIds: ['a'.repeat(64)] }), 'invalid message: lineNo: '],
    ['moment layers by path', JSON.stringify({ type: 'momentLayers', id: '1', lineNo: 0, layerIds: ['/var/lib/docker/overlay2'] }), 'invalid message: layerIds.0: '],
    ['too many moment layers', JSON.stringify({ type: 'momentLayers', id: '1', lineNo: 0, layerIds: Array.from({ length: 129 }, () => 'a'.repeat(64)) }), 'invalid message: layerIds: '],
    ['no moment layers', JSON.stringify({ type: 'momentLayers', id: '1', lineNo: 0, layerIds: [] }), 'invalid message: layerIds: '],
    ['a short history key', JSON.stringify({ type: 'history', id: '1', key: 'abc' }), 'invalid message: key: '],
    ['a history key in capitals', JSON.stringify({ type: 'history', id: '1', key: 'A'.repeat(32) }), 'invalid message: key: '],
    ['a history key with a traversal', JSON.stringify({ type: 'history', id: '1', key: '../' + 'a'.repeat(29) }), 'invalid message: key: '],
    ['a history naming a student', JSON.stringify({ type: 'history', id: '1', key: 'a'.repeat(32), student: 'bob' }), 'invalid message: message: '],
  ])('refuses %s', (_what, text, prefix) => {
    const r = parseFrame(clientMessageSchema, text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message.startsWith(prefix)).toBe(true);
  });
});

describe('agent → client frames', () => {
  it.each([
    [{ type: 'stdout', id: '1', text: 'x' }],
    [{ type: 'exit', id: '1', code: 125 }],
    [{ type: 'raw', id: '1', on: true }],
    [{ type: 'screen', id: '1', text: 'c\nd\r\n' }],
    [{ type: 'error', message: 'rate limit exceeded' }],
    [{ type: 'result', id: '1', value: null }],
    [{ type: 'event', event: { type: 'snapshot', snapshot: { kind: 'real', time: 1, containers: [], images: [], networks: [] }, transitions: [] } }],
  ])('accepts %j (and fields a newer model adds)', (msg) => {
    expect(parseFrame(agentMessageSchema, JSON.stringify(msg)).ok).toBe(true);
  });

  it.each([
    [{ type: 'exit', id: '1', code: 1.5 }],
    [{ type: 'raw', id: '1', on: 'yes' }],
    [{ type: 'event', event: { type: 'connection', state: 'open' } }],
    [{ type: 'event', event: { type: 'snapshot', snapshot: { kind: 'real', time: 1, containers: [{ id: 'x', name: 'y', state: 'zombie' }], images: [] }, transitions: [] } }],
  ])('refuses %j', (msg) => {
    expect(parseFrame(agentMessageSchema, JSON.stringify(msg)).ok).toBe(false);
  });
});
