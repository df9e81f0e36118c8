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
 * (the packet path's ▶ Play).
 */
export const VIEW_TABS = ['lifecycle', 'layers', 'network', 'volumes', 'registry', 'kernel', 'trace'] as const;
export type ViewTab = (typeof VIEW_TABS)[number];

export type ViewPoint = { kind: 'row' | 'whiteout'; path: string } | { kind: 'veth' | 'cgroup' | 'play' };

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
      const p = /^(row|whiteout|veth|cgroup|play)(?:\s+(\S+))?$/.exec(value);
      if (!p) throw new ViewSyntaxError(`unknown point "${value}" (row PATH, whiteout PATH, veth, cgroup or play)`, line);
      const kind = p[1] as ViewPoint['kind'];
      if (kind === 'row' || kind === 'whiteout') {
        if (!p[2]?.startsWith('/')) throw new ViewSyntaxError(`"point: ${kind}" needs an absolute path`, line);
        point = { kind, path: p[2] };
      } else {
        if (p[2] !== undefined) throw new ViewSyntaxError(`"point: ${kind}" takes no argument`, line);
        point = { kind };
      }
    }
  });
  if (!tab) throw new ViewSyntaxError('the ```view fence needs "tab: …"', firstLine);
  return { tab, ...(container ? { container } : {}), ...(point ? { point } : {}) };
}
