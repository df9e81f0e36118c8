import { describe, expect, it } from 'vitest';
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
    expect(v2.out).toMatch(/^HTTP\/1\.1 200 OK\r\nContent-Type: application\/json; charset=utf-8\r\nDocker-Distribution-Api-Version: registry\/2\.0\r\n/);
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
