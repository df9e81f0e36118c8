import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TOKEN_PROTOCOL_PREFIX } from '../real/protocol';

/**
 * The agent's gatekeeping, as small pure checks the server applies to every
 * request and upgrade. The agent is root-equivalent: whoever passes these can
 * run docker on this machine.
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

/** The Host headers a loopback request for this port may carry (DNS-rebinding defence). */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

export function hostAllowed(host: string | undefined, port: number): boolean {
  return host !== undefined && allowedHosts(port).includes(host.toLowerCase());
}

/** Origins the page served by this agent has; nothing else may open the WebSocket. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  return origin !== undefined && allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);
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
