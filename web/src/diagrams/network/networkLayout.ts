import type { ContainerSnapshot } from '../../../../core/model';
import type { Anchor, Hop } from './packetPath';
import type { BridgeView, Door, HostView, StackView, Topology } from './topology';

/**
 * Where everything of the network diagram goes, in SVG units. Each host is a
 * box: published ports are doors in its top edge, its own stack (the uplink,
 * lo, VXLAN devices, containers in host mode) is the first row, then one
 * column per bridge with its containers in a grid below the bridge bar, each
 * hanging from it by a cable (the veth pair), then the containers with no
 * network. Hosts stand side by side; a VXLAN tunnel joins them.
 */

export interface P {
  x: number;
  y: number;
}
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ContainerBox {
  stack: StackView;
  box: Box;
  /** y of each attachment's interface line, by network name. */
  ethY: Record<string, number>;
}

export interface Cable {
  containerId: string;
  /** The container's name, for tests and titles. */
  name: string;
  network: string;
  path: string;
  /** Where it leaves the bridge, where the veth's host end is drawn, where it enters the container. */
  bar: P;
  veth: P;
  eth: P;
  primary: boolean;
}

export interface BridgeBox {
  view: BridgeView;
  bar: Box;
  column: Box;
}

export interface DoorBox {
  door: Door;
  box: Box;
  /** Where packets pass: the door's inner edge. */
  point: P;
}

export interface HostBox {
  view: HostView;
  box: Box;
  uplink: Box | null;
  lo: Box;
  vxlan: Box | null;
  hostMode: { container: ContainerSnapshot; box: Box }[];
  bridges: BridgeBox[];
  containers: ContainerBox[];
  isolated: ContainerBox[];
  doors: DoorBox[];
  hiddenDoors: number;
  outside: P;
}

export interface Tunnel {
  from: P;
  to: P;
  path: string;
  label: P;
}

export interface NetworkLayout {
  width: number;
  height: number;
  hosts: HostBox[];
  cables: Cable[];
  tunnels: Tunnel[];
}

export const metrics = {
  boxW: 200,
  gapX: 34,
  gapY: 18,
  line: 16,
  header: 28,
  perAttachment: 50,
  joinedLine: 18,
  barH: 46,
  pad: 18,
  /** Below the doors that straddle the top edge: the host's title. */
  hostHeader: 52,
  stackRowH: 48,
  doorW: 200,
  doorH: 42,
  maxDoors: 10,
  chipW: 170,
  hostGap: 150,
  /** Room above the hosts for doors and the outside world. */
  top: 80,
} as const;

const M = metrics;

export function containerHeight(s: StackView): number {
  const body = s.mode === 'none' ? 2 * M.line + 8 : s.attachments.length * M.perAttachment;
  return M.header + body + s.joined.length * M.joinedLine + 6;
}

/** Columns for a bridge with n containers: near-square grids, at most 6 wide. */
export function columnsFor(n: number): number {
  return Math.max(1, Math.min(6, Math.ceil(Math.sqrt(n / 1.5))));
}

function gridOf(stacks: StackView[], x0: number, y0: number): { boxes: ContainerBox[]; w: number; h: number } {
  const cols = columnsFor(stacks.length);
  const boxes: ContainerBox[] = [];
  let y = y0;
  for (let r = 0; r * cols < stacks.length; r++) {
    const row = stacks.slice(r * cols, (r + 1) * cols);
    const h = Math.max(...row.map(containerHeight));
    row.forEach((s, i) => {
      const box = { x: x0 + M.gapX + i * (M.boxW + M.gapX), y, w: M.boxW, h: containerHeight(s) };
      const ethY: Record<string, number> = {};
      s.attachments.forEach((a, k) => (ethY[a.network] = box.y + M.header + k * M.perAttachment + 10));
      boxes.push({ stack: s, box, ethY });
    });
    y += h + M.gapY;
  }
  return { boxes, w: M.gapX + Math.max(1, Math.min(cols, stacks.length)) * (M.boxW + M.gapX), h: stacks.length ? y - y0 - M.gapY : 0 };
}

export function layoutNetwork(topo: Topology): NetworkLayout {
  const hosts: HostBox[] = [];
  const cables: Cable[] = [];
  let x = 20;
  let maxH = 0;
  for (const view of topo.hosts) {
    const hostX = x;
    const hostY = M.top;
    const inner = hostX + M.pad;
    // Row 1: the host's own stack.
    const rowY = hostY + M.hostHeader;
    let cx = inner;
    const uplink = view.uplink ? { x: cx, y: rowY, w: 210, h: M.stackRowH - 6 } : null;
    if (uplink) cx += uplink.w + 12;
    const lo = { x: cx, y: rowY, w: 150, h: M.stackRowH - 6 };
    cx += lo.w + 12;
    const vxlan = view.vxlan.length ? { x: cx, y: rowY, w: 170, h: M.stackRowH - 6 } : null;
    if (vxlan) cx += vxlan.w + 12;
    const hostMode = view.hostMode.map((container) => {
      const box = { x: cx, y: rowY + 8, w: M.chipW, h: 28 };
      cx += M.chipW + 8;
      return { container, box };
    });
    const stackW = cx - inner;

    // Row 2: bridges and their containers.
    const barY = rowY + M.stackRowH + 26;
    let bx = inner;
    let bridgesH = 0;
    const bridges: BridgeBox[] = [];
    const containers: ContainerBox[] = [];
    for (const b of view.bridges) {
      const grid = gridOf(b.members, bx, barY + M.barH + 26);
      // Wide enough that the bar's label (`docker0 · network "bridge" (bridge)`, 8.2 units a character) is never cut.
      const w = Math.max(300, grid.w, 36 + 8.2 * (b.device.length + b.network.name.length + b.network.driver.length + 16));
      const bar = { x: bx + 8, y: barY, w: w - 16, h: M.barH };
      bridges.push({ view: b, bar, column: { x: bx, y: barY, w, h: M.barH + 26 + grid.h } });
      containers.push(...grid.boxes);
      for (const c of grid.boxes) {
        const a = c.stack.attachments[0]!;
        const laneX = c.box.x - M.gapX / 2;
        const ey = c.ethY[a.network]!;
        cables.push({
          containerId: c.stack.container.id,
          name: c.stack.container.name,
          network: a.network,
          path: `M${laneX},${bar.y + bar.h}V${ey}H${c.box.x}`,
          bar: { x: laneX, y: bar.y + bar.h },
          veth: { x: laneX, y: ey },
          eth: { x: c.box.x, y: ey },
          primary: true,
        });
      }
      bridgesH = Math.max(bridgesH, M.barH + 26 + grid.h);
      bx += w + 12;
    }
    const bridgesW = bx - inner;

    // Further networks of a container: a cable from that bridge along the gutter under
    // the bars, then down beside the box (clear of the neighbours' lanes) to its right side.
    let extra = 0;
    for (const c of containers) {
      for (const a of c.stack.attachments.slice(1)) {
        const other = bridges.find((b) => b.view.network.name === a.network);
        if (!other) continue;
        const ey = c.ethY[a.network]!;
        const right = c.box.x + c.box.w;
        const lane = right + 7;
        const sx = Math.min(Math.max(lane, other.bar.x + 12), other.bar.x + other.bar.w - 12);
        const sy = other.bar.y + other.bar.h;
        const gy = sy + 8 + (extra++ % 4) * 4;
        cables.push({
          containerId: c.stack.container.id,
          name: c.stack.container.name,
          network: a.network,
          path: `M${sx},${sy}V${gy}H${lane}V${ey}H${right}`,
          bar: { x: sx, y: sy },
          veth: { x: lane, y: ey },
          eth: { x: right, y: ey },
          primary: false,
        });
      }
    }

    // Row 3: containers with no network.
    const isoY = barY + (bridgesH || 0) + 30;
    let ix = inner;
    const isolated = view.isolated.map((stack) => {
      const box = { x: ix, y: isoY + 22, w: M.boxW, h: containerHeight(stack) };
      ix += M.boxW + 12;
      return { stack, box, ethY: {} };
    });
    const isoH = isolated.length ? 22 + Math.max(...isolated.map((i) => i.box.h)) : 0;

    const shown = view.doors.slice(0, M.maxDoors);
    const doorsW = shown.length * (M.doorW + 10) + 20;
    const w = Math.max(stackW, bridgesW, ix - inner, doorsW) + 2 * M.pad;
    const h = isoY + isoH + M.pad - hostY;
    const doors = shown.map((door, i) => {
      const box = { x: inner + 10 + i * (M.doorW + 10), y: hostY - M.doorH / 2, w: M.doorW, h: M.doorH };
      return { door, box, point: { x: box.x + box.w / 2, y: box.y + box.h } };
    });
    hosts.push({
      view,
      box: { x: hostX, y: hostY, w, h },
      uplink,
      lo,
      vxlan,
      hostMode,
      bridges,
      containers,
      isolated,
      doors,
      hiddenDoors: view.doors.length - shown.length,
      outside: { x: uplink ? uplink.x + uplink.w / 2 : hostX + w / 2, y: 16 },
    });
    x += w + M.hostGap;
    maxH = Math.max(maxH, hostY + h);
  }

  const tunnels: Tunnel[] = [];
  for (let i = 0; i + 1 < hosts.length; i++) {
    const a = vxlanPoint(hosts[i]!);
    const b = vxlanPoint(hosts[i + 1]!);
    if (!a || !b) continue;
    const from = { x: a.x, y: a.y };
    const to = { x: b.x, y: b.y };
    const mid = { x: (from.x + to.x) / 2, y: Math.min(from.y, to.y) - 40 };
    tunnels.push({ from, to, path: `M${from.x},${from.y}Q${mid.x},${mid.y} ${to.x},${to.y}`, label: { x: mid.x, y: mid.y + 16 } });
  }

  return { width: Math.max(x - M.hostGap + 20, 400), height: maxH + 20, hosts, cables, tunnels };
}

function vxlanPoint(h: HostBox): P | null {
  if (h.vxlan) return { x: h.vxlan.x + h.vxlan.w / 2, y: h.vxlan.y + h.vxlan.h / 2 };
  const overlay = h.bridges.find((b) => b.view.network.driver === 'overlay');
  return overlay ? { x: overlay.bar.x + overlay.bar.w / 2, y: overlay.bar.y } : null;
}

/** The drawing position of a hop's anchor; null when that part is not drawn. */
export function anchorPoint(layout: NetworkLayout, a: Anchor): P | null {
  const host = layout.hosts.find((h) => h.view.name === a.host);
  if (!host) return null;
  switch (a.at) {
    case 'door':
      return host.doors.find((d) => d.door.key === a.door)?.point ?? null;
    case 'bar':
    case 'veth':
    case 'eth': {
      const c = layout.cables.find((x) => x.containerId === a.containerId && x.network === a.network);
      return c ? c[a.at] : null;
    }
    case 'box': {
      const c = host.containers.find((x) => x.stack.container.id === a.containerId) ?? host.isolated.find((x) => x.stack.container.id === a.containerId);
      return c ? { x: c.box.x + c.box.w / 2, y: c.box.y + 14 } : null;
    }
    case 'uplink':
      return host.uplink ? center(host.uplink) : null;
    case 'lo':
      return center(host.lo);
    case 'outside':
      return host.outside;
    case 'vxlan':
      return vxlanPoint(host);
  }
}

function center(b: Box): P {
  return { x: b.x + b.w / 2, y: b.y + b.h / 2 };
}

/** The packet's route: one point per hop (hops that are not drawn keep the previous point). */
export function routeOf(layout: NetworkLayout, hops: readonly Hop[]): P[] {
  const found = hops.map((h) => anchorPoint(layout, h.anchor));
  const first = found.find((p) => p !== null) ?? { x: 0, y: 0 };
  let last = first;
  return found.map((p) => (last = p ?? last));
}
