/**
 * The Dockerfile pane types one terminal command for the student, so that
 * what it does is on screen as plain shell: a here-document that writes the
 * Dockerfile, then `docker build`.
 *
 * - Simulated backend: the Dockerfile goes into a directory of the simulated
 *   host, which is then the build context (files the student made there can
 *   be COPY'd):
 *     mkdir -p /root/app && cat > /root/app/Dockerfile <<'EOF' && docker build -t myapp /root/app
 * - Real backend: the terminal's files live in the agent's memory, not on the
 *   host the engine reads, so the Dockerfile goes on stdin (Docker's
 *   `docker build -`), without a context:
 *     docker build -t myapp - <<'EOF'
 */

export interface BuildRequest {
  dockerfile: string;
  /** Image name and tag; none when empty. */
  tag: string;
  /** The build context directory (simulated backend only). */
  dir: string;
  kind: 'sim' | 'real';
}

export const DEFAULT_DIR = '/root/app';

/** The context directory a pane entry names (the default when blank, no trailing slash) and the Dockerfile in it. */
export function buildContext(entry: string): { dir: string; file: string } {
  const dir = (entry.trim() || DEFAULT_DIR).replace(/(.)\/+$/, '$1');
  return { dir, file: dir === '/' ? '/Dockerfile' : `${dir}/Dockerfile` };
}

/** The command to run; quoted so that odd names cannot break out of their words. */
export function buildCommand(req: BuildRequest): string {
  const body = cleanDockerfile(req.dockerfile);
  const lines = body === '' ? [] : body.split('\n');
  const delimiter = delimiterFor(lines);
  const tag = req.tag.trim() === '' ? '' : ` -t ${shellQuote(req.tag.trim())}`;
  let head: string;
  if (req.kind === 'real') {
    head = `docker build${tag} - <<'${delimiter}'`;
  } else {
    const { dir, file } = buildContext(req.dir);
    head = `mkdir -p ${shellQuote(dir)} && cat > ${shellQuote(file)} <<'${delimiter}' && docker build${tag} ${shellQuote(dir)}`;
  }
  return [head, ...lines, delimiter].join('\n');
}

/**
 * Line ends to "\n", tabs to spaces, other control characters dropped (the
 * terminal would take them for keys), trailing blank lines dropped.
 */
export function cleanDockerfile(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '    ')
    .replace(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/g, '')
    .replace(/\s+$/, '');
}

/** EOF, or EOF1, EOF2 … when a line of the Dockerfile is exactly that. */
function delimiterFor(lines: readonly string[]): string {
  const taken = new Set(lines);
  let delimiter = 'EOF';
  for (let n = 1; taken.has(delimiter); n++) delimiter = `EOF${n}`;
  return delimiter;
}

/** A word as the shell reads it: bare when safe, else in single quotes. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9@%+=:,./_-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
