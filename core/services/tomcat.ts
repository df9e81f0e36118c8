import type { Proc } from '../engine/process';
import { envValue, err, out } from '../cshell/procio';
import type { Listener, Socket } from '../network/view';
import { utf8Length } from '../utf8';
import { httpDate, responseHead, serveConnection, type Request } from './httpServer';
import { readText, utcParts } from './proc';

/**
 * Tomcat 10.1 as the official image runs it: `catalina.sh run` (the
 * distribution's shell script, modelled: it builds the JVM's command line and
 * execs java in the foreground), `java` (Temurin 21: -version, and the
 * Bootstrap main class Tomcat starts with), and the server — the
 * VersionLoggerListener and start-up lines on stderr (java.util.logging's
 * console), the HTTP connector from conf/server.xml once start-up is done
 * (about a second later), static files of the applications under webapps,
 * and Tomcat's 404 page for everything else: the image ships webapps empty
 * (the samples are in webapps.dist), so `/` is a 404. SIGTERM runs the
 * shutdown hook and the JVM exits 143.
 */

const VERSION = '10.1.33';
const HOME = '/usr/local/tomcat';
const JAVA = '/opt/java/openjdk/bin/java';

const JAVA_OPTS = [
  '-Djdk.tls.ephemeralDHKeySize=2048', '-Djava.protocol.handler.pkgs=org.apache.catalina.webresources', '-Dorg.apache.catalina.security.SecurityListener.UMASK=0027',
  '--add-opens=java.base/java.lang=ALL-UNNAMED', '--add-opens=java.base/java.io=ALL-UNNAMED', '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED', '--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED',
];

function javaCommand(home: string): string[] {
  return [
    JAVA, `-Djava.util.logging.config.file=${home}/conf/logging.properties`, '-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager', ...JAVA_OPTS,
    '-classpath', `${home}/bin/bootstrap.jar:${home}/bin/tomcat-juli.jar`, `-Dcatalina.base=${home}`, `-Dcatalina.home=${home}`, `-Djava.io.tmpdir=${home}/temp`,
    'org.apache.catalina.startup.Bootstrap', 'start',
  ];
}

export function catalinaSh(p: Proc): void {
  const home = envValue(p.env, 'CATALINA_HOME') ?? HOME;
  const cmd = p.argv[1];
  if (p.tty) out(p, `Using CATALINA_BASE:   ${home}\nUsing CATALINA_HOME:   ${home}\nUsing CATALINA_TMPDIR: ${home}/temp\nUsing JRE_HOME:        /opt/java/openjdk\nUsing CLASSPATH:       ${home}/bin/bootstrap.jar:${home}/bin/tomcat-juli.jar\nUsing CATALINA_OPTS:   \n`);
  if (cmd === 'run') {
    const argv = javaCommand(home);
    p.setCommand?.(argv, JAVA);
    return java({ ...p, argv });
  }
  if (cmd === 'version') {
    out(p, `Server version: Apache Tomcat/${VERSION}\nServer built:   Nov 7 2024 20:32:54 UTC\nServer number:  ${VERSION}.0\nOS Name:        Linux\nOS Version:     6.1.0-18-amd64\nArchitecture:   amd64\nJVM Version:    21.0.5+11-LTS\nJVM Vendor:     Eclipse Adoptium\n`);
    return p.exit(0);
  }
  if (cmd === 'start' || cmd === 'stop' || cmd === 'configtest' || cmd === 'debug' || cmd === 'jpda') {
    err(p, `glassbox: catalina.sh ${cmd} is not simulated yet\n`);
    return p.exit(2);
  }
  out(p, 'Usage: catalina.sh ( commands ... )\ncommands:\n  debug             Start Catalina in a debugger\n  debug -security   Debug Catalina with a security manager\n  jpda start        Start Catalina under JPDA debugger\n  run               Start Catalina in the current window\n  run -security     Start in the current window with security manager\n  start             Start Catalina in a separate window\n  start -security   Start in a separate window with security manager\n  stop              Stop Catalina, waiting up to 5 seconds for the process to end\n  stop n            Stop Catalina, waiting up to n seconds for the process to end\n  stop -force       Stop Catalina, wait up to 5 seconds and then use kill -KILL if still running\n  stop n -force     Stop Catalina, wait up to n seconds and then use kill -KILL if still running\n  configtest        Run a basic syntax check on server.xml - check exit code for result\n  version           What version of tomcat are you running?\nNote: Waiting for the process to end and use of the -force option require that $CATALINA_PID is defined\n');
  p.exit(1);
}

export function java(p: Proc): void {
  const args = p.argv.slice(1);
  if (args[0] === '-version') {
    err(p, 'openjdk version "21.0.5" 2024-10-15 LTS\nOpenJDK Runtime Environment Temurin-21.0.5+11 (build 21.0.5+11-LTS)\nOpenJDK 64-Bit Server VM Temurin-21.0.5+11 (build 21.0.5+11-LTS, mixed mode, sharing)\n');
    return p.exit(0);
  }
  if (args[0] === '--version') {
    out(p, 'openjdk 21.0.5 2024-10-15 LTS\nOpenJDK Runtime Environment Temurin-21.0.5+11 (build 21.0.5+11-LTS)\nOpenJDK 64-Bit Server VM Temurin-21.0.5+11 (build 21.0.5+11-LTS, mixed mode, sharing)\n');
    return p.exit(0);
  }
  let main: string | undefined;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-classpath' || a === '-cp' || a === '--class-path') i++;
    else if (!a.startsWith('-')) {
      main = a;
      break;
    }
  }
  if (main === undefined) {
    err(p, 'glassbox: java without a main class (its usage text) is not simulated yet\n');
    return p.exit(2);
  }
  if (main !== 'org.apache.catalina.startup.Bootstrap') {
    err(p, `Error: Could not find or load main class ${main}\nCaused by: java.lang.ClassNotFoundException: ${main}\n`);
    return p.exit(1);
  }
  const inputArgs = args.slice(0, i).filter((a, k, all) => a !== '-classpath' && all[k - 1] !== '-classpath');
  tomcatServer(p, inputArgs);
}

/** "01-Jan-2026 00:00:00.000", OneLineFormatter's time. */
function logTime(ms: number): string {
  const t = utcParts(ms);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(t.d)}-${t.month}-${t.y} ${pad(t.h)}:${pad(t.mi)}:${pad(t.s)}.${pad(t.ms, 3)}`;
}

const CSS = 'body {font-family:Tahoma,Arial,sans-serif;} h1, h2, h3, b {color:white;background-color:#525D76;} h1 {font-size:22px;} h2 {font-size:16px;} h3 {font-size:14px;} p {font-size:12px;} a {color:black;} .line {height:1px;background-color:#525D76;border:none;}';

/** ErrorReportValve's page for a 404 without a message. */
export function notFoundPage(): string {
  const title = 'HTTP Status 404 – Not Found';
  return `<!doctype html><html lang="en"><head><title>${title}</title><style type="text/css">${CSS}</style></head><body><h1>${title}</h1><hr class="line" /><p><b>Type</b> Status Report</p><p><b>Description</b> The origin server did not find a current representation for the target resource or is not willing to disclose that one exists.</p><hr class="line" /><h3>Apache Tomcat/${VERSION}</h3></body></html>`;
}

function tomcatServer(p: Proc, inputArgs: string[]): void {
  const home = /^-Dcatalina\.base=(.*)$/.exec(inputArgs.find((a) => a.startsWith('-Dcatalina.base=')) ?? '')?.[1] ?? HOME;
  const log = (thread: string, source: string, text: string): void => err(p, `${logTime(p.now())} INFO [${thread}] ${source} ${text}\n`);
  const at = (ms: number, f: () => void): void => void p.after(ms, f);
  const server = readText(p, `${home}/conf/server.xml`) ?? '';
  const port = Number(/<Connector\s+port="(\d+)"\s+protocol="HTTP\/1\.1"/.exec(server)?.[1] ?? '8080');
  const handler = `["http-nio-${port}"]`;
  const V = 'org.apache.catalina.startup.VersionLoggerListener.log';
  p.setMemory?.(120_000_000);
  at(400, () => {
    log('main', V, `Server version name:   Apache Tomcat/${VERSION}`);
    log('main', V, 'Server built:          Nov 7 2024 20:32:54 UTC');
    log('main', V, `Server version number: ${VERSION}.0`);
    log('main', V, 'OS Name:               Linux');
    log('main', V, 'OS Version:            6.1.0-18-amd64');
    log('main', V, 'Architecture:          amd64');
    log('main', V, 'Java Home:             /opt/java/openjdk');
    log('main', V, 'JVM Version:           21.0.5+11-LTS');
    log('main', V, 'JVM Vendor:            Eclipse Adoptium');
    log('main', V, `CATALINA_BASE:         ${home}`);
    log('main', V, `CATALINA_HOME:         ${home}`);
    for (const a of inputArgs) log('main', V, `Command line argument: ${a}`);
    log('main', 'org.apache.catalina.core.AprLifecycleListener.lifecycleEvent', 'Loaded Apache Tomcat Native library [2.0.8] using APR version [1.7.2].');
    log('main', 'org.apache.catalina.core.AprLifecycleListener.initializeSSL', 'OpenSSL successfully initialized [OpenSSL 3.0.13 30 Jan 2024]');
  });
  at(700, () => {
    log('main', 'org.apache.coyote.AbstractProtocol.init', `Initializing ProtocolHandler ${handler}`);
    log('main', 'org.apache.catalina.startup.Catalina.load', 'Server initialization in [312] milliseconds');
    log('main', 'org.apache.catalina.core.StandardService.startInternal', 'Starting service [Catalina]');
    log('main', 'org.apache.catalina.core.StandardEngine.startInternal', `Starting Servlet engine: [Apache Tomcat/${VERSION}]`);
  });
  let listener: Listener | undefined;
  const deployed = new Set<string>();
  const deploy = (thread: string): void => {
    const names = p.fs.readdir(`${home}/webapps`);
    for (const n of typeof names === 'string' ? [] : names) {
      if (deployed.has(n) || !p.fs.isDir(`${home}/webapps/${n}`)) continue;
      deployed.add(n);
      log(thread, 'org.apache.catalina.startup.HostConfig.deployDirectory', `Deploying web application directory [${home}/webapps/${n}]`);
      log(thread, 'org.apache.catalina.startup.HostConfig.deployDirectory', `Deployment of web application directory [${home}/webapps/${n}] has finished in [45] ms`);
    }
  };
  at(900, () => {
    deploy('main');
    log('main', 'org.apache.coyote.AbstractProtocol.start', `Starting ProtocolHandler ${handler}`);
    const l = p.net.listen('tcp', port, (s) => connection(s));
    if ('error' in l) {
      err(p, `${logTime(p.now())} SEVERE [main] org.apache.catalina.util.LifecycleBase.handleSubClassException Failed to start component [Connector["http-nio-${port}"]]\n\torg.apache.catalina.LifecycleException: Protocol handler start failed\n`);
      return;
    }
    listener = l;
    log('main', 'org.apache.catalina.startup.Catalina.start', 'Server startup in [198] milliseconds');
    // The host's background thread looks for new applications every ten seconds (autoDeploy).
    const scan = (): void => {
      deploy('Catalina-utility-1');
      p.after(10_000, scan);
    };
    p.after(10_000, scan);
  });
  p.onSignal((sig) => {
    if (sig !== 15 && sig !== 2 && sig !== 1) return;
    log('Thread-1', 'org.apache.coyote.AbstractProtocol.pause', `Pausing ProtocolHandler ${handler}`);
    log('Thread-1', 'org.apache.catalina.core.StandardService.stopInternal', 'Stopping service [Catalina]');
    log('Thread-1', 'org.apache.coyote.AbstractProtocol.stop', `Stopping ProtocolHandler ${handler}`);
    log('Thread-1', 'org.apache.coyote.AbstractProtocol.destroy', `Destroying ProtocolHandler ${handler}`);
    listener?.close();
    p.exit(128 + sig);
  });

  function connection(s: Socket): void {
    serveConnection(s, (req, reply) => reply(answer(req), req.headers.get('connection')?.toLowerCase() === 'close'), () => responseHead('400 ', [['Content-Type', 'text/html;charset=utf-8'], ['Content-Language', 'en'], ['Content-Length', '0'], ['Date', httpDate(p.now())], ['Connection', 'close']]));
  }

  function answer(req: Request): string {
    const date = httpDate(p.now());
    const [, first, ...rest] = req.path.split('/');
    const context = first !== undefined && first !== '' && deployed.has(first) && first !== 'ROOT' ? first : deployed.has('ROOT') ? 'ROOT' : undefined;
    const inApp = context === undefined ? undefined : context === 'ROOT' ? req.path : `/${rest.join('/')}`;
    if (context !== undefined && inApp !== undefined) {
      let file = `${home}/webapps/${context}${inApp}`;
      if (p.fs.isDir(file)) file = `${file.replace(/\/$/, '')}/index.html`;
      const text = readText(p, file);
      if (text !== undefined && !file.includes('/WEB-INF/')) {
        const st = p.fs.stat(file);
        const mtime = typeof st === 'string' ? p.now() : st.mtime;
        const body = req.method === 'HEAD' ? '' : text;
        return responseHead('200 ', [['Accept-Ranges', 'bytes'], ['ETag', `W/"${utf8Length(text)}-${mtime}"`], ['Last-Modified', httpDate(mtime)], ['Content-Type', file.endsWith('.html') ? 'text/html' : 'text/plain'], ['Content-Length', String(utf8Length(text))], ['Date', date]]) + body;
      }
    }
    const page = notFoundPage();
    return responseHead('404 ', [['Content-Type', 'text/html;charset=utf-8'], ['Content-Language', 'en'], ['Content-Length', String(utf8Length(page))], ['Date', date]]) + (req.method === 'HEAD' ? '' : page);
  }
}
