import { describe, expect, it } from 'vitest';
import { pushImage } from '../../engine/registryPush';
import { InterruptSource } from '../../ports';
import { dockerCommand } from './index';
import { ServiceSession } from '../../services/testKit';
import { base64 } from '../../base64';
import { DOCKER_CONFIG } from './registry';

const WARNING = "\nWARNING! Your credentials are stored unencrypted in '/root/.docker/config.json'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n";

describe('base64', () => {
  it.each([
    ['user:pass', 'dXNlcjpwYXNz'],
    ['a:b', 'YTpi'],
    ['ab:c', 'YWI6Yw=='],
    ['é:x', 'w6k6eA=='],
  ])('%s → %s', (text, encoded) => expect(base64(text)).toBe(encoded));
});

describe('docker search', () => {
  it('prints the Hub’s matches in Docker 28’s columns, descriptions cut at 45 columns', async () => {
    const s = new ServiceSession('search');
    const r = await s.run('docker search nginx');
    expect(r).toEqual({ out: 'NAME      DESCRIPTION                STARS     OFFICIAL\nnginx     Official build of Nginx.   20900     [OK]\n', err: '', code: 0 });
    const u = await s.run('docker search ubuntu');
    expect(u.out.split('\n')[1]).toBe('ubuntu    Ubuntu is a Debian-based Linux operating sys…   17600     [OK]');
    expect((await s.run('docker search --no-trunc ubuntu')).out).toContain('Ubuntu is a Debian-based Linux operating system based on free software.');
  });

  it('applies --filter stars=N, --limit and --format; bad filters and limits are the daemon’s errors', async () => {
    const s = new ServiceSession('search');
    expect((await s.run('docker search --format {{.Name}} --filter stars=10000 a')).out).toBe('nginx\nubuntu\nmysql\nredis\nalpine\n');
    expect((await s.run('docker search --format {{.Name}}:{{.StarCount}} --limit 2 a')).out).toBe('nginx:20900\nubuntu:17600\n');
    expect((await s.run('docker search --filter is-official=false nginx')).out).toBe('NAME      DESCRIPTION   STARS     OFFICIAL\n');
    expect(await s.run('docker search --limit 101 nginx')).toEqual({ out: '', err: 'Error response from daemon: limit 101 is outside the range of [1, 100]\n', code: 1 });
    expect(await s.run('docker search --filter stars=x nginx')).toEqual({ out: '', err: "Error response from daemon: invalid filter 'stars=x'\n", code: 1 });
    expect(await s.run('docker search --filter color=red nginx')).toEqual({ out: '', err: "Error response from daemon: invalid filter 'color'\n", code: 1 });
    expect((await s.run('docker search -f foo nginx')).code).toBe(125);
    expect((await s.run('docker search')).err).toBe("docker: 'docker search' requires 1 argument\n\nUsage:  docker search [OPTIONS] TERM\n\nRun 'docker search --help' for more information\n");
  });
});

describe('docker login / docker logout', () => {
  it('logs in to the Hub with --password-stdin and writes ~/.docker/config.json as Docker does', async () => {
    const s = new ServiceSession('login');
    const r = await s.run('docker login -u alice --password-stdin', { stdin: 's3cret\n' });
    expect(r).toEqual({ out: 'Login Succeeded\n', err: WARNING, code: 0 });
    expect(s.fs.readFile(DOCKER_CONFIG)).toBe(`{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "${base64('alice:s3cret')}"\n\t\t}\n\t}\n}`);
    // Logging in again without -u uses the stored credentials (webLogin.test.ts has the whole output).
    expect((await s.run('docker login')).out).toBe('Login Succeeded\n');
    expect(await s.run('docker logout')).toEqual({ out: 'Removing login credentials for https://index.docker.io/v1/\n', err: '', code: 0 });
    expect(JSON.parse(s.fs.readFile(DOCKER_CONFIG))).toEqual({ auths: {} });
  });

  it('warns about -p, and refuses bad flag combinations with the client’s errors', async () => {
    const s = new ServiceSession('login');
    expect(await s.run('docker login -u a -p b --password-stdin')).toEqual({ out: '', err: 'conflicting options: cannot specify both --password and --password-stdin\n', code: 1 });
    expect(await s.run('docker login --password-stdin')).toEqual({ out: '', err: 'the --password-stdin option requires --username to be set\n', code: 1 });
    expect(await s.run('docker login')).toEqual({ out: '', err: 'Error: Cannot perform an interactive login from a non TTY device\n', code: 1 });
    expect(await s.run('docker login -u x --password-stdin', { stdin: '' })).toEqual({ out: '', err: 'Error: Cannot perform an interactive login from a non TTY device\n', code: 1 });
    expect((await s.run('docker login', { tty: true })).code).toBe(2);
    expect(await s.run('docker login -u bob -p pw')).toEqual({ out: 'Login Succeeded\n', err: 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n' + WARNING, code: 0 });
  });

  it('checks a private registry through the network: refused with nothing listening, accepted by registry:2 without auth', async () => {
    const s = new ServiceSession('login');
    expect(await s.run('docker login -u u -p p localhost:5000')).toEqual({
      out: '',
      err: 'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nError response from daemon: Get "http://localhost:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused\n',
      code: 1,
    });
    expect(s.fs.exists(DOCKER_CONFIG)).toBe(false);
    expect((await s.run('docker run -d -p 5000:5000 --name=registry registry')).code).toBe(0);
    const r = await s.run('docker login -u u --password-stdin localhost:5000', { stdin: 'p' });
    expect(r).toEqual({ out: 'Login Succeeded\n', err: WARNING, code: 0 });
    expect(JSON.parse(s.fs.readFile(DOCKER_CONFIG))).toEqual({ auths: { 'localhost:5000': { auth: base64('u:p') } } });
    // The registry saw the daemon's version check.
    expect((await s.logs('registry')).out).toContain('"GET /v2/ HTTP/1.1" 200 2 "" "docker/28.2.2');
    expect((await s.run('docker logout localhost:5000')).out).toBe('Removing login credentials for localhost:5000\n');
    expect(JSON.parse(s.fs.readFile(DOCKER_CONFIG))).toEqual({ auths: {} });
  });

  it('talks HTTPS to a registry outside insecure-registries, and cannot resolve unknown names', async () => {
    const s = new ServiceSession('login');
    expect((await s.run('docker run -d -p 5000:5000 --name=registry registry')).code).toBe(0);
    const host = await s.run('docker login -u u --password-stdin 10.0.2.15:5000', { stdin: 'p' });
    expect(host.err).toBe('Error response from daemon: Get "https://10.0.2.15:5000/v2/": http: server gave HTTP response to HTTPS client\n');
    const unknown = await s.run('docker login -u u --password-stdin myregistry.example:5000', { stdin: 'p' });
    expect(unknown.err).toBe('Error response from daemon: Get "https://myregistry.example:5000/v2/": dial tcp: lookup myregistry.example: no such host\n');
  });

});

describe('docker push to a registry:2 container', () => {
  async function withRegistry(): Promise<ServiceSession> {
    const s = new ServiceSession('push');
    expect((await s.run('docker run -d -p 5000:5000 --name=registry registry')).code).toBe(0);
    expect((await s.run('docker pull busybox')).code).toBe(0);
    expect((await s.run('docker tag busybox localhost:5000/busybox')).code).toBe(0);
    return s;
  }

  it('uploads the layers, config and manifest so the registry lists the repository and tag', async () => {
    const s = await withRegistry();
    const r = await s.run('docker push localhost:5000/busybox');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Using default tag: latest', 'The push refers to repository [localhost:5000/busybox]']);
    expect(lines[2]).toMatch(/^[0-9a-f]{12}: Preparing$/);
    const layer = lines[2]!.slice(0, 12);
    // Not on a terminal the client skips the progress-bar messages (Pushing): Preparing, then Pushed.
    expect(lines[3]).toBe(`${layer}: Pushed`);
    expect(lines[4]).toMatch(/^latest: digest: sha256:[0-9a-f]{64} size: \d+$/);
    expect((await s.curl('-s localhost:5000/v2/_catalog')).out).toBe('{"repositories":["busybox"]}\n');
    expect((await s.curl('-s localhost:5000/v2/busybox/tags/list')).out).toBe('{"name":"busybox","tags":["latest"]}\n');
    const digest = /digest: (sha256:[0-9a-f]{64}) size: (\d+)/.exec(r.out)!;
    const manifest = await s.curl('-s localhost:5000/v2/busybox/manifests/latest');
    expect(manifest.out.length).toBe(Number(digest[2]));
    expect(JSON.parse(manifest.out).layers).toHaveLength(1);
    expect((await s.curl('-si localhost:5000/v2/busybox/manifests/latest')).out).toContain(`Docker-Content-Digest: ${digest[1]}\r\n`);
    expect((await s.run("docker inspect --format '{{json .RepoDigests}}' localhost:5000/busybox")).out).toContain(`"localhost:5000/busybox@${digest[1]}"`);
    // A second push finds the layer there.
    const again = await s.run('docker push localhost:5000/busybox:latest');
    expect(again.out).toContain(`${layer}: Layer already exists\n`);
    expect(again.out).toContain(`latest: digest: ${digest[1]} size: ${digest[2]}\n`);
    // The registry's access log shows the daemon's upload requests.
    const log = (await s.logs('registry')).out;
    expect(log).toContain('"POST /v2/busybox/blobs/uploads/ HTTP/1.1" 202');
    expect(log).toContain('"PUT /v2/busybox/manifests/latest HTTP/1.1" 201');
  });

  it('fails with Docker’s errors: nothing listening, no such local image, a host outside insecure-registries', async () => {
    const s = new ServiceSession('push');
    expect((await s.run('docker pull busybox')).code).toBe(0);
    expect((await s.run('docker tag busybox localhost:5000/busybox')).code).toBe(0);
    expect(await s.run('docker push localhost:5000/busybox')).toEqual({
      out: 'Using default tag: latest\nThe push refers to repository [localhost:5000/busybox]\n',
      err: 'Get "http://localhost:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused\n',
      code: 1,
    });
    expect(await s.run('docker push localhost:5000/nothing')).toEqual({
      out: 'Using default tag: latest\nThe push refers to repository [localhost:5000/nothing]\n',
      err: 'An image does not exist locally with the tag: localhost:5000/nothing\n',
      code: 1,
    });
    expect((await s.run('docker run -d -p 5000:5000 --name=registry registry')).code).toBe(0);
    expect((await s.run('docker tag busybox 10.0.2.15:5000/busybox')).code).toBe(0);
    expect((await s.run('docker push 10.0.2.15:5000/busybox')).err).toBe('Get "https://10.0.2.15:5000/v2/": http: server gave HTTP response to HTTPS client\n');
    expect((await s.run('docker push busybox')).code).toBe(2);
  });

  it('docker pull brings a pushed image back after docker rmi: the local image found again, the same id', async () => {
    const s = await withRegistry();
    const id = (await s.run('docker images -q localhost:5000/busybox')).out;
    expect((await s.run('docker push localhost:5000/busybox')).code).toBe(0);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec((await s.run('docker push localhost:5000/busybox')).out)![1]!;
    expect((await s.run('docker rmi localhost:5000/busybox')).out).toBe(`Untagged: localhost:5000/busybox:latest\nUntagged: localhost:5000/busybox@${digest}\n`);
    const r = await s.run('docker pull localhost:5000/busybox');
    expect(r.err).toBe('');
    const lines = r.out.split('\n');
    // The image (busybox) is still there under its other tag: no layer lines at all, as a real
    // dockerd 20.10 against distribution 2.8.2 prints it; the tag was gone, so the image is "newer".
    expect(lines.slice(0, 2)).toEqual(['Using default tag: latest', 'latest: Pulling from busybox']);
    expect(lines[2]).toMatch(/^Digest: sha256:[0-9a-f]{64}$/);
    expect(lines.slice(3)).toEqual(['Status: Downloaded newer image for localhost:5000/busybox:latest', 'localhost:5000/busybox:latest', '']);
    expect((await s.run('docker images -q localhost:5000/busybox')).out).toBe(id);
    // Again: the tag names that image already.
    expect((await s.run('docker pull localhost:5000/busybox')).out).toContain('Status: Image is up to date for localhost:5000/busybox:latest\n');
  });

  it('docker pull downloads the layers when no local image has them, and the image runs', async () => {
    const s = await withRegistry();
    expect((await s.run('docker push localhost:5000/busybox')).code).toBe(0);
    expect((await s.run('docker rmi busybox localhost:5000/busybox')).code).toBe(0);
    expect((await s.run('docker images -q busybox')).out).toBe('');
    const r = await s.run('docker pull localhost:5000/busybox');
    const layer = /\n([0-9a-f]{12}): Pulling fs layer\n/.exec(r.out)?.[1];
    expect(layer).toBeDefined();
    expect(r.out).toContain(`${layer}: Verifying Checksum\n${layer}: Download complete\n${layer}: Pull complete\n`);
    expect(r.out).toContain('Status: Downloaded newer image for localhost:5000/busybox:latest\nlocalhost:5000/busybox:latest\n');
    expect(await s.run('docker run --rm localhost:5000/busybox echo hello from the registry')).toEqual({ out: 'hello from the registry\n', err: '', code: 0 });
  });

  it('docker pull of an image whose base layer is local: Already exists for it, the new layer downloaded', async () => {
    const s = await withRegistry();
    expect((await s.run("docker run --name maker busybox sh -c 'echo hi > /hello'")).err).toBe('');
    expect((await s.run('docker commit maker localhost:5000/app:v1')).code).toBe(0);
    expect((await s.run('docker push localhost:5000/app:v1')).code).toBe(0);
    expect((await s.run('docker rm maker')).code).toBe(0);
    expect((await s.run('docker rmi localhost:5000/app:v1')).code).toBe(0);
    const r = await s.run('docker pull localhost:5000/app:v1');
    expect(r.out).toMatch(/^v1: Pulling from app\n[0-9a-f]{12}: Already exists\n([0-9a-f]{12}): Pulling fs layer\n\1: Verifying Checksum\n\1: Download complete\n\1: Pull complete\nDigest: sha256:[0-9a-f]{64}\nStatus: Downloaded newer image for localhost:5000\/app:v1\nlocalhost:5000\/app:v1\n$/);
    expect((await s.run('docker run --rm localhost:5000/app:v1 cat /hello')).out).toBe('hi\n');
  });

  it('docker pull of a tag the registry does not have, and from a registry that is not running', async () => {
    const s = await withRegistry();
    expect(await s.run('docker pull localhost:5000/nothing:v1')).toEqual({ out: '', err: 'Error response from daemon: manifest for localhost:5000/nothing:v1 not found: manifest unknown: manifest unknown\n', code: 1 });
    expect(await s.run('docker pull localhost:5001/busybox:v1')).toEqual({ out: '', err: 'Error response from daemon: Get "http://localhost:5001/v2/": dial tcp 127.0.0.1:5001: connect: connection refused\n', code: 1 });
  });
});

describe('a registry killed in the middle of a push', () => {
  it('retries the layer as dockerd does, then fails with the connection error; the layers already stored stay, so the next push finds them', async () => {
    const s = new ServiceSession('push-kill');
    expect((await s.run('docker run -d -p 5000:5000 -v regdata:/var/lib/registry --name=registry registry')).code).toBe(0);
    expect((await s.run('docker tag registry localhost:5000/myregistry')).code).toBe(0);
    const ref = { domain: 'localhost:5000', path: 'myregistry', tag: 'latest' };
    const messages: string[] = [];
    let pushing = 0;
    const failed = await s.d.until(
      pushImage(
        s.d.engine.services,
        ref,
        (m) => messages.push(`${m.id ?? ''}: ${m.status}`),
        () => {
          // The first layer is stored; the registry dies as the second one's upload starts.
          if (++pushing === 2) s.d.engine.kill('registry');
        },
      ).then(
        () => '',
        (e: Error) => e.message,
      ),
    );
    // As recorded from dockerd 20.10 with Debian's registry killed mid-push: four waits counted down (5, 10, 15,
    // 20 s), then the fifth attempt's cause alone.
    expect(failed).toBe('dial tcp 127.0.0.1:5000: connect: connection refused');
    const second = messages[messages.findIndex((m) => m.endsWith(': Pushed')) + 1]!.slice(0, 12);
    const retries = messages.filter((m) => m.includes('Retrying'));
    expect(retries.length).toBe(5 + 10 + 15 + 20);
    expect(retries.slice(0, 6)).toEqual([5, 4, 3, 2, 1, 10].map((n) => `${second}: Retrying in ${n} second${n === 1 ? '' : 's'}`));
    const first = messages.find((m) => m.endsWith(': Pushed'))!.slice(0, 12);
    expect((await s.run('docker start registry')).code).toBe(0);
    const again = await s.run('docker push localhost:5000/myregistry');
    expect(again.code).toBe(0);
    expect(again.out).toContain(`${first}: Layer already exists\n`);
    expect((await s.curl('-s localhost:5000/v2/myregistry/tags/list')).out).toBe('{"name":"myregistry","tags":["latest"]}\n');
  });
});

describe('docker login at a terminal', () => {
  /** Runs `docker ARGS` with a terminal that types `keys`, one claim after another. */
  async function atTerminal(s: ServiceSession, args: string[], keys: string[]): Promise<{ out: string; err: string; code: number }> {
    let out = '';
    let err = '';
    const queue = [...keys];
    const terminal = {
      claim(onData: (data: string) => void): () => void {
        const k = queue.shift();
        if (k !== undefined) s.d.scheduler.after(1, () => onData(k));
        return () => {};
      },
    };
    const docker = dockerCommand(s.d.engine, { fs: s.fs });
    const code = await s.d.until(docker(['docker', ...args], { stdin: null, stdout: (t) => (out += t), stderr: (t) => (err += t), interrupt: new InterruptSource(), stdinIsTTY: true, terminal }));
    return { out, err, code };
  }

  it('prompts for the username (echoed) and the password (not echoed) for a private registry', async () => {
    const s = new ServiceSession('login-tty');
    expect((await s.run('docker run -d -p 5000:5000 --name=registry registry')).code).toBe(0);
    const r = await atTerminal(s, ['login', 'localhost:5000'], ['bob\r', 'hunter2\r']);
    expect(r).toEqual({ out: 'Username: bob\nPassword: \nLogin Succeeded\n', err: WARNING, code: 0 });
    expect(JSON.parse(s.fs.readFile(DOCKER_CONFIG))).toEqual({ auths: { 'localhost:5000': { auth: base64('bob:hunter2') } } });
  });

  it('shows the access-token note before the Hub’s password prompt; an empty answer is an error', async () => {
    const s = new ServiceSession('login-tty');
    const r = await atTerminal(s, ['login', '-u', 'alice'], ['pw\r']);
    expect(r.out).toBe('\ni Info → A Personal Access Token (PAT) can be used instead.\n         To create a PAT, visit https://app.docker.com/settings\n         \n         \nPassword: \nLogin Succeeded\n');
    expect(await atTerminal(s, ['login', 'localhost:5000'], ['\r'])).toEqual({ out: 'Username: \n', err: 'Error: Non-null Username Required\n', code: 1 });
    expect((await atTerminal(s, ['login', '-u', 'x', 'localhost:5000'], ['\r'])).err).toBe('Error: Password Required\n');
  });
});
