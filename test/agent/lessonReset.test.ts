import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { haveDocker } from '../support/requirements';
import { type TestAgent, connectClient, docker, dockerQuiet, run, startTestAgent, uniqueName, waitFor } from './support';

/**
 * A lesson's reset on a shared engine removes what this student's lesson made
 * (names with the suffix, containers this session's lines made without a
 * name) and nothing of anyone else's, then runs the lesson's set-up.
 */
describe.skipIf(!haveDocker())('agent: a lesson reset on a shared engine', () => {
  const suffix = randomBytes(3).toString('hex');
  const foreign = uniqueName('gb-lessonsreal-foreign');
  // Another student's container whose name only contains this suffix.
  const lookalike = `gb-lessonsreal-web-${suffix}x`;
  let t: TestAgent;
  let client: ReturnType<typeof connectClient>;

  beforeAll(async () => {
    docker('run', '-d', '--name', foreign, 'busybox', 'sleep', '300');
    docker('run', '-d', '--name', lookalike, 'busybox', 'sleep', '300');
    t = await startTestAgent();
    client = connectClient(t);
    await waitFor('the connection', () => client.events.some((e) => e.type === 'connection' && e.state === 'open'));
  });

  afterAll(async () => {
    dockerQuiet('rm', '-f', foreign, lookalike, `gb-lessonsreal-web-${suffix}`, `gb-lessonsreal-setup-${suffix}`);
    dockerQuiet('network', 'rm', `gb-lessonsreal-net-${suffix}`);
    dockerQuiet('volume', 'rm', `gb-lessonsreal-data-${suffix}`);
    dockerQuiet('rmi', `gb-lessonsreal-img-${suffix}:v1`);
    client?.close();
    await t?.close();
  });

  it("removes the lesson's containers, network, volume, image and unnamed containers, keeps everyone else's, and runs the set-up", async () => {
    const lines = [
      `docker run -d --name gb-lessonsreal-web-${suffix} busybox sleep 300`,
      `docker network create gb-lessonsreal-net-${suffix}`,
      `docker volume create gb-lessonsreal-data-${suffix}`,
      `docker tag busybox gb-lessonsreal-img-${suffix}:v1`,
      'docker run busybox true',
    ];
    for (const line of lines) expect((await run(client, line)).code, line).toBe(0);
    // The unnamed container, as the engine named it, is in the agent's view once its events are in.
    const unnamed = await waitFor('the unnamed container in a snapshot', async () => (await client.snapshot()).containers.find((c) => c.image === 'busybox' && c.command.join(' ') === 'true' && c.state === 'exited' && !c.name.startsWith('gb-'))?.name);
    expect(docker('ps', '-a', '--format', '{{.Names}}')).toContain(unnamed);

    const removed = await client.resetLesson({ suffix, setup: [`docker run -d --name gb-lessonsreal-setup-${suffix} busybox sleep 300`] });

    expect(removed.sort()).toEqual(
      [`container gb-lessonsreal-web-${suffix}`, `container ${unnamed}`, `network gb-lessonsreal-net-${suffix}`, `volume gb-lessonsreal-data-${suffix}`, `image gb-lessonsreal-img-${suffix}:v1`].sort(),
    );
    const names = docker('ps', '-a', '--format', '{{.Names}} {{.State}}');
    expect(names).toContain(`${foreign} running`);
    expect(names).toContain(`${lookalike} running`);
    expect(names).toContain(`gb-lessonsreal-setup-${suffix} running`);
    expect(names).not.toContain(`gb-lessonsreal-web-${suffix} `);
    expect(names).not.toContain(unnamed);
    expect(docker('network', 'ls', '--format', '{{.Name}}')).not.toContain(`gb-lessonsreal-net-${suffix}`);
    expect(docker('volume', 'ls', '--format', '{{.Name}}')).not.toContain(`gb-lessonsreal-data-${suffix}`);
    expect(docker('images', '--format', '{{.Repository}}')).not.toContain(`gb-lessonsreal-img-${suffix}`);
    expect(docker('image', 'inspect', '--format', '{{.Id}}', 'busybox:latest')).toMatch(/^sha256:/);
  });

  it('refuses a suffix that is not one lessons make, before the agent sees it', async () => {
    await expect(client.resetLesson({ suffix: '*', setup: [] })).rejects.toThrow('invalid lesson suffix "*"');
    await expect(client.resetLesson({ suffix: '', setup: [] })).rejects.toThrow('invalid lesson suffix ""');
  });
});
