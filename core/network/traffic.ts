import { utf8Length } from '../utf8';
import type { Socket } from './view';

/**
 * Bytes and packets each network namespace's interfaces moved (what `ip -s
 * link`, ifconfig and `docker stats` NET I/O read): counted per flow that
 * leaves a namespace, as Ethernet frames. A stream write is one TCP segment
 * (66 bytes of Ethernet, IPv4 and TCP-with-timestamps headers around the
 * data); a connection adds its handshake (SYN 74, SYN-ACK 74, ACK 66) and a
 * FIN from each side; a ping is a 98-byte echo request and its reply. ACKs of
 * data are not modelled. Traffic inside one namespace (loopback) is not
 * counted: docker stats sums the container's endpoints, not lo.
 */

export interface Counters {
  rxBytes: number;
  rxPackets: number;
  txBytes: number;
  txPackets: number;
}

const SEGMENT_HEADERS = 66;
const SYN = 74;
const ICMP_ECHO = 98;

export class Traffic {
  private readonly byNetns = new Map<string, Counters>();

  /** The namespace's counters now (zeros for one that moved nothing). */
  of(netns: string): Readonly<Counters> {
    return this.byNetns.get(netns) ?? { rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0 };
  }

  /** Forgets a namespace's counters (its interfaces are gone: a container's veth on stop). */
  forget(netns: string): void {
    this.byNetns.delete(netns);
  }

  /** One frame of `bytes` from `from` to `to`. */
  frame(from: string, to: string, bytes: number): void {
    if (from === to) return;
    const tx = this.counters(from);
    tx.txBytes += bytes;
    tx.txPackets++;
    const rx = this.counters(to);
    rx.rxBytes += bytes;
    rx.rxPackets++;
  }

  /** An echo request and its reply. */
  ping(from: string, to: string): void {
    this.frame(from, to, ICMP_ECHO);
    this.frame(to, from, ICMP_ECHO);
  }

  /** A TCP connection between `client` (in `from`) and `server` (in `to`): the handshake now, then each write and end as it happens. */
  counted(client: Socket, server: Socket, from: string, to: string): [Socket, Socket] {
    if (from === to) return [client, server];
    this.frame(from, to, SYN);
    this.frame(to, from, SYN);
    this.frame(from, to, SEGMENT_HEADERS);
    return [this.wrap(client, from, to), this.wrap(server, to, from)];
  }

  private wrap(s: Socket, self: string, peer: string): Socket {
    return {
      local: s.local,
      remote: s.remote,
      write: (text) => {
        if (text !== '') this.frame(self, peer, SEGMENT_HEADERS + utf8Length(text));
        s.write(text);
      },
      end: () => {
        this.frame(self, peer, SEGMENT_HEADERS);
        s.end();
      },
      onData: (cb) => s.onData(cb),
      onEnd: (cb) => s.onEnd(cb),
    };
  }

  private counters(netns: string): Counters {
    let c = this.byNetns.get(netns);
    if (!c) {
      c = { rxBytes: 0, rxPackets: 0, txBytes: 0, txPackets: 0 };
      this.byNetns.set(netns, c);
    }
    return c;
  }
}
