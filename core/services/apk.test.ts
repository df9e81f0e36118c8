import { describe, expect, it } from 'vitest';
import { ServiceSession } from './testKit';

describe('apk in alpine, with no network', () => {
  it('apk --version answers; apk add curl tries each repository, gives apk’s temporary error, then cannot select the package', async () => {
    const s = new ServiceSession('apk');
    await s.run('docker pull alpine');
    expect(await s.run('docker run --rm alpine apk --version')).toEqual({ out: 'apk-tools 2.14.4, compiled for x86_64.\n', err: '', code: 0 });
    const before = s.d.scheduler.now();
    const r = await s.run('docker run --rm alpine apk add curl');
    expect(r).toEqual({
      out: 'fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz\nfetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz\n',
      err:
        'WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v3.20/main: temporary error (try again later)\n' +
        'WARNING: fetching https://dl-cdn.alpinelinux.org/alpine/v3.20/community: temporary error (try again later)\n' +
        'ERROR: unable to select packages:\n  curl (no such package):\n    required by: world[curl]\n',
      code: 1,
    });
    // The resolver's wait, for each repository.
    expect(s.d.scheduler.now() - before).toBeGreaterThanOrEqual(20_000);
  });

  it('answers from the installed database what needs no network; the rest says it is not simulated', async () => {
    const s = new ServiceSession('apk-info');
    expect((await s.run('docker run --rm alpine apk info')).out.split('\n')).toContain('busybox');
    expect((await s.run('docker run --rm alpine apk list --installed')).out).toContain('musl-3.20.3-r0 x86_64 {musl} (GPL-2.0-only) [installed]\n');
    expect(await s.run('docker run --rm alpine apk fix')).toEqual({ out: '', err: 'glassbox: apk fix is not simulated yet\n', code: 2 });
  });
});
