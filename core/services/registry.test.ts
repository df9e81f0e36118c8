import { describe, expect, it } from 'vitest';
import { registryRequest, resolveEndpoint, type Endpoint } from '../engine/registryClient';
import { sha256Hex } from '../images/digest';
import { ServiceSession } from './testKit';

async function registry(): Promise<ServiceSession> {
  const s = new ServiceSession('registry');
  expect((await s.run('docker run -d -p 5000:5000 --restart=always --name=registry registry')).code).toBe(0);
  return s;
}

describe('docker run -d -p 5000:5000 --name=registry registry (the course’s private registry)', () => {
  it('serves the API v2: /v2/ is {} with the version header; the catalog is empty; unknown names and tags are the registry’s errors', async () => {
    const s = await registry();
    const v2 = await s.curl('-si localhost:5000/v2/');
    // As the real registry sends it (recorded from Debian's 2.8.2): the handler's own Content-Length sorts first.
    expect(v2.out).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application\/json; charset=utf-8\r\nDocker-Distribution-Api-Version: registry\/2\.0\r\n/);
    expect(v2.out.endsWith('\r\n\r\n{}')).toBe(true);
    expect((await s.curl('-s localhost:5000/v2/_catalog')).out).toBe('{"repositories":[]}\n');
    expect((await s.curl('-s localhost:5000/v2/nginx/tags/list')).out).toBe('{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"nginx"}}]}\n');
    expect((await s.curl('-s localhost:5000/v2/nginx/manifests/latest')).out).toBe('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"latest"}}]}\n');
    expect((await s.curl('-s -o /dev/null -f localhost:5000/v2/nginx/manifests/latest')).code).toBe(22);
  });

  it('reads what is stored under /var/lib/registry, in the registry’s own layout', async () => {
    const s = await registry();
    const v2 = '/var/lib/registry/docker/registry/v2';
    const digest = 'sha256:' + 'a'.repeat(64);
    await s.run(`docker exec registry sh -c "mkdir -p ${v2}/repositories/library/app/_manifests/tags/v1/current && echo ${digest} > ${v2}/repositories/library/app/_manifests/tags/v1/current/link && mkdir -p ${v2}/blobs/sha256/aa/${'a'.repeat(64)} && echo '{\\"mediaType\\": \\"application/vnd.docker.distribution.manifest.v2+json\\"}' > ${v2}/blobs/sha256/aa/${'a'.repeat(64)}/data"`);
    expect((await s.curl('-s localhost:5000/v2/_catalog')).out).toBe('{"repositories":["library/app"]}\n');
    expect((await s.curl('-s localhost:5000/v2/library/app/tags/list')).out).toBe('{"name":"library/app","tags":["v1"]}\n');
    expect((await s.curl('-si localhost:5000/v2/library/app/manifests/v1')).out).toContain(`Docker-Content-Digest: ${digest}\r\n`);
  });

  it('logs logrus lines on stderr, one access line a request on stdout, and ends with status 2 on docker stop', async () => {
    const s = await registry();
    await s.curl('-s localhost:5000/v2/');
    const logs = await s.logs('registry');
    expect(logs.err).toMatch(/^time="2026-01-01T00:00:00Z" level=warning msg="No HTTP secret provided - generated random secret\./);
    expect(logs.err).toContain('level=info msg="listening on [::]:5000" go.version=go1.20.8 instance.id=');
    expect(logs.out).toBe('172.17.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET /v2/ HTTP/1.1" 200 2 "" "curl/7.88.1"\n');
    await s.run('docker stop registry');
    expect((await s.run('docker ps -a --format {{.Status}}')).out).toMatch(/^Exited \(2\) /);
  });
});

describe('the registry’s write side (blob uploads and manifest PUTs)', () => {
  async function endpoint(): Promise<{ s: ServiceSession; ep: Endpoint }> {
    const s = await registry();
    return { s, ep: resolveEndpoint(s.d.engine.services, 'localhost:5000') };
  }

  it('commits an upload only when the digest matches its data, and stores it where the read side serves it', async () => {
    const { s, ep } = await endpoint();
    const d = s.d.engine.services;
    const post = await s.d.until(registryRequest(d, ep, 'POST', '/v2/app/blobs/uploads/', ''));
    expect(post.status).toBe(202);
    const location = post.headers.get('location')!;
    expect(location).toMatch(/^\/v2\/app\/blobs\/uploads\/[0-9a-f-]{36}$/);
    expect((await s.d.until(registryRequest(d, ep, 'PATCH', location, 'hello'))).headers.get('range')).toBe('0-4');
    const wrong = await s.d.until(registryRequest(d, ep, 'PUT', `${location}?digest=sha256:${'0'.repeat(64)}`, ''));
    expect([wrong.status, wrong.body]).toEqual([400, '{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content","detail":null}]}\n']);
    const digest = `sha256:${sha256Hex('hello')}`;
    const put = await s.d.until(registryRequest(d, ep, 'PUT', `${location}?digest=${digest}`, ''));
    expect([put.status, put.headers.get('docker-content-digest')]).toEqual([201, digest]);
    expect((await s.curl(`-s localhost:5000/v2/app/blobs/${digest}`)).out).toBe('hello');
    // The upload is gone once committed.
    expect((await s.d.until(registryRequest(d, ep, 'PATCH', location, 'more'))).status).toBe(404);
  });

  it('refuses a manifest naming a blob it does not have; stores one that names only blobs it has', async () => {
    const { s, ep } = await endpoint();
    const d = s.d.engine.services;
    const missing = `sha256:${'b'.repeat(64)}`;
    const bad = await s.d.until(registryRequest(d, ep, 'PUT', '/v2/app/manifests/v1', JSON.stringify({ schemaVersion: 2, config: { digest: missing }, layers: [] })));
    expect([bad.status, bad.body]).toEqual([400, `{"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"${missing}"}]}\n`]);
    const ok = await s.d.until(registryRequest(d, ep, 'PUT', '/v2/app/manifests/v1', JSON.stringify({ schemaVersion: 2, layers: [] })));
    expect(ok.status).toBe(201);
    expect((await s.curl('-s localhost:5000/v2/app/tags/list')).out).toBe('{"name":"app","tags":["v1"]}\n');
  });
});
