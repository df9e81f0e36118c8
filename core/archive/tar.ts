/**
 * Tar archives as the simulator passes them around: `docker save`/`export`
 * write one, `docker load`/`import` and `tar` read one, pipes carry one.
 *
 * The simulated filesystems hold text, and an image's binaries exist only as
 * sizes, so an archive is not stored as tar bytes. It is stored as a short
 * header line naming the size the real tar would have, then its entries as
 * JSON. Everything that shows a size (`ls -l`, `wc -c`, `du`) reports the
 * real tar's size via `archiveSize`, and `tar -tv` lists the entries as GNU tar
 * would.
 */

export interface ArchiveEntry {
  /** The member name as tar stores it (directories end in "/"). */
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char';
  mode: number;
  /** Bytes of content (files). */
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** Text content, when the simulator knows it. */
  content?: string;
  /** Symlink or hard link target. */
  linkname?: string;
  /** The simulator's program for an executable (a busybox applet): what the bytes would be. */
  program?: string;
  /** A member that is itself a tar (an image layer's layer.tar). */
  archive?: ArchiveEntry[];
}

const MAGIC = '\u0000glassbox-tar ';

const BLOCK = 512;

/** The size of a member's content in the archive, nested archives included. */
function contentSize(e: ArchiveEntry): number {
  if (e.archive) return tarSize(e.archive);
  return e.type === 'file' ? e.size : 0;
}

/** The bytes a Go archive/tar writer produces for these entries: a header block each, content padded to 512, two zero blocks. */
export function tarSize(entries: readonly ArchiveEntry[]): number {
  let n = 2 * BLOCK;
  for (const e of entries) n += BLOCK + Math.ceil(contentSize(e) / BLOCK) * BLOCK;
  return n;
}

/** The text a simulated file holds for an archive. */
export function encodeArchive(entries: readonly ArchiveEntry[]): string {
  // Nested archives keep their own size so a member listing can show it.
  const withSizes = entries.map((e) => (e.archive ? { ...e, size: tarSize(e.archive) } : e));
  return `${MAGIC}${tarSize(entries)}\n${JSON.stringify(withSizes)}\n`;
}

/** The entries of an archive file's text, or undefined when the text is not an archive. */
export function decodeArchive(text: string): ArchiveEntry[] | undefined {
  if (!text.startsWith(MAGIC)) return undefined;
  const nl = text.indexOf('\n');
  try {
    const v: unknown = JSON.parse(text.slice(nl + 1));
    return Array.isArray(v) ? (v as ArchiveEntry[]) : undefined;
  } catch {
    return undefined;
  }
}

/** The size a file holding `text` shows: the tar's size for an archive, else undefined. */
export function archiveSize(text: string): number | undefined {
  if (!text.startsWith(MAGIC)) return undefined;
  const nl = text.indexOf('\n');
  const n = Number(text.slice(MAGIC.length, nl));
  return Number.isFinite(n) ? n : undefined;
}

const TYPE_CHAR: Record<ArchiveEntry['type'], string> = { file: '-', dir: 'd', symlink: 'l', hardlink: 'h', char: 'c' };

function perms(mode: number): string {
  const rwx = (bits: number, special: boolean, ch: string): string =>
    (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (special ? (bits & 1 ? ch : ch.toUpperCase()) : bits & 1 ? 'x' : '-');
  return rwx((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') + rwx((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') + rwx(mode & 7, (mode & 0o1000) !== 0, 't');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** `tar -tv`'s line for one member (GNU tar 1.34, UTC). */
export function verboseLine(e: ArchiveEntry): string {
  const d = new Date(e.mtime * 1000);
  const when = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  const kind = e.type === 'hardlink' ? '-' : TYPE_CHAR[e.type];
  const owner = `${e.uname || e.uid}/${e.gname || e.gid}`;
  const size = e.type === 'char' ? '0,0' : String(e.type === 'file' ? contentSize(e) : 0);
  let line = `${kind}${perms(e.mode)} ${owner} ${size.padStart(Math.max(1, 18 - owner.length))} ${when} ${e.name}`;
  if (e.type === 'symlink') line += ` -> ${e.linkname ?? ''}`;
  if (e.type === 'hardlink') line += ` link to ${e.linkname ?? ''}`;
  return line;
}
