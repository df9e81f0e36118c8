import { describe, expect, it } from 'vitest';
import { parseAgentArgs } from './main';

describe('glassbox agent flags', () => {
  it.each([
    [[], { port: 0, hostShell: false }],
    [['--port', '5171'], { port: 5171, hostShell: false }],
    [['--port=0', '--host-shell'], { port: 0, hostShell: true }],
    [['--help'], 'help'],
    [['--port'], 'invalid port: (missing)'],
    [['--port', 'http'], 'invalid port: http'],
    [['--port', '70000'], 'invalid port: 70000'],
    [['--host', '0.0.0.0'], 'unknown option: --host'],
  ])('%j → %j', (argv, expected) => {
    expect(parseAgentArgs(argv)).toEqual(expected);
  });
});
