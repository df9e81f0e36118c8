import { describe, expect, it } from 'vitest';
import { parseMountFlag, parseTmpfsFlags, parseVolumeFlag, readCsvRecord, splitVolumeFlags } from './mountFlags';

describe('parseVolumeFlag (the client reads -v with the compose loader)', () => {
  it.each([
    ['data:/data', { type: 'volume', source: 'data', target: '/data', readOnly: false }],
    ['data:/data:ro', { type: 'volume', source: 'data', target: '/data', readOnly: true }],
    ['/h:/c:ro,rw', { type: 'bind', source: '/h', target: '/c', readOnly: false }],
    ['./rel:/c', { type: 'bind', source: './rel', target: '/c', readOnly: false }],
    ['~/x:/c', { type: 'bind', source: '~/x', target: '/c', readOnly: false }],
    ['/anon', { type: 'volume', source: '', target: '/anon', readOnly: false }],
    ['/a', { type: 'volume', source: '', target: '/a', readOnly: false }],
    // A letter and a colon is a Windows drive: no source here, one target "a:b".
    ['a:b', { type: 'volume', source: '', target: 'a:b', readOnly: false }],
    ['name:/t:bogus', { type: 'volume', source: 'name', target: '/t', readOnly: false }],
  ])('%j', (spec, want) => {
    expect(parseVolumeFlag(spec)).toEqual(want);
  });

  it.each([
    ['', 'invalid empty volume spec'],
    ['/a:/b:ro:x', 'invalid spec: /a:/b:ro:x: too many colons'],
    ['/a::ro', 'invalid spec: /a::ro: empty section between colons'],
    [':/b', 'invalid spec: :/b: empty section between colons'],
  ])('%j is refused', (spec, error) => {
    expect(parseVolumeFlag(spec)).toEqual({ error });
  });
});

describe('splitVolumeFlags (binds to HostConfig.Binds, the rest to Config.Volumes)', () => {
  it('makes a relative bind absolute against the client directory and keeps each flag once', () => {
    expect(splitVolumeFlags(['./site:/www:ro', 'vol:/v', '/anon', '/h:/h', '/h:/h', '/anon'], '/home/me')).toEqual({ binds: ['/home/me/site:/www:ro', 'vol:/v', '/h:/h'], volumes: ['/anon'] });
  });

  it('passes the first bad spec up', () => {
    expect(splitVolumeFlags(['vol:/v', '/a:/b:ro:x'], '/')).toEqual({ error: 'invalid spec: /a:/b:ro:x: too many colons' });
  });
});

describe('readCsvRecord (Go encoding/csv, one record)', () => {
  it.each([
    ['a,b', ['a', 'b']],
    ['type=bind,"src=a,b",dst=/x', ['type=bind', 'src=a,b', 'dst=/x']],
    ['"a""b"', ['a"b']],
    ['a,,b', ['a', '', 'b']],
  ])('%j', (line, want) => expect(readCsvRecord(line)).toEqual(want));

  it.each([
    ['', 'EOF'],
    ['a"b', 'parse error on line 1, column 2: bare " in non-quoted-field'],
    ['"a"b', 'parse error on line 1, column 3: extraneous or missing " in quoted-field'],
    ['type=volume,"src=a', 'parse error on line 1, column 19: extraneous or missing " in quoted-field'],
  ])('%j is refused', (line, error) => expect(readCsvRecord(line)).toEqual({ error }));
});

describe('parseMountFlag (opts.MountOpt)', () => {
  it('reads a volume with its options', () => {
    expect(parseMountFlag('type=volume,src=data,dst=/data,volume-label=a=b,volume-nocopy,ro', '/')).toEqual({
      type: 'volume',
      source: 'data',
      target: '/data',
      readOnly: true,
      consistency: '',
      volumeOptions: { noCopy: true, labels: { a: 'b' }, driverConfig: { name: '' } },
    });
  });

  it('defaults to a volume, lowercases keys and the type, and resolves ./ sources', () => {
    expect(parseMountFlag('TYPE=Bind,Source=./site,Target=/www', '/srv')).toMatchObject({ type: 'bind', source: '/srv/site', target: '/www' });
    expect(parseMountFlag('target=/x', '/')).toMatchObject({ type: 'volume', source: '', target: '/x' });
  });

  it('reads tmpfs sizes and modes', () => {
    expect(parseMountFlag('type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770', '/')).toMatchObject({ tmpfsOptions: { sizeBytes: 1048576, mode: 0o1770 } });
  });

  it.each([
    ['source=x', 'target is required'],
    ['target=/x,type=', 'type is required'],
    ['type=volume,src=a,dst=/x,foo=bar', "unexpected key 'foo' in 'foo=bar'"],
    ['type=volume,src=a,dst=/x,readonly=maybe', 'invalid value for readonly: maybe'],
    ['type=volume,dst', "invalid field 'dst' must be a key=value pair"],
    ['type=bind,src=/x,dst=/x,volume-nocopy', "cannot mix 'volume-*' options with mount type 'bind'"],
    ['type=volume,dst=/x,bind-propagation=shared', "cannot mix 'bind-*' options with mount type 'volume'"],
    ['type=bind,src=/x,dst=/x,tmpfs-size=1m', "cannot mix 'tmpfs-*' options with mount type 'bind'"],
    ['target=/x,tmpfs-mode=99', 'invalid value for tmpfs-mode: 99'],
    ['target=/x,tmpfs-size=abc', 'invalid value for tmpfs-size: abc'],
    ['target=/x,volume-nocopy=maybe', 'invalid value for volume-nocopy: maybe'],
    ['target=/x,bind-recursive=bogus', 'invalid value for bind-recursive: bogus (must be "enabled", "disabled", "writable", or "readonly")'],
    ['target=/x,type=bind,src=/tmp,bind-recursive=writable', "option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction"],
    ['"a"b', 'parse error on line 1, column 3: extraneous or missing " in quoted-field'],
  ])('%j is refused: %s', (value, error) => {
    expect(parseMountFlag(value, '/')).toEqual({ error });
  });
});

describe('parseTmpfsFlags', () => {
  it('keeps the options after the first colon, a later flag winning', () => {
    expect(parseTmpfsFlags(['/run', '/t:size=64k,mode=1777', '/run:ro'])).toEqual({ '/run': 'ro', '/t': 'size=64k,mode=1777' });
  });
});
