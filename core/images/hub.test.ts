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
