/**
 * Where container chips go inside a state box: left to right, wrapping, each
 * as wide as its (possibly shortened) name; what does not fit becomes "+N".
 */
export interface ChipSlot {
  index: number;
  text: string;
  x: number;
  y: number;
  width: number;
}

export interface ChipPacking {
  chips: ChipSlot[];
  /** How many containers did not fit; drawn as "+N more" at (moreX, moreY). */
  hidden: number;
  moreX: number;
  moreY: number;
}

export interface ChipMetrics {
  charWidth: number;
  height: number;
  gap: number;
  padding: number;
  maxChars: number;
  /** Width kept for the "+N more" note when something does not fit. */
  moreWidth: number;
}

export const chipMetrics: ChipMetrics = { charWidth: 7.8, height: 22, gap: 5, padding: 9, maxChars: 10, moreWidth: 64 };

export function chipText(name: string, maxChars = chipMetrics.maxChars): string {
  return name.length > maxChars ? `${name.slice(0, maxChars - 1)}…` : name;
}

export function chipWidth(name: string, m: ChipMetrics = chipMetrics): number {
  return Math.max(34, chipText(name, m.maxChars).length * m.charWidth + 2 * m.padding);
}

/** Packs chips into `rows` rows of `width`, starting at (x0, y0). */
export function packChips(names: readonly string[], width: number, rows: number, x0: number, y0: number, m: ChipMetrics = chipMetrics): ChipPacking {
  const rowY = (row: number): number => y0 + row * (m.height + m.gap);
  // Lays chips out left to right, keeping `reserve` free at the end of the last row.
  const pack = (reserve: number): { chips: ChipSlot[]; row: number } => {
    const chips: ChipSlot[] = [];
    let row = 0;
    let x = 0;
    for (let i = 0; i < names.length; i++) {
      const w = Math.min(width, chipWidth(names[i]!, m));
      if (x > 0 && x + w > width) {
        row++;
        x = 0;
      }
      if (row >= rows) break;
      const room = row === rows - 1 ? width - reserve : width;
      let text = chipText(names[i]!, m.maxChars);
      let cw = w;
      if (x + w > room) {
        // A row's first chip shrinks (shorter name) rather than leave the box showing only "+N".
        const chars = Math.floor((room - 2 * m.padding) / m.charWidth);
        if (x > 0 || chars < 3) break;
        text = chipText(names[i]!, chars);
        cw = room;
      }
      chips.push({ index: i, text, x: x0 + x, y: rowY(row), width: cw });
      x += cw + m.gap;
      if (cw !== w) break;
    }
    return { chips, row };
  };
  const all = pack(0);
  if (all.chips.length === names.length) return { chips: all.chips, hidden: 0, moreX: 0, moreY: 0 };
  // Not everything fits: keep as many as fit beside the "+N more" note.
  const { chips, row } = pack(m.moreWidth);
  const lastRow = Math.min(row, rows - 1);
  const lastX = chips.filter((c) => c.y === rowY(lastRow)).reduce((e, c) => Math.max(e, c.x - x0 + c.width + m.gap), 0);
  return { chips, hidden: names.length - chips.length, moreX: x0 + lastX, moreY: rowY(lastRow) };
}
