import type { Proc } from '../engine/process';
import { envValue, err, out } from '../cshell/procio';
import { fnvHex } from '../fnvHex';
import type { Socket } from '../network/view';
import { utf8Length } from '../utf8';
import { httpDate, responseHead, serveConnection, type Request } from './httpServer';
import { clfTime, execCommand, isoMicros, readText } from './proc';
import { UploadState } from './registryPush';
import { hubRegistryImage } from '../images/registryBlobs';
import { authConfig, authorize, provisionHtpasswd } from './registryAuth';

/**
 * The Docker registry (distribution 2.8.3) as the registry:2 image runs it:
 * its entrypoint script (modelled: a .yml first argument means `registry
 * serve`), then the HTTP API v2 on :5000 read from the storage the
 * configuration names (/var/lib/registry): `/v2/` (the API version check),
 * `/v2/_catalog`, `/v2/NAME/tags/list`, manifests and blobs, with the
 * registry's JSON errors (NAME_UNKNOWN, MANIFEST_UNKNOWN, BLOB_UNKNOWN). It
 * reads the filesystem layout the real registry writes
 * (docker/registry/v2/repositories/NAME/_manifests/tags/TAG/current/link,
 * blobs/sha256/XX/DIGEST/data), so a push that fills it is served; pushes
 * (blob uploads, manifest PUTs, mounts) are registryPush.ts, htpasswd auth
 * registryAuth.ts; with proxy.remoteurl it is a read-only pull-through cache
 * of the simulated Hub. Logs are
 * logrus lines on stderr and an access line per request on stdout; as PID 1
 * the Go runtime ends on SIGTERM with status 2.
 */

const VERSION = '2.8.3';
const GO = 'go1.20.8';

/** The Go runtime's report of NewApp's panic (addresses as one run of the real 2.8 printed them). */
const PANIC_TRACE = `goroutine 1 [running]:
github.com/docker/distribution/registry/handlers.NewApp({0x11a4b98?, 0xc000503200?}, 0xc0002fe700)
\tgithub.com/docker/distribution/registry/handlers/app.go:314 +0x1cba
github.com/docker/distribution/registry.NewRegistry({0x11a4b98?, 0xc0005028a0?}, 0xc0002fe700)
\tgithub.com/docker/distribution/registry/registry.go:161 +0x145
`;

export function registryEntrypoint(p: Proc): void {
  let args = p.argv.slice(1);
  const first = args[0] ?? '';
  if (first.endsWith('.yaml') || first.endsWith('.yml')) args = ['registry', 'serve', ...args];
  else if (['serve', 'garbage-collect', 'help'].includes(first) || first.startsWith('-')) args = ['registry', ...args];
  execCommand(p, args, (name, code) => `/entrypoint.sh: exec: line 10: ${name}: ${code === 127 ? 'not found' : 'Permission denied'}\n`);
}

/** The few settings of config.yml the simulator uses (http.addr, storage.filesystem.rootdirectory). */
function readConfig(text: string): { port: number; root: string; proxy: string | undefined } {
  const addr = /^\s+addr:\s*\S*?:(\d+)\s*$/m.exec(text)?.[1];
  const root = /^\s+rootdirectory:\s*(\S+)\s*$/m.exec(text)?.[1];
  const proxy = /^proxy:\s*\n(?:\s+.*\n)*?\s+remoteurl:\s*(\S+)\s*$/m.exec(text)?.[1]?.replace(/^"(.*)"$/, '$1');
  return { port: Number(addr ?? '5000'), root: root ?? '/var/lib/registry', proxy };
}

function errorBody(code: string, message: string, detail: unknown): string {
  return JSON.stringify({ errors: [{ code, message, detail }] }) + '\n';
}

export function registryProgram(p: Proc): void {
  const args = p.argv.slice(1);
  if (args[0] === '--version' || args[0] === '-v') {
    out(p, `registry github.com/docker/distribution ${VERSION}\n`);
    return p.exit(0);
  }
  if (args[0] !== 'serve') {
    err(p, `glassbox: registry ${args[0] ?? ''} is not simulated yet\n`);
    return p.exit(2);
  }
  const configPath = args[1];
  const text = configPath !== undefined ? readText(p, configPath) : undefined;
  if (configPath === undefined || text === undefined) {
    err(p, `configuration error: open ${configPath ?? ''}: no such file or directory\n\nUsage: \n  registry serve <config> [flags]\nFlags:\n  -h, --help=false: help for serve\n\n\nAdditional help topics:\n\n`);
    return p.exit(1);
  }
  const conf = readConfig(text);
  const authSetting = authConfig(p, text);
  // The environment overrides the file (REGISTRY_PROXY_REMOTEURL for proxy.remoteurl), as for every setting.
  const proxy = envValue(p.env, 'REGISTRY_PROXY_REMOTEURL') || conf.proxy;
  const instance = uuid(`${p.hostname} ${p.now()}`);
  const fields = `go.version=${GO} instance.id=${instance} service=registry version=${VERSION}`;
  // logrus with time.RFC3339Nano: trailing zeros of the fraction dropped.
  const stamp = (): string => isoMicros(p.now()).replace(/\.?0+Z$/, 'Z');
  const log = (level: string, msg: string, extra = ''): void => err(p, `time="${stamp()}" level=${level} msg="${msg}" ${extra}${fields}\n`);
  log('warning', 'No HTTP secret provided - generated random secret. This may cause problems with uploads if multiple registries are behind a load-balancer. To provide a shared secret, fill in http.secret in the configuration file or set the REGISTRY_HTTP_SECRET environment variable.');
  log('info', 'redis not configured');
  // The upload purge starts in a goroutine: a registry that panics while setting up never logs it.
  if (typeof authSetting !== 'string') log('info', 'Starting upload purge in 20m0s');
  log('info', 'using inmemory blob descriptor cache');
  if (proxy !== undefined && typeof authSetting !== 'string') log('info', `Registry configured as a proxy cache to ${proxy}`);
  if (typeof authSetting === 'string') {
    err(p, authSetting.startsWith('panic: ') ? `${authSetting}\n\n${PANIC_TRACE}` : `${authSetting}\n`);
    return p.exit(2);
  }
  const auth = authSetting;
  if (auth) {
    const provisioned = provisionHtpasswd(p, auth, `${instance} htpasswd`);
    if (provisioned !== undefined) err(p, `time="${stamp()}" level=warning msg="htpasswd is missing, provisioning with default user" go.version=${GO} password=${provisioned} user=docker\n`);
  }
  const l = p.net.listen('tcp', conf.port, (s) => connection(s));
  if ('error' in l) {
    log('fatal', `listen tcp :${conf.port}: bind: address already in use`);
    return p.exit(1);
  }
  log('info', `listening on [::]:${conf.port}`);
  p.setCommand?.(['registry', 'serve', configPath]);
  p.setMemory?.(12_582_912);
  // No signal handler: as PID 1 the Go runtime cannot die of SIGTERM and exits with status 2.
  p.onSignal((sig) => {
    if (sig === 15 || sig === 2 || sig === 1 || sig === 3) p.exit(2);
  });
  let requests = 0;
  const uploads = new UploadState((n) => uuid(`${instance} upload ${n}`));

  function connection(s: Socket): void {
    serveConnection(s, (req, reply) => reply(answer(req, s), false), () => 'HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request');
  }

  function answer(req: Request, s: Socket): string {
    const id = uuid(`${instance} ${++requests}`);
    const refusal = auth ? authorize(p, auth, req) : undefined;
    if (refusal) {
      const repo = /^\/v2\/(.+?)\/(?:tags|manifests|blobs)\//.exec(req.path)?.[1];
      // The request's context logger: its own fields, sorted, without the instance's.
      const ctxFields = `go.version=${GO} http.request.host=${logfmt(req.headers.get('host') ?? '')} http.request.id=${id} http.request.method=${req.method} http.request.remoteaddr=${logfmt(`${s.remote.ip}:${s.remote.port}`)} http.request.uri=${logfmt(req.target)} http.request.useragent=${logfmt(req.headers.get('user-agent') ?? '')}${repo !== undefined ? ` vars.name=${logfmt(repo)}` : ''}`;
      for (const l of refusal.logs) err(p, `time="${stamp()}" level=${l.level} msg="${l.msg}" ${ctxFields}\n`);
    }
    const { status, type, body, headers } = refusal ? { ...refusal, type: JSON_TYPE } : route(p, conf.root, req, uploads, proxy);
    const sent = req.method === 'HEAD' ? '' : body;
    log('info', 'response completed', `http.request.host="${req.headers.get('host') ?? ''}" http.request.id=${id} http.request.method=${req.method} http.request.remoteaddr="${s.remote.ip}:${s.remote.port}" http.request.uri="${req.target}" http.request.useragent="${req.headers.get('user-agent') ?? ''}" http.response.contenttype="${type}" http.response.duration="1.2ms" http.response.status=${status} http.response.written=${utf8Length(sent)} `);
    out(p, `${s.remote.ip} - - [${clfTime(p.now())}] "${req.line}" ${status} ${utf8Length(sent)} "" "${req.headers.get('user-agent') ?? ''}"\n`);
    const reason = { 200: 'OK', 201: 'Created', 202: 'Accepted', 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found', 405: 'Method Not Allowed', 501: 'Not Implemented' }[status] ?? '';
    const length: [string, string] = ['Content-Length', String(utf8Length(body))];
    // Go writes the handler's headers sorted, then Date, then a Content-Length it worked out itself;
    // the /v2/ handler sets its own, which sorts first.
    const own = req.path === '/v2/' && status === 200;
    return responseHead(`${status} ${reason}`, [...(own ? [length] : []), ['Content-Type', type], ['Docker-Distribution-Api-Version', 'registry/2.0'], ...headers, ['X-Content-Type-Options', 'nosniff'], ['Date', httpDate(p.now())], ...(own ? [] : [length])]) + sent;
  }
}

interface Routed {
  status: number;
  type: string;
  body: string;
  headers: [string, string][];
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** What the registry answers for one request, from its storage in the container's filesystem. */
function route(p: Proc, root: string, req: Request, uploads: UploadState, proxy: string | undefined): Routed {
  const v2 = `${root}/docker/registry/v2`;
  const json = (status: number, body: string, headers: [string, string][] = []): Routed => ({ status, type: JSON_TYPE, body, headers });
  if (req.path === '/v2/' || req.path === '/v2') return json(200, '{}');
  if (req.path === '/v2/_catalog') return json(200, JSON.stringify({ repositories: repositories(p, `${v2}/repositories`) }) + '\n');
  const m = /^\/v2\/(.+?)\/(tags\/list|manifests\/([^/]+)|blobs\/(sha256:[0-9a-f]{64})|blobs\/uploads\/.*)$/.exec(req.path);
  if (!m) return { status: 404, type: 'text/plain; charset=utf-8', body: '404 page not found\n', headers: [] };
  const name = m[1]!;
  const repo = `${v2}/repositories/${name}`;
  // A pull-through cache is read-only.
  if (proxy !== undefined && !['GET', 'HEAD'].includes(req.method)) return json(405, errorBody('UNSUPPORTED', 'The operation is unsupported.', null));
  const write = uploads.handle(p, v2, name, m[2]!, req);
  if (write) return write;
  if (m[2]!.startsWith('blobs/uploads')) return json(404, errorBody('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', null));
  if (m[2] === 'tags/list') {
    const tags = p.fs.readdir(`${repo}/_manifests/tags`);
    if (typeof tags === 'string') return json(404, errorBody('NAME_UNKNOWN', 'repository name not known to registry', { name }));
    return json(200, JSON.stringify({ name, tags }) + '\n');
  }
  if (m[3] !== undefined) {
    const ref = m[3];
    if (proxy !== undefined && !ref.startsWith('sha256:')) cacheFromHub(p, v2, name, ref);
    const digest = ref.startsWith('sha256:') ? ref : readText(p, `${repo}/_manifests/tags/${ref}/current/link`)?.trim();
    const data = digest ? readText(p, `${v2}/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`) : undefined;
    if (!digest || data === undefined) return json(404, errorBody('MANIFEST_UNKNOWN', 'manifest unknown', ref.startsWith('sha256:') ? `unknown manifest name=${name} revision=${ref}` : { Tag: ref }));
    const mediaType = /"mediaType"\s*:\s*"([^"]+)"/.exec(data)?.[1] ?? 'application/vnd.docker.distribution.manifest.v2+json';
    return { status: 200, type: mediaType, body: data, headers: [['Docker-Content-Digest', digest], ['Etag', `"${digest}"`]] };
  }
  const digest = m[4]!;
  // A blob is served only by a repository it was pushed to or mounted into (its _layers link), as the linked blob store does.
  const linked = p.fs.exists(`${repo}/_layers/sha256/${digest.slice(7)}/link`);
  const data = linked ? readText(p, `${v2}/blobs/sha256/${digest.slice(7, 9)}/${digest.slice(7)}/data`) : undefined;
  if (data === undefined) return json(404, errorBody('BLOB_UNKNOWN', 'blob unknown to registry', digest));
  return { status: 200, type: 'application/octet-stream', body: data, headers: [['Docker-Content-Digest', digest], ['Etag', `"${digest}"`]] };
}

/**
 * A pull-through cache (proxy.remoteurl) fetches a tag it does not hold from
 * the remote and keeps it. The remote is Docker Hub, which the simulator
 * has no Internet to reach: the simulated Hub's image is what it gets.
 */
function cacheFromHub(p: Proc, v2: string, name: string, tag: string): void {
  const current = `${v2}/repositories/${name}/_manifests/tags/${tag}/current/link`;
  if (p.fs.exists(current)) return;
  const image = hubRegistryImage(name, tag);
  if (!image) return;
  for (const b of [image.config, ...image.layers, image.manifest]) {
    const hex = b.digest.slice(7);
    storeFile(p, `${v2}/blobs/sha256/${hex.slice(0, 2)}/${hex}/data`, b.data);
  }
  for (const l of [image.config, ...image.layers]) storeFile(p, `${v2}/repositories/${name}/_layers/sha256/${l.digest.slice(7)}/link`, l.digest);
  const m = image.manifest.digest;
  storeFile(p, `${v2}/repositories/${name}/_manifests/revisions/sha256/${m.slice(7)}/link`, m);
  storeFile(p, `${v2}/repositories/${name}/_manifests/tags/${tag}/index/sha256/${m.slice(7)}/link`, m);
  storeFile(p, current, m);
}

function storeFile(p: Proc, path: string, data: string): void {
  p.fs.mkdir(path.slice(0, path.lastIndexOf('/')), { parents: true });
  p.fs.writeFile(path, data);
}

/** The repository names under repositories/ (nested names like library/nginx included), sorted. */
function repositories(p: Proc, dir: string, prefix = ''): string[] {
  const names = p.fs.readdir(dir);
  if (typeof names === 'string') return [];
  const out: string[] = [];
  for (const n of names) {
    if (n.startsWith('_')) continue;
    const path = `${dir}/${n}`;
    if (!p.fs.isDir(path)) continue;
    if (p.fs.isDir(`${path}/_manifests`)) out.push(prefix + n);
    out.push(...repositories(p, path, `${prefix}${n}/`));
  }
  return out.sort();
}

/** logrus's logfmt value: quoted when it holds anything but letters, digits and -._/@^+. */
function logfmt(v: string): string {
  return /^[A-Za-z0-9\-._/@^+]+$/.test(v) ? v : JSON.stringify(v);
}

/** A v4-looking uuid derived from stable values (the simulator reads no randomness here). */
function uuid(seed: string): string {
  const h = fnvHex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
