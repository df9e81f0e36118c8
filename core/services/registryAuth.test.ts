import { describe, expect, it } from 'vitest';
import { bcryptHash, bcryptVerify } from './registryAuth';
import { ServiceSession } from './testKit';

describe('the simulator’s bcrypt (htpasswd -B, the registry’s check)', () => {
  const hash = bcryptHash('s3cret', 'seed');
  it.each<[string, string, boolean]>([
    ['the password it was made from', 's3cret', true],
    ['another password', 's3cret ', false],
    ['an empty password', '', false],
  ])('%s → %s', (_what, password, ok) => expect(bcryptVerify(hash, password)).toBe(ok));

  it('looks like htpasswd’s: $2y$, the cost, 22 salt characters (the last one of .Oeu) and 31 hash characters; other seeds, other salts', () => {
    expect(hash).toMatch(/^\$2y\$05\$[./A-Za-z0-9]{21}[.Oeu][./A-Za-z0-9]{31}$/);
    expect(bcryptHash('s3cret', 'seed', 10).startsWith('$2y$10$')).toBe(true);
    expect(bcryptHash('s3cret', 'other')).not.toBe(hash);
    // The $2a$ and $2b$ spellings carry the same hash.
    expect(bcryptVerify(hash.replace('$2y$', '$2b$'), 's3cret')).toBe(true);
    expect(bcryptVerify('plain', 's3cret')).toBe(false);
  });
});

describe('htpasswd in httpd:2', () => {
  it('-Bbn prints the line and an empty one; -Bbc writes a file, -Bb adds and updates users', async () => {
    const s = new ServiceSession('htpasswd');
    const n = await s.run('docker run --rm --entrypoint htpasswd httpd:2 -Bbn alice pw');
    expect(n.out).toMatch(/^alice:\$2y\$05\$[./A-Za-z0-9]{53}\n\n$/);
    expect(n.code).toBe(0);
    const c = await s.run('docker run --rm -v /srv/auth:/auth --entrypoint htpasswd httpd:2 -Bbc /auth/htpasswd alice pw');
    expect(c).toMatchObject({ err: expect.stringContaining('Adding password for user alice\n') as string, code: 0 });
    await s.run('docker run --rm -v /srv/auth:/auth --entrypoint htpasswd httpd:2 -Bb /auth/htpasswd bob pw2');
    const u = await s.run('docker run --rm -v /srv/auth:/auth --entrypoint htpasswd httpd:2 -Bb /auth/htpasswd alice new');
    expect(u.err).toContain('Updating password for user alice\n');
    const lines = (await s.run('docker run --rm -v /srv/auth:/auth --entrypoint cat httpd:2 /auth/htpasswd')).out.split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['alice', 'bob', '']);
    expect(bcryptVerify(lines[0]!.slice(6), 'new')).toBe(true);
    expect(bcryptVerify(lines[1]!.slice(4), 'pw2')).toBe(true);
  });

  it('refuses what it does not simulate (MD5, the prompt) plainly, and bad usage as htpasswd does', async () => {
    const s = new ServiceSession('htpasswd');
    const md5 = await s.run('docker run --rm --entrypoint htpasswd httpd:2 -bn alice pw');
    expect(md5).toMatchObject({ code: 2, err: expect.stringContaining('glassbox: htpasswd without -B (its MD5 default) is not simulated yet') as string });
    expect((await s.run('docker run --rm --entrypoint htpasswd httpd:2 -Bn alice')).code).toBe(2);
    const usage = await s.run('docker run --rm --entrypoint htpasswd httpd:2 -Bbn alice');
    expect(usage.code).toBe(1);
    expect(usage.err.startsWith('Usage:\n\thtpasswd [-cimB25dpsDv] [-C cost] [-r rounds] passwordfile username\n')).toBe(true);
    const missing = await s.run('docker run --rm --entrypoint htpasswd httpd:2 -Bb /nope alice pw');
    expect(missing).toMatchObject({ code: 1, err: expect.stringContaining("htpasswd: cannot modify file /nope; use '-c' to create it.\n") as string });
  });
});
