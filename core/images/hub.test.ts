import { describe, expect, it } from 'vitest';
import { helloMessage } from './catalog';
import { ServiceSession } from '../services/testKit';

describe('the simulated Hub’s images', () => {
  it('the course’s tags exist, and an older tag shares no layer with the newer one', async () => {
    const s = new ServiceSession('hub');
    for (const ref of ['ubuntu:14.04', 'centos:7', 'mysql:5.7', 'nginx:1.15', 'httpd', 'tomcat', 'debian', 'debian:bookworm-slim', 'registry:2', 'alpine']) {
      expect((await s.run(`docker pull ${ref}`)).code, ref).toBe(0);
    }
    await s.run('docker pull nginx');
    expect((await s.run('docker pull nginx:1.15')).out).not.toContain('Already exists');
    // nginx:latest and debian:bookworm-slim share the base layer, as on the Hub.
    expect((await s.run('docker pull redis')).out).toContain('Already exists');
    expect((await s.run('docker images --format {{.Repository}}:{{.Tag}} ubuntu')).out).toBe('ubuntu:14.04\n');
  });

  it('docker history shows each image’s steps: nginx’s STOPSIGNAL and CMD, ubuntu:14.04’s five steps', async () => {
    const s = new ServiceSession('hub-history');
    await s.run('docker pull nginx');
    const nginx = (await s.run('docker history --format {{.CreatedBy}} --no-trunc nginx')).out.split('\n');
    expect(nginx.slice(0, 4)).toEqual(['CMD ["nginx" "-g" "daemon off;"]', 'STOPSIGNAL SIGQUIT', 'EXPOSE map[80/tcp:{}]', 'ENTRYPOINT ["/docker-entrypoint.sh"]']);
    await s.run('docker pull ubuntu:14.04');
    const trusty = (await s.run('docker history --format {{.CreatedBy}} ubuntu:14.04')).out.trim().split('\n');
    expect(trusty).toHaveLength(5);
    expect(trusty[0]).toBe('/bin/sh -c #(nop)  CMD ["/bin/bash"]');
  });

  it('the distributions’ default commands: bash with stdin at end of file exits 0; their files are in place', async () => {
    const s = new ServiceSession('hub-distros');
    for (const image of ['ubuntu', 'ubuntu:14.04', 'debian', 'centos', 'centos:7']) {
      await s.run(`docker run --name c-${image.replace(/[:.]/g, '-')} ${image}`);
      expect((await s.run(`docker ps -a --filter name=c-${image.replace(/[:.]/g, '-')} --format {{.Status}}`)).out, image).toMatch(/^Exited \(0\) /);
    }
    expect((await s.run('docker run --rm ubuntu:14.04 cat /etc/lsb-release')).out).toContain('DISTRIB_RELEASE=14.04\n');
    expect((await s.run('docker run --rm ubuntu:14.04 ls /bin/bash /bin/ls')).out).toBe('/bin/bash\n/bin/ls\n');
    expect((await s.run('docker run --rm centos:7 cat /etc/centos-release')).out).toBe('CentOS Linux release 7.9.2009 (Core)\n');
    expect((await s.run('docker run --rm debian cat /etc/debian_version')).out).toBe('12.8\n');
    expect((await s.run('docker run --rm alpine cat /etc/alpine-release')).out).toBe('3.20.3\n');
    expect((await s.run('docker run --rm alpine echo busybox runs its applets')).out).toBe('busybox runs its applets\n');
  });

  it('hello-world prints its message', async () => {
    const s = new ServiceSession('hub-hello');
    expect((await s.run('docker run hello-world')).out).toBe(helloMessage);
  });

  it('an unknown tag or repository is Docker’s own error', async () => {
    const s = new ServiceSession('hub-bad');
    expect(await s.run('docker run nginx:nope')).toEqual({
      out: '',
      err: "Unable to find image 'nginx:nope' locally\ndocker: Error response from daemon: manifest for nginx:nope not found: manifest unknown: manifest unknown\n\nRun 'docker run --help' for more information\n",
      code: 125,
    });
    expect((await s.run('docker run nosuch')).err).toBe(
      "Unable to find image 'nosuch:latest' locally\ndocker: Error response from daemon: pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n\nRun 'docker run --help' for more information\n",
    );
    // The course's "nginx:last" is such a tag.
    expect((await s.run('docker run -d nginx:last')).err).toContain('manifest for nginx:last not found: manifest unknown: manifest unknown\n');
  });
});

describe('training/webapp, a schema 1 image on the Hub', () => {
  const notice =
    'Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. Suggest the author of docker.io/training/webapp:latest to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/';

  it('docker pull fetches its manifest, then refuses the format as Docker 28 does (exit 1, the error without "Error response from daemon")', async () => {
    const s = new ServiceSession('webapp-pull');
    expect(await s.run('docker pull training/webapp')).toEqual({ out: 'Using default tag: latest\nlatest: Pulling from training/webapp\n', err: `${notice}\n`, code: 1 });
    const byDigest = await s.run('docker pull training/webapp@sha256:06e9c1983bd6d5db5fba376ccd63bfa529e8d02f23d5079b8f74a616308fb11d');
    expect(byDigest.out).toBe('sha256:06e9c1983bd6d5db5fba376ccd63bfa529e8d02f23d5079b8f74a616308fb11d: Pulling from training/webapp\n');
    expect(byDigest.err).toContain('Suggest the author of docker.io/training/webapp@sha256:06e9c1983bd6d5db5fba376ccd63bfa529e8d02f23d5079b8f74a616308fb11d to upgrade');
    expect((await s.run('docker images -q training/webapp')).out).toBe('');
  });

  it('a tag it does not have is still "manifest unknown"; the repository is not "pull access denied"', async () => {
    const s = new ServiceSession('webapp-tag');
    expect(await s.run('docker pull training/webapp:v2')).toEqual({ out: '', err: 'Error response from daemon: manifest for training/webapp:v2 not found: manifest unknown: manifest unknown\n', code: 1 });
    expect((await s.run('docker pull training/nosuch')).err).toContain('pull access denied for training/nosuch');
  });

  it('the course’s docker run -d … training/webapp python app.py: the pull fails, nothing is created, exit 125', async () => {
    const s = new ServiceSession('webapp-run');
    expect(await s.run('docker run -d -p 88:80 --name web -v /src/webapp:/opt/webapp training/webapp python app.py')).toEqual({
      out: '',
      err: `Unable to find image 'training/webapp:latest' locally\nlatest: Pulling from training/webapp\ndocker: ${notice}\n\nRun 'docker run --help' for more information\n`,
      code: 125,
    });
    expect((await s.run('docker ps -aq')).out).toBe('');
    expect((await s.run('docker run -d -P training/webapp python app.py')).code).toBe(125);
  });
});
