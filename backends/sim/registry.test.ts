import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';

/** The course's private-registry lesson typed into the simulated host's shell. */

async function run(host: SimHost, line: string): Promise<{ out: string; err: string; exit: number }> {
  let out = '';
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { out, err, exit };
}

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
});
