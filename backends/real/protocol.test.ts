import { describe, expect, it } from 'vitest';
import { agentMessageSchema, clientMessageSchema, parseFrame } from './protocol';

describe('client → agent frames', () => {
  it.each([
    [{ type: 'exec', id: '1', line: 'docker ps -a' }],
    [{ type: 'exec', id: '1', line: '' }],
    [{ type: 'interrupt' }],
    [{ type: 'snapshot', id: 'a' }],
    [{ type: 'capabilities', id: 'a' }],
    [{ type: 'reset', id: 'a' }],
    [{ type: 'layers', id: 'a', layerIds: ['sha256:' + 'a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64) + '-init'] }],
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
    [{ type: 'error', message: 'rate limit exceeded' }],
    [{ type: 'result', id: '1', value: null }],
    [{ type: 'event', event: { type: 'snapshot', snapshot: { kind: 'real', time: 1, containers: [], images: [], networks: [] }, transitions: [] } }],
  ])('accepts %j (and fields a newer model adds)', (msg) => {
    expect(parseFrame(agentMessageSchema, JSON.stringify(msg)).ok).toBe(true);
  });

  it.each([
    [{ type: 'exit', id: '1', code: 1.5 }],
    [{ type: 'event', event: { type: 'connection', state: 'open' } }],
    [{ type: 'event', event: { type: 'snapshot', snapshot: { kind: 'real', time: 1, containers: [{ id: 'x', name: 'y', state: 'zombie' }], images: [] }, transitions: [] } }],
  ])('refuses %j', (msg) => {
    expect(parseFrame(agentMessageSchema, JSON.stringify(msg)).ok).toBe(false);
  });
});
