import { describe, expect, it } from 'vitest';
import { utf8Length } from '../utf8';
import { notFoundPage } from './tomcat';
import { ServiceSession } from './testKit';

describe('docker run -d -p 8888:8080 tomcat', () => {
  it('starts in about a second (refused before), then answers / with Tomcat’s 404: the image’s webapps is empty', async () => {
    const s = new ServiceSession('tomcat');
    await s.run('docker run -d -p 8888:8080 --name tc tomcat');
    expect((await s.curl('-s localhost:8888')).code).toBe(7);
    await s.advance(2_000);
    const r = await s.curl('-si localhost:8888/');
    expect(r.out).toBe(`HTTP/1.1 404 \r\nContent-Type: text/html;charset=utf-8\r\nContent-Language: en\r\nContent-Length: ${utf8Length(notFoundPage())}\r\nDate: Thu, 01 Jan 2026 00:00:02 GMT\r\n\r\n${notFoundPage()}`);
    expect(notFoundPage()).toContain('<h1>HTTP Status 404 – Not Found</h1>');
    const err = (await s.logs('tc')).err;
    expect(err).toMatch(/^01-Jan-2026 00:00:00\.400 INFO \[main\] org\.apache\.catalina\.startup\.VersionLoggerListener\.log Server version name:   Apache Tomcat\/10\.1\.33\n/);
    expect(err).toContain('INFO [main] org.apache.coyote.AbstractProtocol.start Starting ProtocolHandler ["http-nio-8080"]\n');
    expect(err).toMatch(/INFO \[main\] org\.apache\.catalina\.startup\.Catalina\.start Server startup in \[\d+\] milliseconds\n$/);
    expect((await s.run('docker top tc -o pid,args')).out).toContain('/opt/java/openjdk/bin/java -Djava.util.logging.config.file=/usr/local/tomcat/conf/logging.properties');
    await s.run('docker stop tc');
    expect((await s.run('docker ps -a --format {{.Status}}')).out).toMatch(/^Exited \(143\) /);
  });

  it('copying the samples into webapps deploys them: / then serves ROOT’s page', async () => {
    const s = new ServiceSession('tomcat-deploy');
    await s.run('docker run -d -p 8888:8080 --name tc tomcat');
    await s.advance(2_000);
    s.fs.mkdir('/tmp/ROOT', { parents: true });
    s.fs.writeFile('/tmp/ROOT/index.html', '<h1>hi</h1>\n');
    expect((await s.run('docker cp /tmp/ROOT tc:/usr/local/tomcat/webapps/ROOT')).code).toBe(0);
    await s.advance(11_000);
    expect((await s.logs('tc')).err).toContain('INFO [Catalina-utility-1] org.apache.catalina.startup.HostConfig.deployDirectory Deploying web application directory [/usr/local/tomcat/webapps/ROOT]\n');
    expect((await s.curl('-s localhost:8888/')).out).toBe('<h1>hi</h1>\n');
  });
});
