import { describe, expect, it } from 'vitest';
import { IT_WORKS } from './fixtures/httpd';
import { ServiceSession } from './testKit';

describe('docker run -d -p 8082:80 httpd', () => {
  it('serves "It works!", logs the start-up notices and one common-log line a request, and stops gracefully on SIGWINCH', async () => {
    const s = new ServiceSession('httpd');
    await s.run('docker run -d -p 8082:80 --name ht httpd');
    expect(await s.curl('-s localhost:8082')).toEqual({ out: IT_WORKS, err: '', code: 0 });
    expect(IT_WORKS).toBe('<html><body><h1>It works!</h1></body></html>\n');
    const missing = await s.curl('-si localhost:8082/nope');
    expect(missing.out).toMatch(/^HTTP\/1\.1 404 Not Found\r\nDate: .+\r\nServer: Apache\/2\.4\.62 \(Unix\)\r\nContent-Length: 196\r\nContent-Type: text\/html; charset=iso-8859-1\r\n\r\n<!DOCTYPE HTML PUBLIC "-\/\/IETF\/\/DTD HTML 2\.0\/\/EN">\n<html><head>\n<title>404 Not Found<\/title>\n/);
    const logs = await s.logs('ht');
    expect(logs.err).toMatch(/^AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 172\.17\.0\.2\. Set the 'ServerName' directive globally to suppress this message\nAH00558: [^\n]+\n\[Thu Jan 01 00:00:00\.000000 2026\] \[mpm_event:notice\] \[pid 1:tid \d+\] AH00489: Apache\/2\.4\.62 \(Unix\) configured -- resuming normal operations\n\[[^\]]+\] \[core:notice\] \[pid 1:tid \d+\] AH00094: Command line: 'httpd -D FOREGROUND'\n$/);
    expect(logs.out).toBe('172.17.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 45\n172.17.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET /nope HTTP/1.1" 404 196\n');
    expect((await s.run('docker top ht -o pid,args')).out.split('\n').filter((l) => l.endsWith('httpd -DFOREGROUND'))).toHaveLength(4);
    await s.run('docker stop ht');
    expect((await s.run('docker ps -a --format {{.Status}}')).out).toMatch(/^Exited \(0\) /);
    expect((await s.logs('ht')).err).toMatch(/AH00492: caught SIGWINCH, shutting down gracefully\n$/);
  });
});
