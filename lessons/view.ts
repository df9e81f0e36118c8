/**
 * What a step shows in the diagrams (a ```view fence): the tab it brings
 * forward, the container it selects, and the one element it points at.
 *
 *     tab: layers
 *     container: box
 *     point: whiteout /etc/hostname
 *
 * Points: `row PATH` / `whiteout PATH` (a file in the layer tree), `veth`
 * (the container's veth pair), `cgroup` (its cgroup directories), `play`
 * (the packet path's ▶ Play), `mount PATH` (the container's mount at PATH in
 * the Volumes view), `volume NAME` (a volume in the engine's volumes),
 * `image REF` (an image in the layer-sharing view), `registry HOST` (a
 * registry in the Registry view), `ns TYPE` (the container's namespace of
 * that type in the Kernel view), `state STATE` (a state of the lifecycle).
 */
export const VIEW_TABS = ['lifecycle', 'layers', 'network', 'volumes', 'registry', 'kernel', 'trace'] as const;
export type ViewTab = (typeof VIEW_TABS)[number];

const PATH_POINTS = ['row', 'whiteout', 'mount'] as const;
const NAME_POINTS = ['volume', 'image', 'registry', 'ns', 'state'] as const;
const BARE_POINTS = ['veth', 'cgroup', 'play'] as const;
export const NS_POINT_TYPES = ['mnt', 'uts', 'ipc', 'pid', 'net', 'user', 'cgroup'] as const;

export type ViewPoint =
  | { kind: (typeof PATH_POINTS)[number]; path: string }
  | { kind: (typeof NAME_POINTS)[number]; name: string }
  | { kind: (typeof BARE_POINTS)[number] };

const POINT_USAGE = 'row PATH, whiteout PATH, mount PATH, volume NAME, image REF, registry HOST, ns TYPE, state STATE, veth, cgroup or play';

export interface StepView {
  tab: ViewTab;
  container?: string;
  point?: ViewPoint;
}

export class ViewSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(reason);
  }
}

/** Parses a ```view fence's lines; `firstLine` is the line of the first of them. Throws ViewSyntaxError. */
export function parseView(lines: readonly string[], firstLine: number): StepView {
  let tab: ViewTab | undefined;
  let container: string | undefined;
  let point: ViewPoint | undefined;
  lines.forEach((raw, i) => {
    const line = firstLine + i;
    const text = raw.trim();
    if (text === '') return;
    const m = /^(tab|container|point):\s*(.*)$/.exec(text);
    if (!m) throw new ViewSyntaxError(`expected "tab:", "container:" or "point:", got "${text}"`, line);
    const value = m[2]!.trim();
    if (m[1] === 'tab') {
      if (!(VIEW_TABS as readonly string[]).includes(value)) throw new ViewSyntaxError(`unknown tab "${value}" (one of ${VIEW_TABS.join(', ')})`, line);
      tab = value as ViewTab;
    } else if (m[1] === 'container') {
      if (!/^[A-Za-z0-9][\w.-]*$/.test(value)) throw new ViewSyntaxError(`"${value}" is not a container name`, line);
      container = value;
    } else {
      const p = /^([a-z]+)(?:\s+(\S+))?$/.exec(value);
      const kind = p?.[1] ?? '';
      const arg = p?.[2];
      if ((PATH_POINTS as readonly string[]).includes(kind)) {
        if (!arg?.startsWith('/')) throw new ViewSyntaxError(`"point: ${kind}" needs an absolute path`, line);
        point = { kind: kind as (typeof PATH_POINTS)[number], path: arg };
      } else if ((NAME_POINTS as readonly string[]).includes(kind)) {
        if (arg === undefined) throw new ViewSyntaxError(`"point: ${kind}" needs a name`, line);
        if (kind === 'ns' && !(NS_POINT_TYPES as readonly string[]).includes(arg)) throw new ViewSyntaxError(`unknown namespace "${arg}" (one of ${NS_POINT_TYPES.join(', ')})`, line);
        point = { kind: kind as (typeof NAME_POINTS)[number], name: arg };
      } else if ((BARE_POINTS as readonly string[]).includes(kind)) {
        if (arg !== undefined) throw new ViewSyntaxError(`"point: ${kind}" takes no argument`, line);
        point = { kind: kind as (typeof BARE_POINTS)[number] };
      } else throw new ViewSyntaxError(`unknown point "${value}" (${POINT_USAGE})`, line);
    }
  });
  if (!tab) throw new ViewSyntaxError('the ```view fence needs "tab: …"', firstLine);
  return { tab, ...(container ? { container } : {}), ...(point ? { point } : {}) };
}
