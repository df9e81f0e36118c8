import { describe, expect, it } from 'vitest';
import { ServiceSession } from './testKit';

/**
 * The lines of the course notes (docker-course-notes.zh.md) that run the
 * service images: each ends as Docker would end it, none with the
 * simulator's "not simulated yet".
 */
describe('the course notes’ service lines', () => {
  it('run as Docker runs them', async () => {
    const s = new ServiceSession('course');
    for (const image of ['nginx', 'registry', 'mysql']) await s.run(`docker pull ${image}`);
    const lines: [string, RegExp][] = [
      ['docker run -d nginx:last /bin/bash', /manifest for nginx:last not found: manifest unknown: manifest unknown/],
      ['docker run -d --name=nginx-volume -v /usr/share/nginx/html nginx', /^[0-9a-f]{64}\n$/],
      ['docker run -d --name=nginx --mount source=myvolume,target=/usr/share/nginx/html nginx', /^[0-9a-f]{64}\n$/],
      ['docker container update --restart=always nginx', /^nginx\n$/],
      ['docker run -d -p 5000:5000 --restart=always --name=registry -v /opt/myregistry/:/var/lib/registry registry', /^[0-9a-f]{64}\n$/],
      ['docker run -d --name mysql -e MYSQL_ROOT_PASSWORD=x mysql', /^[0-9a-f]{64}\n$/],
      ['docker cp mysql:/usr/local/bin/docker-entrypoint.sh /root', /^$/],
      ['docker run –d –net=host --name nginx-host nginx', /invalid reference format/],
      ['docker run -d --net=host --name nginx-host nginx', /^[0-9a-f]{64}\n$/],
    ];
    for (const [line, expected] of lines) {
      const r = await s.run(line);
      expect(r.out + r.err, line).toMatch(expected);
      expect(r.out + r.err, line).not.toContain('not simulated');
    }
    await s.advance(15_000);
    const ps = (await s.run('docker ps --format {{.Names}}')).out.split('\n').filter((n) => n !== '').sort();
    expect(ps).toEqual(['mysql', 'nginx', 'nginx-host', 'nginx-volume', 'registry']);
    for (const name of ps) expect((await s.logs(name)).err, name).not.toContain('not simulated');
    expect(s.fs.readFile('/root/docker-entrypoint.sh')).toMatch(/^#!\/bin\/bash\nset -eo pipefail\n/);
  });
});
