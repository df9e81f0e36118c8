/**
 * Just enough rtnetlink to read the requests dockerd sends: RTM_NEWLINK /
 * SETLINK / DELLINK (veth pairs, bridge ports, moves into a namespace,
 * renames, up), RTM_NEWADDR and RTM_NEWROUTE. Little-endian, as on x86 and arm64.
 */

export const RTM = { NEWLINK: 16, DELLINK: 17, SETLINK: 19, NEWADDR: 20, DELADDR: 21, NEWROUTE: 24, DELROUTE: 25 } as const;

const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MASTER = 10;
const IFLA_LINKINFO = 18;
const IFLA_NET_NS_PID = 19;
const IFLA_NET_NS_FD = 28;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const IFF_UP = 1;

export type NetlinkRequest =
  | {
      kind: 'link';
      type: number;
      index: number;
      flags: number;
      change: number;
      name?: string;
      /** IFLA_LINKINFO kind: "veth", "bridge", … */
      linkKind?: string;
      peer?: string;
      master?: number;
      netnsFd?: number;
      netnsPid?: number;
      mac?: string;
    }
  | { kind: 'addr'; type: number; index: number; addr: string }
  | { kind: 'route'; type: number; dst: string; via?: string; oif?: number };

interface Attr {
  type: number;
  data: Uint8Array;
}

function attrs(buf: Uint8Array, start: number, end: number): Attr[] {
  const out: Attr[] = [];
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let p = start;
  while (p + 4 <= end) {
    const len = view.getUint16(p, true);
    const type = view.getUint16(p + 2, true) & 0x3fff;
    if (len < 4 || p + len > end) break;
    out.push({ type, data: buf.subarray(p + 4, p + len) });
    p += (len + 3) & ~3;
  }
  return out;
}

function cstr(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return String.fromCharCode(...(nul >= 0 ? data.subarray(0, nul) : data));
}

function u32(data: Uint8Array): number {
  return data.length >= 4 ? new DataView(data.buffer, data.byteOffset, 4).getUint32(0, true) : 0;
}

function ip(data: Uint8Array): string {
  if (data.length === 4) return [...data].join('.');
  if (data.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((data[i]! << 8) | data[i + 1]!).toString(16));
    return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  }
  return '';
}

function mac(data: Uint8Array): string {
  return [...data].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** One netlink message (header included) → the request it makes; null for anything else. */
export function parseNetlink(buf: Uint8Array): NetlinkRequest | null {
  if (buf.length < 16) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = Math.min(view.getUint32(0, true), buf.length);
  const type = view.getUint16(4, true);
  const body = 16;
  if (type === RTM.NEWLINK || type === RTM.SETLINK || type === RTM.DELLINK) {
    if (len < body + 16) return null;
    const index = view.getInt32(body + 4, true);
    const flags = view.getUint32(body + 8, true);
    const change = view.getUint32(body + 12, true);
    const out: Extract<NetlinkRequest, { kind: 'link' }> = { kind: 'link', type, index, flags, change };
    for (const a of attrs(buf, body + 16, len)) {
      if (a.type === IFLA_IFNAME) out.name = cstr(a.data);
      else if (a.type === IFLA_MASTER) out.master = u32(a.data);
      else if (a.type === IFLA_NET_NS_FD) out.netnsFd = u32(a.data);
      else if (a.type === IFLA_NET_NS_PID) out.netnsPid = u32(a.data);
      else if (a.type === IFLA_ADDRESS) out.mac = mac(a.data);
      else if (a.type === IFLA_LINKINFO) {
        for (const info of attrs(a.data, 0, a.data.length)) {
          if (info.type === IFLA_INFO_KIND) out.linkKind = cstr(info.data);
          else if (info.type === IFLA_INFO_DATA) {
            for (const d of attrs(info.data, 0, info.data.length)) {
              // VETH_INFO_PEER: an ifinfomsg, then the peer's attributes.
              if (d.type !== VETH_INFO_PEER || d.data.length < 16) continue;
              for (const pa of attrs(d.data, 16, d.data.length)) if (pa.type === IFLA_IFNAME) out.peer = cstr(pa.data);
            }
          }
        }
      }
    }
    return out;
  }
  if (type === RTM.NEWADDR || type === RTM.DELADDR) {
    if (len < body + 8) return null;
    const prefix = buf[body + 1]!;
    const index = view.getUint32(body + 4, true);
    let addr = '';
    for (const a of attrs(buf, body + 8, len)) {
      if (a.type === IFA_LOCAL || (a.type === IFA_ADDRESS && !addr)) addr = ip(a.data);
    }
    return { kind: 'addr', type, index, addr: addr ? `${addr}/${prefix}` : '' };
  }
  if (type === RTM.NEWROUTE || type === RTM.DELROUTE) {
    if (len < body + 12) return null;
    const dstLen = buf[body + 1]!;
    const out: Extract<NetlinkRequest, { kind: 'route' }> = { kind: 'route', type, dst: 'default' };
    for (const a of attrs(buf, body + 12, len)) {
      if (a.type === RTA_DST) out.dst = `${ip(a.data)}/${dstLen}`;
      else if (a.type === RTA_GATEWAY) out.via = ip(a.data);
      else if (a.type === RTA_OIF) out.oif = u32(a.data);
    }
    return out;
  }
  return null;
}

/** Whether a link request brings the link up. */
export function bringsUp(req: Extract<NetlinkRequest, { kind: 'link' }>): boolean {
  return (req.change & IFF_UP) !== 0 && (req.flags & IFF_UP) !== 0;
}
