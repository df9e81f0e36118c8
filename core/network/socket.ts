import type { Socket, SocketAddress } from './view';

/**
 * A connected pair of simulated stream sockets. Writes reach the peer at once
 * (in the same turn), or wait in a buffer until the peer registers onData;
 * end() reaches the peer after its data. Nothing here reads time, so a
 * conversation replays identically.
 */
export function socketPair(client: SocketAddress, server: SocketAddress, clientAsSeenByServer = client.ip): [Socket, Socket] {
  const a = new End(client, server);
  const b = new End(server, { ip: clientAsSeenByServer, port: client.port });
  a.peer = b;
  b.peer = a;
  return [a, b];
}

class End implements Socket {
  peer!: End;
  private readonly buffer: string[] = [];
  private ended = false;
  private endReported = false;
  private closedByUs = false;
  private dataCb: ((text: string) => void) | null = null;
  private endCb: (() => void) | null = null;

  constructor(
    readonly local: SocketAddress,
    readonly remote: SocketAddress,
  ) {}

  write(text: string): void {
    if (this.closedByUs || text === '') return;
    this.peer.receive(text);
  }

  end(): void {
    if (this.closedByUs) return;
    this.closedByUs = true;
    this.peer.receiveEnd();
  }

  onData(cb: (text: string) => void): void {
    this.dataCb = cb;
    const pending = this.buffer.splice(0);
    for (const t of pending) cb(t);
    this.endIfDrained();
  }

  onEnd(cb: () => void): void {
    this.endCb = cb;
    this.endIfDrained();
  }

  private receive(text: string): void {
    if (this.dataCb) this.dataCb(text);
    else this.buffer.push(text);
  }

  private receiveEnd(): void {
    this.ended = true;
    this.endIfDrained();
  }

  /** The peer's end is reported once, after every byte it sent has been read. */
  private endIfDrained(): void {
    if (!this.ended || this.buffer.length > 0 || !this.endCb || this.endReported) return;
    this.endReported = true;
    this.endCb();
  }
}
