import { contains, parseCidr, parseIp } from '../network/ip';
import type { NetView } from '../network/view';
import { base64 } from '../base64';
import { DaemonError } from './errors';
import { insecureRegistries } from './config';
import type { Services } from './services';

/**
 * The daemon's registry client (moby's registry package and distribution
 * client): from a registry's host[:port] to the endpoints it tries, and the
 * API version check (`GET /v2/`) over the simulated network from the host's
 * namespace, so a registry:2 container published on the host answers it.
 * Docker Hub itself is not on the simulated network: the simulator has no
 * Internet, so the Hub's answers are modelled (see `isHub`).
 */

/** The Hub's index address, the key `docker login` stores Hub credentials under. */
export const INDEX_SERVER = 'https://index.docker.io/v1/';

/** Names that mean Docker Hub (registry.IndexHostname and its aliases). */
export function isHub(server: string): boolean {
  const host = hostOf(server);
  return host === 'docker.io' || host === 'index.docker.io' || host === 'registry-1.docker.io';
}

/** docker/cli's ConvertToHostname: a server address without scheme and path. */
export function hostOf(server: string): string {
  let s = server;
  if (s.startsWith('http://')) s = s.slice(7);
  else if (s.startsWith('https://')) s = s.slice(8);
  const slash = s.indexOf('/');
  return slash < 0 ? s : s.slice(0, slash);
}

/** Whether the daemon talks plain HTTP to this registry (insecure-registries: CIDRs of its address, or its host[:port]). */
export function isInsecure(insecure: readonly string[], hostPort: string, ip: string | undefined): boolean {
  for (const entry of insecure) {
    const cidr = entry.includes('/') ? parseCidr(entry) : undefined;
    if (cidr) {
      const n = ip === undefined ? undefined : parseIp(ip);
      if (n !== undefined && contains(cidr, n)) return true;
    } else if (entry === hostPort) return true;
  }
  return false;
}

export interface HttpReply {
  status: number;
  /** Header names lower-cased. */
  headers: Map<string, string>;
  body: string;
}

const USER_AGENT = 'docker/28.2.2 go/go1.24.3 os/linux arch/amd64';

/** One HTTP/1.1 exchange over a simulated connection; undefined when the peer closed without a response. */
function exchange(net: NetView, ip: string, port: number, request: string): Promise<HttpReply | undefined> | 'refused' {
  const c = net.connect(ip, port);
  if (!c.ok) return 'refused';
  return new Promise((resolve) => {
    let received = '';
    c.socket.onData((t) => (received += t));
    c.socket.onEnd(() => {
      // indexOf, not one regular expression over the whole reply: a blob's body is large.
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received.slice(0, 16));
      const lineEnd = received.indexOf('\r\n');
      const headEnd = received.indexOf('\r\n\r\n');
      if (!status || lineEnd < 0 || headEnd < 0) return resolve(undefined);
      const headers = new Map<string, string>();
      for (const line of received.slice(lineEnd + 2, headEnd).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      resolve({ status: Number(status[1]), headers, body: received.slice(headEnd + 4) });
    });
    c.socket.write(request);
    c.socket.end();
  });
}

/** Where the daemon reaches a registry: its address, port and scheme (plain HTTP only for insecure registries). */
export interface Endpoint {
  hostPort: string;
  ip: string;
  port: number;
  /** "http://localhost:5000" */
  base: string;
  /** base64("user:password"), sent as Basic auth when the registry asks (the client's X-Registry-Auth). */
  auth?: string;
}

/** The credentials the client sends with a push, pull or login (its AuthConfig). */
export interface RegistryAuth {
  username: string;
  password: string;
}

/**
 * An error of Go's net/http client: `Get "URL": cause`. The pusher unwraps
 * some causes (retryOnError: a missing credential is printed bare).
 */
export class UrlError extends DaemonError {
  constructor(
    verb: string,
    url: string,
    readonly reason: string,
  ) {
    super(`${verb} "${url}": ${reason}`, 'system');
  }
}

/** distribution's auth.ErrNoBasicAuthCredentials: the registry asked for Basic auth and the client had none. */
export const NO_BASIC_AUTH = 'no basic auth credentials';

/**
 * The endpoint for a registry host[:port] (registry.Service.LookupPushEndpoints):
 * HTTPS, with HTTP for an insecure registry, the error texts Go's net/http
 * gives when neither works.
 */
export function resolveEndpoint(d: Services, hostPort: string, auth?: RegistryAuth): Endpoint {
  const colon = hostPort.lastIndexOf(':');
  const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
  const portText = colon < 0 ? '' : hostPort.slice(colon + 1);
  const net = d.net.view('host');
  const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host : host === 'localhost' ? '127.0.0.1' : net.resolve(host);
  const insecure = isInsecure(insecureRegistries(d.config), hostPort, ip);
  const base = `${insecure ? 'http' : 'https'}://${hostPort}`;
  if (ip === undefined) throw new UrlError('Get', `${base}/v2/`, `dial tcp: lookup ${host}: no such host`);
  const port = portText !== '' ? Number(portText) : insecure ? 80 : 443;
  return { hostPort, ip, port, base: insecure ? base : `https://${hostPort}`, ...(auth ? { auth: base64(`${auth.username}:${auth.password}`) } : {}) };
}

/**
 * One request from the daemon to a registry; rejects with net/http's error
 * text (`METHOD "URL": …`, Go capitalising only Get's… as it prints them).
 * Credentials go along as Basic auth; a registry asking for Basic auth when
 * there are none fails the request (but not the `/v2/` ping, whose 401 only
 * tells the client which challenge to answer).
 */
export async function registryRequest(d: Services, ep: Endpoint, method: string, path: string, body?: string): Promise<HttpReply> {
  const url = `${ep.base}${path}`;
  const verb = method[0]! + method.slice(1).toLowerCase();
  const authorization = ep.auth !== undefined ? `Authorization: Basic ${ep.auth}\r\n` : '';
  const head = `${method} ${path} HTTP/1.1\r\nHost: ${ep.hostPort}\r\nUser-Agent: ${USER_AGENT}\r\n${authorization}${body !== undefined ? `Content-Length: ${body.length}\r\n` : ''}\r\n`;
  const reply = exchange(d.net.view('host'), ep.ip, ep.port, head + (body ?? ''));
  if (reply === 'refused') throw new UrlError(verb, url, `dial tcp ${ep.ip}:${ep.port}: connect: connection refused`);
  const res = await reply;
  // A TLS client hello to a plain-HTTP server gets an HTTP 400 back: Go names that case.
  if (ep.base.startsWith('https:')) throw new UrlError(verb, url, 'http: server gave HTTP response to HTTPS client');
  if (res === undefined) throw new UrlError(verb, url, 'EOF');
  const basic = /^basic\b/i.test(res.headers.get('www-authenticate') ?? '');
  if (res.status === 401 && basic && ep.auth === undefined && path !== '/v2/') throw new UrlError(verb, url, NO_BASIC_AUTH);
  return res;
}

/**
 * distribution's errcode text for a registry's error answer: `code: message`
 * of its first error, the code lower-cased with spaces ("manifest unknown:
 * manifest unknown", "unauthorized: authentication required").
 */
export function registryErrorText(res: HttpReply): string {
  try {
    const parsed = JSON.parse(res.body) as { errors?: { code?: string; message?: string }[] };
    const first = parsed.errors?.[0];
    if (first?.code !== undefined) return `${first.code.toLowerCase().replace(/_/g, ' ')}: ${first.message ?? ''}`;
  } catch {
    // Not JSON: the status says it.
  }
  if (res.status === 401) return 'unauthorized: authentication required';
  return `unexpected status: ${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trimEnd();
}

/**
 * The daemon's login check (registry.Service.Auth → loginV2): `GET /v2/` on
 * the registry. Resolves when the registry accepts anonymous access (a
 * registry:2 without auth answers 200); rejects with the daemon's error text
 * otherwise. A registry with htpasswd auth answers 401 until the
 * credentials match one of its users. The Hub is not reachable offline: it is accepted without a
 * check (the simulator has no accounts to check against).
 */
export async function registryLogin(d: Services, server: string, auth: RegistryAuth): Promise<void> {
  if (isHub(server)) return;
  const ep = resolveEndpoint(d, hostOf(server), auth);
  const res = await registryRequest(d, ep, 'GET', '/v2/');
  const url = `${ep.base}/v2/`;
  if (res.status !== 200) throw new DaemonError(`login attempt to ${url} failed with status: ${res.status} ${STATUS_TEXT[res.status] ?? ''}`.trimEnd(), 'system');
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 401: 'Unauthorized', 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 501: 'Not Implemented' };
