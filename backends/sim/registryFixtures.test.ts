import { readFileSync } from 'node:fs';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { matchesFixture } from '../../core/services/fixtures/match';
import { SimHost } from './simHost';
import { run } from './testRun';

/**
 * The simulated registry:2 against what Debian's docker-registry (the same
 * distribution code, 2.8.2) printed, recorded by test/setup/record-services.mjs
 * in core/services/fixtures/debian/registry/. Where the official image
 * differs from Debian's build (its version, Go and the upload purge's log
 * line; core/services/fixtures/DIFFERENCES.md), the simulator follows the
 * official image and the comparison substitutes those.
 */
const fixture = (name: string): string => readFileSync(new URL(`../../core/services/fixtures/debian/registry/${name}`, import.meta.url), 'utf8');

/** Debian's build names itself 2.8.2+ds1 built with go1.19.8; the official image is 2.8.3 with go1.20.8. */
const asOfficial = (t: string): string => t.replace(/go1\.19\.8/g, 'go1.20.8').replace(/2\.8\.2\+ds1/g, '2.8.3');

describe('the simulated registry against Debian’s, recorded', () => {
  it.each([
    ['v2.txt', 'curl -si 127.0.0.1:5000/v2/'],
    ['catalog-empty.txt', 'curl -s 127.0.0.1:5000/v2/_catalog'],
    ['name-unknown.txt', 'curl -si 127.0.0.1:5000/v2/nosuch/tags/list'],
    ['manifest-unknown.txt', 'curl -s 127.0.0.1:5000/v2/nosuch/manifests/latest'],
    ['blob-unknown.txt', `curl -s 127.0.0.1:5000/v2/nosuch/blobs/sha256:${'0'.repeat(64)}`],
    ['not-found.txt', 'curl -si 127.0.0.1:5000/nope'],
  ])('%s: %s', async (file, line) => {
    const host = new SimHost({ seed: 'registry-fixtures', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run -d -p 5000:5000 --name registry registry:2');
    const r = await run(host, line);
    expect(r.exit).toBe(0);
    expect(matchesFixture(r.out, fixture(file)), `${r.out}\n--- does not match ${file}:\n${fixture(file)}`).toBe(true);
  });

  it('push, catalog and tags after a push by the daemon (the manifest’s size differs: the simulator’s blobs are not gzipped)', async () => {
    const host = new SimHost({ seed: 'registry-fixtures-push', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run -d -p 5000:5000 --name registry registry:2');
    await run(host, 'docker pull busybox');
    await run(host, 'docker tag busybox localhost:5000/gb-fixtures-push');
    const push = await run(host, 'docker push localhost:5000/gb-fixtures-push');
    const sized = fixture('push.txt').replace(/size: \d+\n$/, 'size: <SIZE>\n');
    expect(matchesFixture(push.out, sized), push.out).toBe(true);
    expect(matchesFixture((await run(host, 'curl -s 127.0.0.1:5000/v2/_catalog')).out, fixture('catalog.txt'))).toBe(true);
    expect(matchesFixture((await run(host, 'curl -s 127.0.0.1:5000/v2/gb-fixtures-push/tags/list')).out, fixture('tags-list.txt'))).toBe(true);
  });

  it('the start-up lines (the official image’s version and Go), and the htpasswd auth answers and provisioning line', async () => {
    const host = new SimHost({ seed: 'registry-fixtures-logs', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run -d -p 5000:5000 --name registry registry:2');
    const logs = (await run(host, 'docker logs registry')).err.split('\n').filter((l) => l !== '' && !l.includes('Starting upload purge'));
    const expected = asOfficial(fixture('server-log.txt')).split('\n').filter((l) => l !== '');
    expect(logs.length).toBe(expected.length);
    // The real lines come in no fixed order: each simulated line matches one of them.
    for (const l of logs) expect(expected.some((f) => matchesFixture(l, f)), l).toBe(true);
    await run(host, 'docker run -d -p 5001:5000 --name auth -e REGISTRY_AUTH=htpasswd -e "REGISTRY_AUTH_HTPASSWD_REALM=Registry Realm" -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd registry:2');
    expect(matchesFixture((await run(host, 'curl -si 127.0.0.1:5001/v2/')).out, fixture('unauthorized-v2.txt'))).toBe(true);
    expect((await run(host, 'curl -s 127.0.0.1:5001/v2/_catalog')).out).toBe(fixture('unauthorized-catalog.txt'));
    const provisioned = (await run(host, 'docker logs auth')).err.split('\n').find((l) => l.includes('htpasswd is missing'));
    expect(matchesFixture(`${provisioned}\n`, asOfficial(fixture('htpasswd-provisioned.txt')))).toBe(true);
  });
});
