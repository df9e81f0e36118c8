import { describe, expect, it } from 'vitest';
import { DEFAULT_INSECURE_REGISTRIES } from './config';
import { hostOf, isHub, isInsecure } from './registryClient';

describe('isInsecure (which registries the daemon talks plain HTTP to)', () => {
  it.each<[readonly string[], string, string | undefined, boolean]>([
    [DEFAULT_INSECURE_REGISTRIES, 'localhost:5000', '127.0.0.1', true],
    [DEFAULT_INSECURE_REGISTRIES, '127.0.0.2:5000', '127.0.0.2', true],
    [DEFAULT_INSECURE_REGISTRIES, '10.0.2.15:5000', '10.0.2.15', false],
    [DEFAULT_INSECURE_REGISTRIES, 'myregistry:5000', undefined, false],
    [['10.0.0.0/8'], '10.0.2.15:5000', '10.0.2.15', true],
    [['myregistry:5000'], 'myregistry:5000', '172.17.0.2', true],
    [['myregistry:5000'], 'myregistry:5001', '172.17.0.2', false],
  ])('%j %s (%s) → %s', (list, hostPort, ip, insecure) => {
    expect(isInsecure(list, hostPort, ip)).toBe(insecure);
  });
});

describe('hostOf / isHub', () => {
  it.each<[string, string, boolean]>([
    ['https://index.docker.io/v1/', 'index.docker.io', true],
    ['docker.io', 'docker.io', true],
    ['registry-1.docker.io', 'registry-1.docker.io', true],
    ['localhost:5000', 'localhost:5000', false],
    ['http://localhost:5000/v2/', 'localhost:5000', false],
  ])('%s → %s, hub %s', (server, host, hub) => {
    expect(hostOf(server)).toBe(host);
    expect(isHub(server)).toBe(hub);
  });
});
