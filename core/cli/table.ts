/**
 * Docker's tables: docker/cli's fork of Go's text/tabwriter, configured as its
 * formatter does (`tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)`), and the
 * `--format 'table …'` handling of cli/command/formatter.
 */
import { DOCKER_FUNCS, HEADER_FUNCS, Template, TemplateError } from './gotemplate';

export interface TabwriterOptions {
  /** Minimal cell width including padding. Docker: 10. */
  minwidth?: number;
  /** Padding added to a cell before computing its width. Docker: 3. */
  padding?: number;
  /** ASCII padding character. Docker: ' '. */
  padchar?: string;
}

// go-runewidth, reduced to what matters in a terminal: East Asian wide and
// fullwidth characters take two columns, combining marks and controls none.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cc}\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]$/u;
const WIDE: Array<[number, number]> = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3], [0x25fd, 0x25fe],
  [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1], [0x26aa, 0x26ab], [0x26bd, 0x26be],
  [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea], [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa],
  [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b], [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755],
  [0x2757, 0x2757], [0x2795, 0x2797], [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55],
  [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x18cff], [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e], [0x1f191, 0x1f19a], [0x1f200, 0x1f251], [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff], [0x1f7e0, 0x1f7eb], [0x1f90c, 0x1f9ff], [0x1fa70, 0x1faff], [0x20000, 0x3fffd],
];

function runeWidth(ch: string): number {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x7f && cp >= 0x20) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  for (const [lo, hi] of WIDE) {
    if (cp < lo) break;
    if (cp <= hi) return 2;
  }
  return 1;
}

/** Terminal columns a string takes (go-runewidth StringWidth, approximately). */
export function stringWidth(s: string): number {
  // ASCII fast path (nearly every cell): printable characters take one column, controls none.
  let w = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    if (c >= 0x20 && c < 0x7f) w++;
  }
  if (i === s.length) return w;
  for (const ch of s.slice(i)) w += runeWidth(ch);
  return w;
}

/** A cell's width, or -1 when it holds one of the tabwriter's own control characters. */
function cellWidth(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === TAB || c === VTAB || c === NEWLINE || c === FORMFEED) return -1;
  }
  return stringWidth(s);
}

const CONTROLS = ['\t', '\v', '\n', '\f'];
const TAB = 0x09;
const NEWLINE = 0x0a;
const VTAB = 0x0b;
const FORMFEED = 0x0c;

/** One buffered line: its cells and their widths in columns. */
interface Line {
  cells: string[];
  widths: number[];
}

/** Runs of spaces by length, made once: a table pads thousands of cells. */
const SPACES: string[] = [];

/**
 * Go's tabwriter over a whole text: cells end at '\t' (or '\v'), lines at
 * '\n' (or '\f', which also ends every column). Tab-terminated cells in
 * consecutive lines form a column; the text after a line's last tab is not
 * part of any column and is never padded, so lines carry no trailing blanks.
 * A line without any tab breaks the columns around it.
 */
export function tabwrite(text: string, opts: TabwriterOptions = {}): string {
  const w = new Tabwriter(opts.minwidth ?? 10, opts.padding ?? 3, opts.padchar ?? ' ');
  // Cells are cut between control characters found with indexOf (native and
  // fast), not a character at a time: `docker ps` tables can have thousands of lines.
  const next = CONTROLS.map((ch) => text.indexOf(ch));
  let start = 0;
  for (;;) {
    let k = -1;
    for (let j = 0; j < next.length; j++) if (next[j]! >= 0 && (k < 0 || next[j]! < next[k]!)) k = j;
    if (k < 0) break;
    const i = next[k]!;
    next[k] = text.indexOf(CONTROLS[k]!, i + 1);
    const ncells = w.terminate(text.slice(start, i));
    start = i + 1;
    const ch = CONTROLS[k];
    if (ch === '\n' || ch === '\f') {
      w.lines.push({ cells: [], widths: [] });
      // A one-cell line cannot affect later columns, so tabwriter flushes there.
      if (ch === '\f' || ncells === 1) w.flush();
    }
  }
  if (start < text.length) w.terminate(text.slice(start));
  w.flush();
  return w.out;
}

class Tabwriter {
  out = '';
  lines: Line[] = [{ cells: [], widths: [] }];

  constructor(
    private readonly minwidth: number,
    private readonly padding: number,
    private readonly padchar: string,
  ) {}

  /** Ends a cell of the last line; returns how many cells that line now has. */
  terminate(cell: string): number {
    const line = this.lines[this.lines.length - 1]!;
    line.cells.push(cell);
    line.widths.push(stringWidth(cell));
    return line.cells.length;
  }

  flush(): void {
    this.format(0, this.lines.length, []);
    this.lines = [{ cells: [], widths: [] }];
  }

  /** Go's Writer.format: writes lines [line0, line1) with the column widths found so far, one column deeper at a time. */
  private format(line0: number, line1: number, widths: number[]): void {
    const column = widths.length;
    const lines = this.lines;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row]!.cells.length - 1) continue;
      this.writeLines(line0, row, widths);
      line0 = row;
      let width = this.minwidth;
      for (; row < line1; row++) {
        const line = lines[row]!;
        if (column >= line.cells.length - 1) break;
        width = Math.max(width, line.widths[column]! + this.padding);
      }
      widths.push(width);
      this.format(line0, row, widths);
      widths.pop();
      line0 = row;
    }
    this.writeLines(line0, line1, widths);
  }

  private writeLines(line0: number, line1: number, widths: readonly number[]): void {
    const lines = this.lines;
    let out = this.out;
    for (let i = line0; i < line1; i++) {
      const { cells, widths: cellWidths } = lines[i]!;
      for (let j = 0; j < cells.length; j++) {
        out += cells[j]!;
        if (j < widths.length) out += this.pad(widths[j]! - cellWidths[j]!);
      }
      // The last buffered line is the unterminated tail: no newline after it.
      if (i + 1 < lines.length) out += '\n';
    }
    this.out = out;
  }

  private pad(n: number): string {
    if (this.padchar !== ' ' || n > 256) return this.padchar.repeat(n);
    return (SPACES[n] ??= ' '.repeat(n));
  }
}

/**
 * A table as `docker ps` prints it: the header row and one row per item,
 * each line ending in '\n', columns aligned by tabwriter with docker's
 * settings. With no rows only the header line is printed.
 */
export function renderTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return tabwriteRows([headers, ...rows]);
}

/**
 * tabwrite over rows of cells, each row a line: the same as
 * `tabwrite(rows.map((r) => r.join('\t') + '\n').join(''))`, without joining
 * the text only to cut it apart again.
 */
export function tabwriteRows(rows: ReadonlyArray<readonly string[]>, opts: TabwriterOptions = {}): string {
  const w = new Tabwriter(opts.minwidth ?? 10, opts.padding ?? 3, opts.padchar ?? ' ');
  for (const row of rows) {
    // The row's own array: Tabwriter only appends to the line being cut from text, never to these.
    const cells = row as string[];
    const widths = cells.map(cellWidth);
    // A cell with a tab or newline in it makes other cells: take the text path.
    if (widths.includes(-1)) return tabwrite(rows.map((r) => r.join('\t') + '\n').join(''), opts);
    w.lines[w.lines.length - 1] = { cells, widths };
    w.lines.push({ cells: [], widths: [] });
    // A one-cell line cannot affect later columns, so tabwriter flushes there.
    if (cells.length === 1) w.flush();
  }
  w.flush();
  return w.out;
}

// ---------------------------------------------------------------------------
// `--format` as docker/cli's formatter.Context runs it.

/** formatter.SubHeaderContext.Label: the header of `{{.Label "com.example.name"}}` is "name". */
export function headerLabel(name: string): string {
  const parts = name.split('.');
  return parts[parts.length - 1]!.replace(/[-_]/g, ' ');
}

/**
 * A header context: field name → column title, plus the Label method docker's
 * SubHeaderContext has. Fields not listed print "<no value>" in the header, as in docker.
 */
export function headerContext(titles: Readonly<Record<string, string>>): Record<string, unknown> {
  return { ...titles, Label: headerLabel };
}

/** `docker ps` column titles (cli/command/formatter/container.go). */
export const CONTAINER_HEADERS: Readonly<Record<string, string>> = {
  ID: 'CONTAINER ID',
  Names: 'NAMES',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS',
  Platform: 'PLATFORM',
};

/** `docker images` column titles (cli/command/formatter/image.go). */
export const IMAGE_HEADERS: Readonly<Record<string, string>> = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

/**
 * formatter.Context.preFormat: `table` prefix dropped, `json` → `{{json .}}`,
 * spaces (only spaces) trimmed, the two-character escapes `\t` and `\n` turned
 * into a tab and a newline.
 */
export function preFormat(format: string): { table: boolean; template: string } {
  const table = format.startsWith('table');
  let f = table ? format.slice('table'.length) : format === 'json' ? '{{json .}}' : format;
  f = f.replace(/^ +| +$/g, '');
  return { table, template: f.replace(/\\t|\\n/g, (m) => (m === '\\t' ? '\t' : '\n')) };
}

/**
 * formatter.Context.Write: one template execution per item, each followed by a
 * newline; with a `table` format the header (the template run over `header`
 * with docker's header functions; an error there just cuts the header short,
 * as docker ignores it) comes first and everything goes through the tabwriter.
 * Throws TemplateError: phase 'parse' (docker: "template parsing error: …")
 * or 'exec' for the first failing item.
 */
export function formatItems(format: string, items: readonly unknown[], header: unknown = headerContext(CONTAINER_HEADERS)): string {
  const { table, template } = preFormat(format);
  const tmpl = Template.parse(template, { funcs: DOCKER_FUNCS });
  let body = '';
  for (const item of items) body += tmpl.execute(item) + '\n';
  if (!table) return body;
  let head: string;
  try {
    head = tmpl.execute(header, { funcs: HEADER_FUNCS });
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    head = e.partial;
  }
  return tabwrite(head + '\n' + body);
}
