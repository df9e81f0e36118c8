import { describe, expect, it } from 'vitest';
import { parseDaemonJson } from './daemonJson';

const PREFIX = 'unable to configure the Docker daemon with file /etc/docker/daemon.json: ';

/** Errors checked against dockerd 20.10 (`dockerd --config-file` on the reference host). */
const ERRORS: [string, string][] = [
  ['{ "a": 1, }', PREFIX + "invalid character '}' looking for beginning of object key string"],
  ['{"foo": 1, "bar": true}', PREFIX + "the following directives don't match any configuration option: foo, bar"],
  ['{"registry-mirrors": ["https://m.example"', PREFIX + 'unexpected EOF'],
  ['[1]', PREFIX + 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
  ['{"live-restore": "yes"}', PREFIX + 'json: cannot unmarshal string into Go struct field Config.live-restore of type bool'],
  ['{"registry-mirrors": "x"}', PREFIX + 'json: cannot unmarshal string into Go struct field Config.registry-mirrors of type []string'],
  ["{'a':1}", PREFIX + "invalid character '\\'' looking for beginning of object key string"],
  ['{"debug": tru}', PREFIX + "invalid character '}' in literal true (expecting 'e')"],
  ['{"a" 1}', PREFIX + "invalid character '1' after object key"],
  ['{"a": 1 "b": 2}', PREFIX + "invalid character '\"' after object key:value pair"],
  ['{"dns": [1 2]}', PREFIX + "invalid character '2' after array element"],
  ['{"x": "a\nb"}', PREFIX + "invalid character '\\n' in string literal"],
  ['{"registry-mirrors": ["ftp://x"]}', 'failed to start daemon: invalid mirror: unsupported scheme "ftp" in "ftp://x"'],
  ['{"exec-opts": ["native.cgroupdriver=foo"]}', 'failed to start daemon: native.cgroupdriver option foo not supported'],
];

describe('parseDaemonJson', () => {
  it.each(ERRORS)('%s → %s', (text, error) => {
    expect(parseDaemonJson(text, 1)).toEqual({ error });
  });

  it('an empty file is no configuration', () => {
    const r = parseDaemonJson('  \n', 1);
    expect(r).toMatchObject({ settings: { registryMirrors: [], liveRestore: false, cgroupDriver: 'cgroupfs', dataRoot: '/var/lib/docker' }, notSimulated: [] });
  });

  it('reads the modelled keys, mirrors with the trailing slash dockerd adds', () => {
    const r = parseDaemonJson('{"registry-mirrors": ["https://m.example"], "insecure-registries": ["r:5000"], "live-restore": true, "log-driver": "json-file", "exec-opts": ["native.cgroupdriver=systemd"], "data-root": "/d"}', 1);
    expect(r).toMatchObject({ settings: { registryMirrors: ['https://m.example/'], insecureRegistries: ['r:5000'], liveRestore: true, cgroupDriver: 'systemd', dataRoot: '/d' } });
  });

  it('lists the keys whose effect is not modelled', () => {
    const r = parseDaemonJson('{"bip": "10.1.0.1/24", "log-driver": "syslog", "log-opts": {"max-size": "10m"}, "debug": true, "data-root": "/data/docker", "storage-driver": "overlay2"}', 1);
    expect(r).toMatchObject({ notSimulated: ['bip', 'log-driver', 'log-opts', 'data-root'] });
  });
});
