import { describe, expect, it } from 'vitest';
import { seededRng } from '../../ports';
import { MemFs } from '../../shell/memfs';
import { DaemonError } from '../errors';
import { ANONYMOUS_LABEL, VolumesService } from './volumeService';

function service(): { vols: VolumesService; fs: MemFs; events: string[] } {
  const fs = new MemFs();
  const events: string[] = [];
  const vols = new VolumesService({ fs, rng: seededRng('volumes-test'), now: () => Date.UTC(2026, 0, 1, 12, 0, 0, 750), emit: (action, name) => events.push(`${action} ${name}`) });
  return { vols, fs, events };
}

function daemonError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DaemonError) return e.message;
    throw e;
  }
  return '';
}

describe('VolumesService', () => {
  it('keeps a volume\'s data on the host at /var/lib/docker/volumes/NAME/_data', () => {
    const { vols, fs, events } = service();
    const v = vols.create('data', 'local', { labels: { tier: 'db' } });
    expect(v.mountpoint).toBe('/var/lib/docker/volumes/data/_data');
    expect(fs.isDir(v.mountpoint)).toBe(true);
    expect(fs.stat('/var/lib/docker/volumes')).toMatchObject({ mode: 0o701 });
    expect(vols.inspect(v)).toEqual({
      CreatedAt: '2026-01-01T12:00:00Z',
      Driver: 'local',
      Labels: { tier: 'db' },
      Mountpoint: '/var/lib/docker/volumes/data/_data',
      Name: 'data',
      Options: null,
      Scope: 'local',
    });
    vols.remove('data');
    expect(fs.exists('/var/lib/docker/volumes/data')).toBe(false);
    expect(events).toEqual(['create data', 'destroy data']);
  });

  it('returns an existing volume as it is when created again', () => {
    const { vols } = service();
    vols.create('data', 'local', { labels: { a: '1' } });
    expect(vols.create('data', '', { labels: { b: '2' } }).labels).toEqual({ a: '1' });
    expect(vols.list().map((v) => v.name)).toEqual(['data']);
  });

  it('names an anonymous volume with 64 hex digits and labels it as anonymous', () => {
    const { vols } = service();
    const v = vols.create('', '');
    expect(v.name).toMatch(/^[0-9a-f]{64}$/);
    expect(v.anonymous).toBe(true);
    expect(v.labels).toEqual({ [ANONYMOUS_LABEL]: '' });
  });

  it.each([
    ['x/y', '', 'create x/y: "x/y" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
    ['a', '', 'create a: volume name is too short, names should be at least two alphanumeric characters'],
    ['-x', '', 'create -x: "-x" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
    ['vv', 'nfs', 'create vv: error looking up volume plugin nfs: plugin "nfs" not found'],
  ])('refuses to create %j (driver %j)', (name, driver, message) => {
    const { vols } = service();
    expect(daemonError(() => vols.create(name, driver))).toBe(message);
  });

  it('refuses to remove a volume a container references, listing the containers', () => {
    const { vols } = service();
    vols.create('data', '', { ref: 'c1' });
    vols.get('data', 'c2');
    expect(daemonError(() => vols.remove('data'))).toBe('remove data: volume is in use - [c1, c2]');
    expect(daemonError(() => vols.remove('data', { force: true }))).toBe('remove data: volume is in use - [c1, c2]');
    vols.release('data', 'c1');
    vols.release('data', 'c2');
    vols.remove('data');
    expect(daemonError(() => vols.remove('data'))).toBe('get data: no such volume');
    expect(daemonError(() => vols.remove('data', { force: true }))).toBe('');
  });

  it('filters a list by name (regular expressions), driver, label and dangling', () => {
    const { vols } = service();
    vols.create('web-data', '', { labels: { app: 'web', tier: 'front' } });
    vols.create('db-data', '', { labels: { app: 'db' }, ref: 'c1' });
    vols.create('cache', '');
    const names = (f: Record<string, string[]>): string[] => vols.list(f).map((v) => v.name);
    expect(names({ name: ['data'] })).toEqual(['web-data', 'db-data']);
    expect(names({ name: ['^db'] })).toEqual(['db-data']);
    expect(names({ label: ['app'] })).toEqual(['web-data', 'db-data']);
    expect(names({ label: ['app=web', 'tier'] })).toEqual(['web-data']);
    expect(names({ dangling: ['true'] })).toEqual(['web-data', 'cache']);
    expect(names({ dangling: ['0'] })).toEqual(['db-data']);
    expect(names({ driver: ['local'], name: ['cache'] })).toEqual(['cache']);
    expect(daemonError(() => vols.list({ dangling: ['maybe'] }))).toBe("invalid filter 'dangling=[maybe]'");
    expect(daemonError(() => vols.list({ bogus: ['1'] }))).toBe("invalid filter 'bogus'");
  });

  it('prunes unused anonymous volumes only, unless all=true, and counts the bytes', () => {
    const { vols, fs } = service();
    const anon = vols.create('', '');
    const used = vols.create('', '', { ref: 'c1' });
    vols.create('named', '');
    fs.writeFile(`${anon.mountpoint}/f`, 'hello');
    fs.mkdir(`${anon.mountpoint}/d`);
    fs.writeFile(`${anon.mountpoint}/d/g`, 'abc');
    expect(vols.prune()).toEqual({ deleted: [anon.name], reclaimed: 8 });
    expect(vols.list().map((v) => v.name)).toEqual([used.name, 'named']);
    expect(vols.prune({ all: ['true'] })).toEqual({ deleted: ['named'], reclaimed: 0 });
    expect(vols.list().map((v) => v.name)).toEqual([used.name]);
  });

  it('narrows a prune with label and label! filters', () => {
    const { vols } = service();
    vols.create('keep', '', { labels: { keep: '1' } });
    vols.create('drop', '', { labels: { drop: '1' } });
    expect(vols.prune({ all: ['1'], 'label!': ['keep'] }).deleted).toEqual(['drop']);
    expect(daemonError(() => vols.prune({ all: ['maybe'] }))).toBe(`invalid filter 'all': strconv.ParseBool: parsing "maybe": invalid syntax`);
    expect(daemonError(() => vols.prune({ name: ['x'] }))).toBe("invalid filter 'name'");
  });

  it('gives snapshots with who uses each volume, rebuilt only after a change', () => {
    const { vols } = service();
    vols.create('data', '', { ref: 'c1' });
    const first = vols.snapshots();
    expect(first).toEqual([{ name: 'data', driver: 'local', mountpoint: '/var/lib/docker/volumes/data/_data', labels: {}, anonymous: false, users: ['c1'], createdAt: '2026-01-01T12:00:00Z' }]);
    expect(vols.snapshots()).toBe(first);
    vols.release('data', 'c1');
    expect(vols.snapshots()[0]!.users).toEqual([]);
  });
});
