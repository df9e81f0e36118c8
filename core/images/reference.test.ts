import { describe, expect, it } from 'vitest';
import { familiarName, familiarString, fullName, parseNormalizedNamed, ReferenceError, withDefaultTag } from './reference';

describe('parseNormalizedNamed', () => {
  it.each([
    ['busybox', 'docker.io/library/busybox', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox', 'busybox:1.36'],
    ['docker.io/busybox', 'docker.io/library/busybox', 'busybox:latest'],
    ['index.docker.io/library/busybox:latest', 'docker.io/library/busybox', 'busybox:latest'],
    ['user/app', 'docker.io/user/app', 'user/app:latest'],
    ['localhost/app', 'localhost/app', 'localhost/app:latest'],
    ['localhost:5000/team/app:v1', 'localhost:5000/team/app', 'localhost:5000/team/app:v1'],
    ['registry.example.com/app', 'registry.example.com/app', 'registry.example.com/app:latest'],
    ['[::1]:5000/app', '[::1]:5000/app', '[::1]:5000/app:latest'],
    ['a__b-c/e---f', 'docker.io/a__b-c/e---f', 'a__b-c/e---f:latest'],
    // An upper-case first component is read as a registry host (the client accepts it).
    ['UPPER/x:1', 'UPPER/x', 'UPPER/x:1'],
    [
      'busybox@sha256:0123456789012345678901234567890123456789012345678901234567890123',
      'docker.io/library/busybox',
      'busybox@sha256:0123456789012345678901234567890123456789012345678901234567890123',
    ],
  ])('%s → %s (%s)', (input, full, familiar) => {
    const ref = parseNormalizedNamed(input);
    expect(fullName(ref)).toBe(full);
    expect(familiarString(withDefaultTag(ref))).toBe(familiar);
  });

  it.each([
    ['', 'invalid reference format'],
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['user/App:1', 'invalid reference format: repository name (user/App) must be lowercase'],
    ['busybox:', 'invalid reference format'],
    ['bus//box', 'invalid reference format'],
    [':tag', 'invalid reference format'],
    ['a:b:c', 'invalid reference format'],
    ['x:-bad', 'invalid reference format'],
    ['busybox@sha256:abc', 'invalid reference format'],
    ['busybox@md5:0123456789012345678901234567890123', 'unsupported digest algorithm'],
    ['busybox@sha256:012345678901234567890123456789012345', 'invalid checksum digest length'],
    ['a'.repeat(300), 'repository name must not be more than 255 characters'],
    ['e1ab304ee380fdabbd843db57f102075ddbc700b25a23942bcc69be85a301e64', 'invalid repository name (e1ab304ee380fdabbd843db57f102075ddbc700b25a23942bcc69be85a301e64), cannot specify 64-byte hexadecimal strings'],
  ])('refuses %j: %s', (input, message) => {
    expect(() => parseNormalizedNamed(input)).toThrow(new ReferenceError(message));
  });

  it('familiar names drop docker.io and library/ only for Docker Hub', () => {
    expect(familiarName(parseNormalizedNamed('docker.io/library/nginx'))).toBe('nginx');
    expect(familiarName(parseNormalizedNamed('docker.io/library/a/b'))).toBe('library/a/b');
    expect(familiarName(parseNormalizedNamed('quay.io/library/nginx'))).toBe('quay.io/library/nginx');
  });
});
