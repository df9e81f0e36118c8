import { describe, expect, it } from 'vitest';
import { setImmediate as yieldImmediate } from 'node:timers/promises';
import { SimHost } from './simHost';

/**
 * The course notes' `docker run … training/webapp python app.py` on the
 * simulated host, end to end: training/webapp is a schema 1 image, which
 * Docker 28 no longer pulls, so the run stops at the pull — before the
 * container (and the bind mount's host directory) is made.
 */

async function run(host: SimHost, line: string): Promise<{ out: string; err: string; exit: number }> {
  let out = '';
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { out, err, exit };
}

describe('the course’s training/webapp line on the simulated host', () => {
  it('fails at the pull with Docker 28’s schema 1 error: exit 125, no container, no /src/webapp', async () => {
    const host = new SimHost({ seed: 'webapp', preload: ['busybox:latest'], yieldToEventLoop: () => yieldImmediate() });
    const r = await run(host, 'docker run -d -p 88:80 --name web -v /src/webapp:/opt/webapp training/webapp python app.py');
    expect(r.exit).toBe(125);
    expect(r.out).toBe('');
    expect(r.err.split('\n').slice(0, 3)).toEqual([
      "Unable to find image 'training/webapp:latest' locally",
      'latest: Pulling from training/webapp',
      'docker: Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. Suggest the author of docker.io/training/webapp:latest to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/',
    ]);
    expect((await run(host, 'docker ps -a --format {{.Names}}')).out).toBe('');
    expect((await run(host, 'ls -d /src/webapp')).exit).not.toBe(0);
    // An image that pulls makes the bind mount's missing host directory, as Docker does for -v.
    expect((await run(host, 'docker run -d --name web -v /src/webapp:/opt/webapp busybox sleep 60')).exit).toBe(0);
    expect(await run(host, 'ls -d /src/webapp')).toEqual({ out: '/src/webapp\n', err: '', exit: 0 });
  });
});

describe('a build FROM training/webapp (the legacy builder)', () => {
  it('shows the step and "Pulling from", then the schema 1 error as the stream carries it: exit 1', async () => {
    const host = new SimHost({ seed: 'webapp-build', preload: ['busybox:latest'], yieldToEventLoop: () => yieldImmediate() });
    expect((await run(host, "mkdir /ctx && echo 'FROM training/webapp' > /ctx/Dockerfile")).exit).toBe(0);
    const r = await run(host, 'cd /ctx && docker build -t mine .');
    expect(r.exit).toBe(1);
    expect(r.out).toContain('Step 1/1 : FROM training/webapp\nlatest: Pulling from training/webapp\n');
    // After the client's legacy-builder notice, the error alone: the daemon had begun its stream.
    expect(r.err).toMatch(/^DEPRECATED: The legacy builder is deprecated/);
    expect(r.err.split('\n').slice(-2)[0] + '\n').toBe(
      'Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. Suggest the author of docker.io/training/webapp:latest to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/\n',
    );
  });
});
