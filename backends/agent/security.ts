import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { hostDirPathProblem } from '../../core/engine/hostDir';
import { TOKEN_PROTOCOL_PREFIX } from '../real/protocol';

/**
 * The agent's gatekeeping, as small pure checks the server applies to every
 * request and upgrade. The agent is root-equivalent: whoever passes these can
 * run docker on this machine. Without --host-shell the terminal's own files
 * live in memory and a page never writes the host's disk (except through the
 * docker CLI it is allowed); with --host-shell, which the operator opts into,
 * they are the host's real files, read and written as the agent's user.
 */

/** 32 random bytes, hex: the per-start secret the printed URL carries. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Constant-time comparison; hashing first hides the length too. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string' || given.length === 0 || given.length > 256) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** Loopback addresses are reachable from this machine only: listening there needs no public URL. */
export function isLoopback(address: string): boolean {
  return (isIPv4(address) && address.startsWith('127.')) || address === '::1';
}

/**
 * The Host headers a request for this agent may carry (DNS-rebinding defence):
 * its loopback names for the port it listens on, and, when it is reached
 * through a published port or a proxy, the host of that public URL.
 */
export function allowedHosts(port: number, publicUrl?: URL): string[] {
  const hosts = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  return publicUrl ? [...hosts, publicUrl.host] : hosts;
}

export function hostAllowed(host: string | undefined, port: number, publicUrl?: URL): boolean {
  return host !== undefined && allowedHosts(port, publicUrl).includes(host.toLowerCase());
}

/** Origins the page served by this agent has; nothing else may open the WebSocket. */
export function originAllowed(origin: string | undefined, port: number, publicUrl?: URL): boolean {
  if (origin === undefined) return false;
  const o = origin.toLowerCase();
  return allowedHosts(port).some((h) => o === `http://${h}`) || (publicUrl !== undefined && o === publicUrl.origin);
}

/**
 * The address browsers open the agent at when it is not loopback on this
 * machine (a port published by `docker run -p`, a path behind
 * jupyter-server-proxy), or why `text` cannot be one. Its host and origin join
 * the allowlists, so it must be exact: http(s), no user, query or fragment.
 * The path is kept (the printed URL carries it) and ends with a slash, since
 * the page resolves its assets and WebSocket against it.
 */
export function parsePublicUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `invalid public URL: ${text}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `the public URL must be http: or https:, not ${url.protocol} (${text})`;
  if (url.username || url.password || url.search || url.hash || text.includes('?') || text.includes('#')) {
    return `the public URL must have no user, query or fragment: ${text}`;
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/** A token given to the agent (`--token-file`) must be as strong as one it makes itself. */
export function tokenFileProblem(text: string, mode: number): string | null {
  if ((mode & 0o077) !== 0) return `is readable or writable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`;
  if (!/^[0-9a-f]{64}$/.test(text.trim())) return "must hold 64 lowercase hex digits (e.g. od -An -tx1 -N32 /dev/urandom | tr -d ' \\n')";
  return null;
}

/** The token offered on an upgrade: `?token=` or the `glassbox.token.<hex>` subprotocol. */
export function tokenFromUpgrade(url: string | undefined, protocolHeader: string | undefined): string | null {
  for (const p of (protocolHeader ?? '').split(',')) {
    const t = p.trim();
    if (t.startsWith(TOKEN_PROTOCOL_PREFIX)) return t.slice(TOKEN_PROTOCOL_PREFIX.length);
  }
  return tokenFromUrl(url);
}

export function tokenFromUrl(url: string | undefined): string | null {
  try {
    return new URL(url ?? '/', 'http://agent.invalid').searchParams.get('token');
  } catch {
    return null;
  }
}

/** `Authorization: Bearer <token>` for the HTTP API. */
export function tokenFromAuthorization(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m ? m[1]! : null;
}

/**
 * A token bucket: `capacity` messages at once, refilled at `perSecond`.
 * Time comes in as an argument so tests need no clock.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.last = now;
  }

  /** Takes `cost` tokens (one message, or its size) if there are that many. */
  take(now: number, cost = 1): boolean {
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}

/**
 * Issue 11: where a host directory listing may look, checked as hostile input.
 * The path must be a plain absolute path (no NUL or control characters, no
 * `.` or `..` segments: core/engine/hostDir.ts) and, once every symlink in it
 * is resolved, be one of `roots` or under one of them — roots resolved the
 * same way: the engine's data root and the bind-mount sources of live
 * containers. Resolves with the real path to read; rejects with the reason.
 */
export async function resolveListablePath(path: unknown, roots: readonly string[]): Promise<string> {
  const problem = hostDirPathProblem(path);
  if (problem) throw new Error(problem);
  let real: string;
  try {
    real = await realpath(path as string);
  } catch {
    throw new Error('no such directory');
  }
  for (const root of roots) {
    if (hostDirPathProblem(root) !== null) continue;
    let r: string;
    try {
      r = await realpath(root);
    } catch {
      continue;
    }
    // The root itself may not be "/": that would let everything through.
    if (r === '/') continue;
    if (real === r || real.startsWith(`${r}/`)) return real;
  }
  throw new Error('outside the engine’s data root and the containers’ bind mounts');
}
