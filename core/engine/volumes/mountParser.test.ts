import { describe, expect, it } from 'vitest';
import { cleanPath, mountRequestJson, parseMountRaw, parseMountSpec, parseVolumesFrom, readWrite, validMountMode, type MountRequest } from './mountParser';

const req = (m: Partial<MountRequest>): MountRequest => ({ type: 'volume', source: '', target: '', readOnly: false, consistency: '', ...m });

describe('parseMountRaw (a -v bind string, as dockerd reads HostConfig.Binds)', () => {
  it.each([
    // [raw, type, name, source, destination, mode, rw, propagation]
    ['data:/data', 'volume', 'data', '', '/data', '', true, ''],
    ['data:/data:ro', 'volume', 'data', '', '/data', 'ro', false, ''],
    ['data:/data:nocopy', 'volume', 'data', '', '/data', 'nocopy', true, ''],
    ['/host:/c', 'bind', '', '/host', '/c', '', true, 'rprivate'],
    ['/host/../x/:/c/', 'bind', '', '/x', '/c', '', true, 'rprivate'],
    ['/host:/c:ro,rshared', 'bind', '', '/host', '/c', 'ro,rshared', false, 'rshared'],
    ['/anon', 'volume', '', '', '/anon', '', true, ''],
  ])('%s', (raw, type, name, source, destination, mode, rw, propagation) => {
    expect(parseMountRaw(raw)).toMatchObject({ type, name, source, destination, mode, rw, propagation, createSource: true });
  });

  it.each([
    ['/a:/b:bogus', 'invalid mode: bogus'],
    ['/a:/b:ro,rw', 'invalid mode: ro,rw'],
    ['/data:rw', "invalid volume specification: '/data:rw'"],
    [':/b', "invalid volume specification: ':/b'"],
    ['/a:/b:ro:x', "invalid volume specification: '/a:/b:ro:x'"],
    ['/a:b', `invalid volume specification: '/a:b': invalid mount config for type "bind": invalid mount path: 'b' mount path must be absolute`],
    ['/a:/', `invalid volume specification: '/a:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
    ['name:rel', `invalid volume specification: 'name:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`],
  ])('%s is refused: %s', (raw, error) => {
    expect(parseMountRaw(raw)).toEqual({ error });
  });

  it('sets the volume driver of a volume, not of a bind', () => {
    expect(parseMountRaw('v1:/x', 'local')).toMatchObject({ driver: 'local' });
    expect(parseMountRaw('/h:/x', 'local')).toMatchObject({ driver: '' });
  });
});

describe('parseMountSpec (a --mount, as dockerd reads HostConfig.Mounts)', () => {
  const exists = (p: string): boolean => p === '/there';
  it.each([
    [req({ type: 'bind', source: '/nope', target: '/x' }), 'invalid mount config for type "bind": bind source path does not exist: /nope'],
    [req({ type: 'bind', target: '/x' }), 'invalid mount config for type "bind": field Source must not be empty'],
    [req({ type: 'bind', source: 'rel', target: '/x' }), "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute"],
    [req({ type: 'bind', source: '/there', target: '/x', bindOptions: { propagation: 'sideways' } }), 'invalid mount config for type "bind": invalid propagation mode: sideways'],
    [req({ type: 'volume', target: '/x', readOnly: true }), 'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes'],
    [req({ type: 'volume', source: 'v', target: '/x', bindOptions: {} }), 'invalid mount config for type "volume": field BindOptions must not be specified'],
    [req({ type: 'volume', target: '/x', volumeOptions: { labels: {}, driverConfig: { name: '' }, subpath: 'a' } }), 'invalid mount config for type "volume": must not set Subpath when using anonymous volumes'],
    [req({ type: 'volume', source: 'v', target: '/x', volumeOptions: { labels: {}, driverConfig: { name: '' }, subpath: '../a' } }), 'invalid mount config for type "volume": subpath must be a relative path within the volume'],
    [req({ type: 'tmpfs', source: 'x', target: '/x' }), 'invalid mount config for type "tmpfs": field Source must not be specified'],
    [req({ type: 'npipe', source: 'x', target: '/x' }), 'invalid mount config for type "npipe": mount type unknown'],
    [req({ type: 'volume', source: 'v', target: '' }), 'invalid mount config for type "volume": field Target must not be empty'],
    [req({ type: 'volume', source: 'v', target: '/' }), `invalid mount config for type "volume": invalid specification: destination can't be '/'`],
  ])('refuses %j', (m, error) => {
    expect(parseMountSpec(m, exists)).toEqual({ error });
  });

  it('turns a valid request into a mount point', () => {
    expect(parseMountSpec(req({ type: 'bind', source: '/there', target: '/x/', readOnly: true }), exists)).toMatchObject({ type: 'bind', source: '/there', destination: '/x', rw: false, propagation: 'rprivate', createSource: false });
    expect(parseMountSpec(req({ type: 'volume', source: 'v', target: '/x', volumeOptions: { noCopy: true, labels: {}, driverConfig: { name: '' } } }), exists)).toMatchObject({ name: 'v', copyData: false });
    expect(parseMountSpec(req({ type: 'tmpfs', target: '/t' }), exists)).toMatchObject({ type: 'tmpfs', source: '', destination: '/t', rw: true });
  });
});

describe('parseVolumesFrom', () => {
  it.each([
    ['web', { id: 'web', mode: 'rw' }],
    ['web:ro', { id: 'web', mode: 'ro' }],
    ['web:rw', { id: 'web', mode: 'rw' }],
    ['', { error: 'volumes-from specification cannot be an empty string' }],
    ['web:bogus', { error: 'invalid mode: bogus' }],
    ['web:rshared', { error: 'invalid mode: rshared' }],
    ['web:nocopy', { error: 'invalid mode: nocopy' }],
  ])('%j', (spec, want) => {
    expect(parseVolumesFrom(spec)).toEqual(want);
  });
});

describe('mount modes', () => {
  it.each([
    ['', true, true],
    ['ro', true, false],
    ['rw', true, true],
    ['ro,Z,rshared,nocopy,cached', true, false],
    ['ro,rw', false, false],
    ['z,Z', false, false],
    ['bogus', false, false],
  ])('%j: valid %s, read-write %s', (mode, valid, rw) => {
    expect(validMountMode(mode)).toBe(valid);
    expect(readWrite(mode)).toBe(rw);
  });
});

describe('cleanPath (Go path.Clean)', () => {
  it.each([
    ['/a/b/', '/a/b'],
    ['/a/./b/../c', '/a/c'],
    ['/../a', '/a'],
    ['a/../..', '..'],
    ['', '.'],
    ['//x//y', '/x/y'],
  ])('%j → %j', (p, want) => expect(cleanPath(p)).toBe(want));
});

describe('mountRequestJson (HostConfig.Mounts as the API returns it)', () => {
  it('leaves out empty fields and keeps Go field order', () => {
    expect(JSON.stringify(mountRequestJson(req({ type: 'volume', source: 'm', target: '/m', volumeOptions: { labels: { z: '1', a: '2' }, driverConfig: { name: '' } } })))).toBe(
      '{"Type":"volume","Source":"m","Target":"/m","VolumeOptions":{"Labels":{"a":"2","z":"1"},"DriverConfig":{}}}',
    );
    expect(JSON.stringify(mountRequestJson(req({ type: 'tmpfs', target: '/t', readOnly: true, tmpfsOptions: { sizeBytes: 1048576 } })))).toBe('{"Type":"tmpfs","Target":"/t","ReadOnly":true,"TmpfsOptions":{"SizeBytes":1048576}}');
    expect(JSON.stringify(mountRequestJson(req({ type: 'bind', source: '/h', target: '/b' })))).toBe('{"Type":"bind","Source":"/h","Target":"/b"}');
  });
});
