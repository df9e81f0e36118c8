import { describe, expect, it } from 'vitest';
import { DEFAULT_CONF, INDEX_HTML, NGINX_CONF } from './fixtures/nginx';
import { errorPage } from './nginxHttp';
import { ServiceSession } from './testKit';

/** nginx as the course runs it: `docker run -d -p 8080:80 --name web nginx`, then curl, logs, top, exec, stop. */

const ENTRYPOINT_LINES = [
  '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration',
  '/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh',
  '10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf',
  '10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf',
  '/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh',
  '/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh',
  '/docker-entrypoint.sh: Configuration complete; ready for start up',
];

async function web(): Promise<ServiceSession> {
  const s = new ServiceSession('nginx');
  expect((await s.run('docker run -d -p 8080:80 --name web nginx')).code).toBe(0);
  return s;
}

describe('docker run -d -p 8080:80 --name web nginx', () => {
  it('stays Up, and its logs are the entrypoint lines then nginx’s start-up notices with a worker per CPU', async () => {
    const s = await web();
    expect((await s.run('docker ps --format {{.Names}}|{{.Status}}|{{.Ports}}')).out).toMatch(/^web\|Up Less than a second\|0\.0\.0\.0:8080->80\/tcp, \[::\]:8080->80\/tcp\n$/);
    const logs = await s.logs('web');
    expect(logs.out).toBe(ENTRYPOINT_LINES.join('\n') + '\n');
    const notices = logs.err.split('\n').filter((l) => l !== '');
    expect(notices.map((l) => l.replace(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d /, ''))).toEqual([
      '[notice] 1#1: using the "epoll" event method',
      '[notice] 1#1: nginx/1.27.2',
      '[notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ',
      '[notice] 1#1: OS: Linux 6.1.0-18-amd64',
      '[notice] 1#1: getrlimit(RLIMIT_NOFILE): 1048576:1048576',
      '[notice] 1#1: start worker processes',
      expect.stringMatching(/^\[notice\] 1#1: start worker process \d+$/),
      expect.stringMatching(/^\[notice\] 1#1: start worker process \d+$/),
    ]);
  });

  it('curl localhost:8080 returns the welcome page; each request is one access-log line on stdout', async () => {
    const s = await web();
    const page = await s.curl('-s localhost:8080');
    expect(page).toEqual({ out: INDEX_HTML, err: '', code: 0 });
    const head = await s.curl('-sI localhost:8080/');
    expect(head.out).toMatch(/^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.27\.2\r\nDate: .+ GMT\r\nContent-Type: text\/html\r\nContent-Length: 615\r\nLast-Modified: .+ GMT\r\nConnection: keep-alive\r\nETag: "[0-9a-f]+-267"\r\nAccept-Ranges: bytes\r\n\r\n$/);
    const access = (await s.logs('web')).out.split('\n').filter((l) => l.startsWith('172.17.0.1'));
    expect(access).toEqual([
      '172.17.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/7.88.1" "-"',
      '172.17.0.1 - - [01/Jan/2026:00:00:00 +0000] "HEAD / HTTP/1.1" 200 0 "-" "curl/7.88.1" "-"',
    ]);
  });

  it('a missing file is nginx’s 404 page (CRLF lines), with the open() failure in the error log', async () => {
    const s = await web();
    const r = await s.curl('-si localhost:8080/nope.html');
    expect(r.out).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(r.out.endsWith('\r\n\r\n' + '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.2</center>\r\n</body>\r\n</html>\r\n')).toBe(true);
    expect(errorPage(404, '1.27.2').length).toBe(153);
    const logs = await s.logs('web');
    expect(logs.err).toMatch(/\[error\] \d+#\d+: \*1 open\(\) "\/usr\/share\/nginx\/html\/nope\.html" failed \(2: No such file or directory\), client: 172\.17\.0\.1, server: localhost, request: "GET \/nope\.html HTTP\/1\.1", host: "localhost:8080"\n/);
    expect(logs.out).toContain('"GET /nope.html HTTP/1.1" 404 153 "-" "curl/7.88.1" "-"\n');
  });

  it('docker top shows the master process and one worker per CPU', async () => {
    const s = await web();
    const rows = (await s.run('docker top web')).out.trim().split('\n').slice(1).map((l) => l.slice(l.indexOf('00:00:00 ') + 20).trim());
    expect(rows).toEqual(['nginx: master process nginx -g daemon off;', 'nginx: worker process', 'nginx: worker process']);
  });

  it('the image’s files are the official ones; the entrypoint added the IPv6 listen to default.conf (docker diff: C)', async () => {
    const s = await web();
    expect((await s.run('docker exec web cat /etc/nginx/nginx.conf')).out).toBe(NGINX_CONF);
    expect((await s.run('docker exec web cat /etc/nginx/conf.d/default.conf')).out).toBe(DEFAULT_CONF.replace('listen       80;', 'listen       80;\n    listen  [::]:80;'));
    const diff = (await s.run('docker diff web')).out;
    expect(diff).toContain('C /etc/nginx/conf.d/default.conf\n');
    expect(diff).toContain('A /var/cache/nginx/client_temp\n');
    expect(diff).toContain('A /run/nginx.pid\n');
  });

  it('docker exec web nginx -t checks the configuration (on stderr); a broken one fails with nginx’s [emerg] and line', async () => {
    const s = await web();
    expect(await s.run('docker exec web nginx -t')).toEqual({
      out: '',
      err: 'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n',
      code: 0,
    });
    await s.run(`docker exec web sh -c "echo 'oops;' >> /etc/nginx/conf.d/default.conf"`);
    expect(await s.run('docker exec web nginx -t')).toEqual({
      out: '',
      err: 'nginx: [emerg] unknown directive "oops" in /etc/nginx/conf.d/default.conf:46\nnginx: configuration file /etc/nginx/nginx.conf test failed\n',
      code: 1,
    });
  });

  it('nginx -s reload signals the master: it logs the reload, new workers start and the old ones leave', async () => {
    const s = await web();
    const before = (await s.run('docker top web -o pid,args')).out;
    const r = await s.run('docker exec web nginx -s reload');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[notice\] \d+#\d+: signal process started\n$/);
    await s.advance(100);
    const logs = (await s.logs('web')).err;
    expect(logs).toMatch(/\[notice\] 1#1: signal 1 \(SIGHUP\) received from \d+, reconfiguring\n.*\[notice\] 1#1: reconfiguring\n/);
    expect(logs).toMatch(/\[notice\] (\d+)#\1: gracefully shutting down\n/);
    expect(logs).toMatch(/\[notice\] 1#1: worker process \d+ exited with code 0\n/);
    const after = (await s.run('docker top web -o pid,args')).out;
    expect(after.split('\n').filter((l) => l.endsWith('nginx: worker process'))).toHaveLength(2);
    expect(after).not.toBe(before);
  });

  it('what curl returns follows the files: an edited index.html, a new page, docker cp', async () => {
    const s = await web();
    await s.run(`docker exec web sh -c "echo hello from the container > /usr/share/nginx/html/index.html"`);
    expect((await s.curl('-s localhost:8080')).out).toBe('hello from the container\n');
    await s.run(`docker exec web sh -c "echo second > /usr/share/nginx/html/two.html"`);
    expect((await s.curl('-s localhost:8080/two.html')).out).toBe('second\n');
  });

  it('docker stop is a graceful quit (SIGQUIT from the image): the shutdown notices, exit 0', async () => {
    const s = await web();
    expect((await s.run('docker inspect -f {{.Config.StopSignal}} web')).out).toBe('SIGQUIT\n');
    expect((await s.run('docker stop web')).code).toBe(0);
    expect((await s.run('docker ps -a --format {{.Status}}')).out).toMatch(/^Exited \(0\) /);
    const err = (await s.logs('web')).err;
    const tail = err.slice(err.indexOf('signal 3 (SIGQUIT)')).split('\n').filter((l) => l !== '').map((l) => l.replace(/^.*\[notice\] /, '').replace(/^\d+#\d+/, (m) => (m === '1#1' ? m : 'W')).replace(/\d+(?= exited)|(?<=from )\d+/g, 'N'));
    expect(tail).toEqual([
      'signal 3 (SIGQUIT) received, shutting down',
      'W: gracefully shutting down',
      'W: gracefully shutting down',
      'W: exiting',
      'W: exit',
      'W: exiting',
      'W: exit',
      '1#1: signal 17 (SIGCHLD) received from N',
      '1#1: worker process N exited with code 0',
      '1#1: worker process N exited with code 0',
      '1#1: exit',
    ]);
  });
});

describe('nginx the course contrasts', () => {
  it('docker run -d nginx /bin/bash exits 0 at once: bash with no terminal reads end of file', async () => {
    const s = new ServiceSession('nginx-bash');
    await s.run('docker run -d --name sh1 nginx /bin/bash');
    expect((await s.run('docker ps -a --format {{.Names}}|{{.Status}}')).out).toMatch(/^sh1\|Exited \(0\) /);
    expect(await s.logs('sh1')).toEqual({ out: '', err: '' });
  });

  it('without "daemon off;" nginx goes to the background and the container ends', async () => {
    const s = new ServiceSession('nginx-daemon');
    await s.run('docker run -d --name bg nginx nginx');
    expect((await s.run('docker ps -a --format {{.Status}}')).out).toMatch(/^Exited \(0\) /);
  });

  it('nginx:1.15 has no entrypoint script, one worker, logs only at warn, and stops on SIGTERM', async () => {
    const s = new ServiceSession('nginx-old');
    await s.run('docker run -d -p 8081:80 --name old nginx:1.15');
    expect(await s.logs('old')).toEqual({ out: '', err: '' });
    const page = await s.curl('-s localhost:8081');
    expect(page.out).toContain('<title>Welcome to nginx!</title>');
    expect(page.out).not.toContain('color-scheme');
    const top = (await s.run('docker top old -o pid,args')).out.split('\n').slice(1, -1).map((l) => l.replace(/^\d+\s+/, ''));
    expect(top).toEqual(['nginx: master process nginx -g daemon off;', 'nginx: worker process']);
    // ps -o without the PID column: dockerd cannot pick the container's rows, as the real one refuses.
    expect((await s.run('docker top old -o args')).err).toBe("Error response from daemon: Couldn't find PID field in ps output\n");
    expect((await s.run('docker inspect -f {{.Config.StopSignal}} old')).out).toBe('SIGTERM\n');
    await s.run('docker stop old');
    expect((await s.run('docker ps -a --format {{.Status}}')).out).toMatch(/^Exited \(0\) /);
  });

  it('a second nginx in the same container cannot bind :80 and says so five times', async () => {
    const s = await web();
    const r = await s.run('docker exec web nginx -g "daemon off;"');
    expect(r.code).toBe(1);
    expect(r.err.match(/nginx: \[emerg\] bind\(\) to 0\.0\.0\.0:80 failed \(98: Address already in use\)\n/g)).toHaveLength(5);
    expect(r.err.endsWith('nginx: [emerg] still could not bind()\n')).toBe(true);
  });
});
