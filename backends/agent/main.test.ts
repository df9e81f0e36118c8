import { describe, expect, it } from 'vitest';
import { parseAgentArgs, parseListen } from './main';

const loopback = { address: '127.0.0.1', hostShell: false };

describe('glassbox agent flags', () => {
  it.each([
    [[], { ...loopback, port: 0 }],
    [['--port', '5171'], { ...loopback, port: 5171 }],
    [['--port=0', '--host-shell'], { ...loopback, port: 0, hostShell: true }],
    [['--help'], 'help'],
    [['--port'], 'invalid port: (missing)'],
    [['--port', 'http'], 'invalid port: http'],
    [['--port', '70000'], 'invalid port: 70000'],
    [['--host', '0.0.0.0'], 'unknown option: --host'],
    [['--listen', '127.0.0.2:7681'], { ...loopback, address: '127.0.0.2', port: 7681 }],
    [['--listen=[::1]:7681'], { ...loopback, address: '::1', port: 7681 }],
    [['--token-file', '/run/glassbox/token'], { ...loopback, port: 0, tokenFile: '/run/glassbox/token' }],
    [['--token-file'], 'invalid token file: (missing)'],
    [['--port', '1', '--listen', '127.0.0.1:2'], '--port and --listen both set the port: give one'],
    // Reachable from other machines: only with the address browsers use, so Host and Origin can still be checked.
    [['--listen', '0.0.0.0:7681'], '--listen 0.0.0.0 is reachable from other machines: give --public-url, the address browsers open the agent at'],
    [['--listen', '[::]:7681'], '--listen :: is reachable from other machines: give --public-url, the address browsers open the agent at'],
    [['--listen', '0.0.0.0'], 'invalid listen address: 0.0.0.0 (want ADDR:PORT, e.g. 0.0.0.0:7681)'],
    [['--listen', 'example.org:80'], 'invalid listen address: example.org:80 (want ADDR:PORT, e.g. 0.0.0.0:7681)'],
    [['--public-url', 'ftp://x/'], 'the public URL must be http: or https:, not ftp: (ftp://x/)'],
    [['--public-url', 'http://x/?token=1'], 'the public URL must have no user, query or fragment: http://x/?token=1'],
  ])('%j → %j', (argv, expected) => {
    expect(parseAgentArgs(argv)).toEqual(expected);
  });

  it('--listen 0.0.0.0:PORT with --public-url keeps the public URL, with a trailing slash', () => {
    const args = parseAgentArgs(['--listen', '0.0.0.0:7681', '--public-url', 'https://hub.example.edu/user/ana/glassbox']);
    expect(args).toMatchObject({ address: '0.0.0.0', port: 7681 });
    expect(typeof args === 'object' && args.publicUrl?.href).toBe('https://hub.example.edu/user/ana/glassbox/');
  });
});

describe('parseListen', () => {
  it.each([
    ['0.0.0.0:7681', { address: '0.0.0.0', port: 7681 }],
    ['[::]:0', { address: '::', port: 0 }],
    ['10.0.0.1:65536', 'invalid listen address: 10.0.0.1:65536 (want ADDR:PORT, e.g. 0.0.0.0:7681)'],
    ['::1:80', 'invalid listen address: ::1:80 (want ADDR:PORT, e.g. 0.0.0.0:7681)'],
    ['[127.0.0.1]:80', 'invalid listen address: [127.0.0.1]:80 (want ADDR:PORT, e.g. 0.0.0.0:7681)'],
    ['300.0.0.1:80', 'invalid listen address: 300.0.0.1:80 (want ADDR:PORT, e.g. 0.0.0.0:7681)'],
  ])('%s → %j', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });
});
