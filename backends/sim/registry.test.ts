import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';
import { run } from './testRun';

/** The course's private-registry lesson typed into the simulated host's shell. */

describe('a private registry on the simulated host', () => {
  it('docker tag + push fill the registry that curl lists; rmi + pull bring the image back', async () => {
    const host = new SimHost({ seed: 'registry-lesson', yieldToEventLoop: () => yieldImmediate() });
    expect((await run(host, 'docker run -d -p 5000:5000 --restart=always --name registry registry')).exit).toBe(0);
    expect((await run(host, 'docker pull busybox')).exit).toBe(0);
    expect((await run(host, 'docker tag busybox localhost:5000/busybox')).exit).toBe(0);
    const push = await run(host, 'docker push localhost:5000/busybox');
    expect(push.exit).toBe(0);
    expect(push.out).toMatch(/^Using default tag: latest\nThe push refers to repository \[localhost:5000\/busybox\]\n[0-9a-f]{12}: Preparing\n[0-9a-f]{12}: Pushed\nlatest: digest: sha256:[0-9a-f]{64} size: \d+\n$/);
    expect((await run(host, 'curl -s localhost:5000/v2/_catalog')).out).toBe('{"repositories":["busybox"]}\n');
    expect((await run(host, 'curl -s localhost:5000/v2/busybox/tags/list')).out).toBe('{"name":"busybox","tags":["latest"]}\n');
    expect((await run(host, 'docker rmi localhost:5000/busybox')).exit).toBe(0);
    const pull = await run(host, 'docker pull localhost:5000/busybox');
    expect(pull.out).toMatch(/^Using default tag: latest\nlatest: Pulling from busybox\nDigest: sha256:[0-9a-f]{64}\n/);
    expect(pull.out.endsWith('Status: Downloaded newer image for localhost:5000/busybox:latest\nlocalhost:5000/busybox:latest\n')).toBe(true);
  });

  it('docker login keeps the credentials in ~/.docker/config.json; docker logout removes them', async () => {
    const host = new SimHost({ seed: 'registry-login', yieldToEventLoop: () => yieldImmediate() });
    const login = await run(host, 'echo secret | docker login -u student --password-stdin');
    expect(login).toMatchObject({ out: 'Login Succeeded\n', exit: 0 });
    expect(login.err).toContain("WARNING! Your credentials are stored unencrypted in '/root/.docker/config.json'.");
    expect((await run(host, 'cat /root/.docker/config.json')).out).toContain('"https://index.docker.io/v1/": {\n\t\t\t"auth": "c3R1ZGVudDpzZWNyZXQ="');
    expect((await run(host, 'docker logout')).out).toBe('Removing login credentials for https://index.docker.io/v1/\n');
    expect((await run(host, 'cat /root/.docker/config.json')).out).not.toContain('auth"');
  });

  it('docker search lists the simulated Hub', async () => {
    const host = new SimHost({ seed: 'registry-search', yieldToEventLoop: () => yieldImmediate() });
    const r = await run(host, 'docker search --filter is-official=true --limit 3 --format "{{.Name}} {{.IsOfficial}}" a');
    expect(r).toEqual({ out: 'nginx [OK]\nubuntu [OK]\nmysql [OK]\n', err: '', exit: 0 });
  });

  it('docker run and docker create pull a private registry’s image that is not local, with Docker’s lines', async () => {
    const host = new SimHost({ seed: 'registry-run', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run -d -p 5000:5000 --name registry registry:2');
    await run(host, 'docker pull busybox');
    await run(host, 'docker tag busybox localhost:5000/tools');
    expect((await run(host, 'docker push localhost:5000/tools')).exit).toBe(0);
    await run(host, 'docker rmi localhost:5000/tools');
    const r = await run(host, 'docker run --rm localhost:5000/tools echo hi');
    expect(r.out).toBe('hi\n');
    expect(r.err).toMatch(/^Unable to find image 'localhost:5000\/tools:latest' locally\nlatest: Pulling from tools\nDigest: sha256:[0-9a-f]{64}\nStatus: Downloaded newer image for localhost:5000\/tools:latest\n$/);
    await run(host, 'docker rmi localhost:5000/tools');
    const c = await run(host, 'docker create --name c1 localhost:5000/tools');
    expect(c.exit).toBe(0);
    expect(c.out).toMatch(/^[0-9a-f]{64}\n$/);
    expect(c.err).toContain("Unable to find image 'localhost:5000/tools:latest' locally\n");
    expect((await run(host, 'docker images --format {{.Repository}}:{{.Tag}} localhost:5000/tools')).out).toBe('localhost:5000/tools:latest\n');
  });

  it('docker run of a private registry’s image fails with the daemon’s text: registry down, unknown repository', async () => {
    const host = new SimHost({ seed: 'registry-run-errors', yieldToEventLoop: () => yieldImmediate() });
    const down = await run(host, 'docker run localhost:5000/app');
    expect(down).toEqual({
      out: '',
      err: 'Unable to find image \'localhost:5000/app:latest\' locally\ndocker: Error response from daemon: Get "http://localhost:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused\n\nRun \'docker run --help\' for more information\n',
      exit: 125,
    });
    const created = await run(host, 'docker create localhost:5000/app');
    expect(created.exit).toBe(1);
    expect(created.err).toBe('Unable to find image \'localhost:5000/app:latest\' locally\nError response from daemon: Get "http://localhost:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused\n');
    await run(host, 'docker run -d -p 5000:5000 --name registry registry:2');
    const unknown = await run(host, 'docker run localhost:5000/app:v1');
    expect(unknown.err).toBe("Unable to find image 'localhost:5000/app:v1' locally\ndocker: Error response from daemon: manifest for localhost:5000/app:v1 not found: manifest unknown: manifest unknown\n\nRun 'docker run --help' for more information\n");
    expect(unknown.exit).toBe(125);
  });

  it('a registry with htpasswd auth (the docs’ recipe): 401 until docker login, then push and pull; logout forgets', async () => {
    const host = new SimHost({ seed: 'registry-auth', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'mkdir auth');
    const made = await run(host, 'docker run --entrypoint htpasswd httpd:2 -Bbn testuser testpassword > auth/htpasswd');
    expect(made.exit).toBe(0);
    expect((await run(host, 'cat auth/htpasswd')).out).toMatch(/^testuser:\$2y\$05\$[./A-Za-z0-9]{53}\n\n$/);
    const started = await run(host, 'docker run -d -p 5000:5000 --name registry -v "$(pwd)"/auth:/auth -e REGISTRY_AUTH=htpasswd -e "REGISTRY_AUTH_HTPASSWD_REALM=Registry Realm" -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd registry:2');
    expect(started.exit).toBe(0);
    // The registry's answers to curl, as recorded from the real one.
    const anonymous = await run(host, 'curl -si localhost:5000/v2/_catalog');
    expect(anonymous.out).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\nContent-Type: application\/json; charset=utf-8\r\nDocker-Distribution-Api-Version: registry\/2\.0\r\nWww-Authenticate: Basic realm="Registry Realm"\r\nX-Content-Type-Options: nosniff\r\nDate: [^\r]+\r\nContent-Length: 145\r\n\r\n/);
    expect(anonymous.out.endsWith('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"registry","Class":"","Name":"catalog","Action":"*"}]}]}\n')).toBe(true);
    expect((await run(host, 'curl -s localhost:5000/v2/')).out).toBe('{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}\n');
    expect((await run(host, 'curl -s -u testuser:wrong localhost:5000/v2/_catalog')).out).toContain('"code":"UNAUTHORIZED"');
    expect((await run(host, 'curl -s -u testuser:testpassword localhost:5000/v2/_catalog')).out).toBe('{"repositories":[]}\n');
    await run(host, 'docker pull busybox');
    await run(host, 'docker tag busybox localhost:5000/busybox');
    const denied = await run(host, 'docker push localhost:5000/busybox');
    expect(denied.exit).toBe(1);
    expect(denied.out).toMatch(/^Using default tag: latest\nThe push refers to repository \[localhost:5000\/busybox\]\n[0-9a-f]{12}: Preparing\n$/);
    expect(denied.err).toBe('no basic auth credentials\n');
    expect(await run(host, 'docker pull localhost:5000/busybox:v1')).toEqual({ out: '', err: 'Error response from daemon: Head "http://localhost:5000/v2/busybox/manifests/v1": no basic auth credentials\n', exit: 1 });
    expect(await run(host, 'docker login localhost:5000 -u testuser -p wrong')).toEqual({
      out: '',
      err: 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nError response from daemon: login attempt to http://localhost:5000/v2/ failed with status: 401 Unauthorized\n',
      exit: 1,
    });
    const login = await run(host, 'docker login localhost:5000 -u testuser -p testpassword');
    expect(login.out).toBe('Login Succeeded\n');
    expect(login.err.startsWith('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n')).toBe(true);
    expect((await run(host, 'cat /root/.docker/config.json')).out).toBe('{\n\t"auths": {\n\t\t"localhost:5000": {\n\t\t\t"auth": "dGVzdHVzZXI6dGVzdHBhc3N3b3Jk"\n\t\t}\n\t}\n}');
    expect((await run(host, 'docker push localhost:5000/busybox')).exit).toBe(0);
    expect((await run(host, 'curl -s -u testuser:testpassword localhost:5000/v2/_catalog')).out).toBe('{"repositories":["busybox"]}\n');
    await run(host, 'docker rmi localhost:5000/busybox');
    expect((await run(host, 'docker run --rm localhost:5000/busybox true')).exit).toBe(0);
    expect((await run(host, 'docker logout localhost:5000')).out).toBe('Removing login credentials for localhost:5000\n');
    await run(host, 'docker rmi localhost:5000/busybox');
    expect((await run(host, 'docker pull localhost:5000/busybox')).err).toContain('no basic auth credentials');
    // --password-stdin logs in the same way.
    expect((await run(host, 'echo testpassword | docker login localhost:5000 -u testuser --password-stdin')).out).toBe('Login Succeeded\n');
    // Again without -u: the stored credentials are tried, as recorded with the real client (no terminal here).
    const again = await run(host, 'docker login localhost:5000');
    expect(again).toEqual({
      out: 'Login Succeeded\n',
      err: "Authenticating with existing credentials... [Username: testuser]\n\n Info -> To login with a different account, run 'docker logout' followed by 'docker login'\n\n\n",
      exit: 0,
    });
    await run(host, `printf '{"auths": {"localhost:5000": {"auth": "dGVzdHVzZXI6YmFk"}}}' > /root/.docker/config.json`);
    const bad = await run(host, 'docker login localhost:5000');
    expect(bad.exit).toBe(1);
    expect(bad.err.endsWith("\n\n\nLogin did not succeed, error: Error response from daemon: login attempt to http://localhost:5000/v2/ failed with status: 401 Unauthorized\nError: Cannot perform an interactive login from a non TTY device\n")).toBe(true);
    const logs = await run(host, 'docker logs registry');
    expect(logs.err).toContain('level=warning msg="error authorizing context: basic authentication challenge for realm \\"Registry Realm\\": invalid authorization credential" go.version=go1.20.8 http.request.host="localhost:5000"');
    expect(logs.err).toContain('level=error msg="error authenticating user \\"testuser\\": authentication failure"');
  });

  it('an auth section in config.yml works as the environment does; a missing realm stops the registry', async () => {
    const host = new SimHost({ seed: 'registry-auth-config', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run --rm -v /srv/auth:/auth --entrypoint htpasswd httpd:2 -Bbc /auth/htpasswd alice pw');
    await run(host, "printf 'version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: /var/lib/registry\nhttp:\n  addr: :5000\nauth:\n  htpasswd:\n    realm: basic-realm\n    path: /auth/htpasswd\n' > /srv/config.yml");
    await run(host, 'docker run -d -p 5000:5000 --name reg -v /srv/auth:/auth -v /srv/config.yml:/etc/docker/registry/config.yml registry:2');
    expect((await run(host, 'curl -si localhost:5000/v2/')).out).toContain('Www-Authenticate: Basic realm="basic-realm"\r\n');
    expect((await run(host, 'curl -s -u alice:pw localhost:5000/v2/')).out).toBe('{}');
    const bad = await run(host, 'docker run --name reg2 -e REGISTRY_AUTH=htpasswd -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd registry:2');
    expect(bad.err).toContain('level=info msg="using inmemory blob descriptor cache"');
    expect(bad.err).toContain('\npanic: unable to configure authorization (htpasswd): "realm" must be set for htpasswd access controller\n\ngoroutine 1 [running]:\n');
    expect(bad.err).not.toContain('listening on');
    expect(bad.exit).toBe(2);
    // Without the file, the registry writes one for the user "docker" and logs its password, as distribution 2.8 does.
    await run(host, 'docker run -d -p 5001:5000 --name reg3 -e REGISTRY_AUTH=htpasswd -e REGISTRY_AUTH_HTPASSWD_REALM=r -e REGISTRY_AUTH_HTPASSWD_PATH=/auth/htpasswd registry:2');
    const provisioned = /msg="htpasswd is missing, provisioning with default user" go\.version=go1\.20\.8 password=([A-Za-z0-9_-]{43}) user=docker\n/.exec((await run(host, 'docker logs reg3')).err);
    expect(provisioned).not.toBeNull();
    expect((await run(host, `curl -s -u docker:${provisioned![1]!} localhost:5001/v2/`)).out).toBe('{}');
  });

  it('a registry killed while a push runs: the layer is retried as dockerd does, then the push fails; the volume keeps the data across docker rm -f', async () => {
    const host = new SimHost({ seed: 'registry-kill', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run -d -p 5000:5000 --name registry -v regdata:/var/lib/registry registry:2');
    await run(host, 'docker pull busybox');
    await run(host, 'docker tag busybox localhost:5000/bb');
    const killed = await run(host, 'docker push localhost:5000/bb & docker kill registry; wait');
    const lines = killed.out.split('\n');
    expect(lines.filter((l) => / Retrying in \d+ seconds?$/.test(l)).length).toBe(50);
    expect(lines).toContain('registry');
    expect(killed.err).toBe('dial tcp 127.0.0.1:5000: connect: connection refused\n');
    expect((await run(host, 'docker start registry')).exit).toBe(0);
    expect((await run(host, 'docker push localhost:5000/bb')).exit).toBe(0);
    expect((await run(host, 'docker rm -f registry')).exit).toBe(0);
    await run(host, 'docker run -d -p 5000:5000 --name registry -v regdata:/var/lib/registry registry:2');
    expect((await run(host, 'curl -s localhost:5000/v2/_catalog')).out).toBe('{"repositories":["bb"]}\n');
    await run(host, 'docker rmi localhost:5000/bb');
    expect((await run(host, 'docker pull -q localhost:5000/bb')).out).toBe('localhost:5000/bb:latest\n');
  });

  it('docker push to a host that does not resolve, or where no registry listens, fails after its first lines', async () => {
    const host = new SimHost({ seed: 'registry-push-errors', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker pull busybox');
    await run(host, 'docker tag busybox nosuchhost:5000/x');
    expect(await run(host, 'docker push nosuchhost:5000/x')).toEqual({ out: 'Using default tag: latest\nThe push refers to repository [nosuchhost:5000/x]\n', err: 'Get "https://nosuchhost:5000/v2/": dial tcp: lookup nosuchhost: no such host\n', exit: 1 });
    await run(host, 'docker tag busybox localhost:5999/x');
    // Recorded from dockerd 20.10 with nothing on the port.
    expect(await run(host, 'docker push localhost:5999/x')).toEqual({ out: 'Using default tag: latest\nThe push refers to repository [localhost:5999/x]\n', err: 'Get "http://localhost:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused\n', exit: 1 });
  });

  it('registry-mirrors in daemon.json: docker info lists them; a Hub pull goes through a pull-through cache, whose catalog then holds the repository', async () => {
    const host = new SimHost({ seed: 'registry-mirror', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'mkdir -p /etc/docker');
    await run(host, `echo '{"registry-mirrors": ["http://localhost:5000"]}' > /etc/docker/daemon.json`);
    expect((await run(host, 'systemctl restart docker')).exit).toBe(0);
    expect((await run(host, 'docker info')).out).toContain('\n Registry Mirrors:\n  http://localhost:5000/\n');
    // The mirror is not up yet: its own image comes from the Hub, after dockerd logs the failed endpoint.
    expect((await run(host, 'docker run -d -p 5000:5000 --restart=always --name mirror -e REGISTRY_PROXY_REMOTEURL=https://registry-1.docker.io registry:2')).exit).toBe(0);
    const journal = (await run(host, 'journalctl -u docker')).out;
    expect(journal).toContain('level=warning msg="Error getting v2 registry: Get \\"http://localhost:5000/v2/\\": dial tcp 127.0.0.1:5000: connect: connection refused"');
    expect(journal).toContain('level=info msg="Attempting next endpoint for pull after error: Get \\"http://localhost:5000/v2/\\": dial tcp 127.0.0.1:5000: connect: connection refused"');
    expect((await run(host, 'docker logs mirror')).err).toContain('level=info msg="Registry configured as a proxy cache to https://registry-1.docker.io"');
    const pulled = await run(host, 'docker pull busybox');
    expect(pulled.exit).toBe(0);
    expect(pulled.out).toMatch(/^Using default tag: latest\nlatest: Pulling from library\/busybox\n[0-9a-f]{12}: Pulling fs layer\n/);
    expect(pulled.out.endsWith('Status: Downloaded newer image for busybox:latest\ndocker.io/library/busybox:latest\n')).toBe(true);
    expect((await run(host, 'curl -s localhost:5000/v2/_catalog')).out).toBe('{"repositories":["library/busybox"]}\n');
    expect((await run(host, 'docker logs mirror')).out).toContain('"GET /v2/library/busybox/manifests/sha256:');
    // The image is the Hub's: the same id as a direct pull gives.
    const direct = new SimHost({ seed: 'registry-mirror-direct', yieldToEventLoop: () => yieldImmediate() });
    await run(direct, 'docker pull busybox');
    const id = (h: SimHost): Promise<string> => run(h, 'docker images -q busybox').then((r) => r.out);
    expect(await id(host)).toBe(await id(direct));
    expect((await run(host, 'docker run --rm alpine true')).exit).toBe(0);
    expect((await run(host, 'curl -s localhost:5000/v2/_catalog')).out).toBe('{"repositories":["library/alpine","library/busybox"]}\n');
    // A tag the Hub lacks: the mirror has none either, and the Hub's answer is the error.
    expect(await run(host, 'docker pull busybox:nosuch')).toEqual({ out: '', err: 'Error response from daemon: manifest for busybox:nosuch not found: manifest unknown: manifest unknown\n', exit: 1 });
    // A pull-through cache takes no pushes.
    await run(host, 'docker tag busybox localhost:5000/mine');
    expect((await run(host, 'docker push localhost:5000/mine')).err).toBe('unsupported: The operation is unsupported.\n');
    // Down again: dockerd falls back to the Hub.
    await run(host, 'docker stop mirror');
    await run(host, 'docker rmi busybox');
    expect((await run(host, 'docker pull -q busybox')).out).toBe('docker.io/library/busybox:latest\n');
  });

  it('the same layers pushed to another repository of the registry are mounted from the first, not uploaded; a repository serves only its own blobs', async () => {
    const host = new SimHost({ seed: 'registry-mount', yieldToEventLoop: () => yieldImmediate() });
    await run(host, 'docker run -d -p 5000:5000 --name registry registry:2');
    await run(host, 'docker pull busybox');
    await run(host, 'docker tag busybox localhost:5000/first');
    await run(host, 'docker tag busybox localhost:5000/second');
    const first = await run(host, 'docker push localhost:5000/first');
    const layer = /^([0-9a-f]{12}): Pushed$/m.exec(first.out)![1]!;
    // As recorded with Debian's registry and dockerd 20.10.
    expect((await run(host, 'docker push localhost:5000/second')).out).toContain(`\n${layer}: Mounted from first\n`);
    const manifest = (await run(host, 'curl -s localhost:5000/v2/first/manifests/latest')).out;
    const blob = /"digest": "(sha256:[0-9a-f]{64})"\s*}\s*]/.exec(manifest)![1]!;
    expect((await run(host, `curl -s -o /dev/null -f localhost:5000/v2/second/blobs/${blob}`)).exit).toBe(0);
    expect((await run(host, `curl -s localhost:5000/v2/third/blobs/${blob}`)).out).toBe(`{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry","detail":"${blob}"}]}\n`);
  });
});
