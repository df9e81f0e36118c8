import { InterruptSource } from '../ports';
import { dockerCommand } from '../cli/docker/index';
import { EngineDriver } from '../engine/testDriver';
import { hostNetCommands } from '../network/programs/host';
import { MemFs } from '../shell/memfs';

/**
 * What the services' tests type: `docker …` lines against one simulated
 * engine and `curl` on its host, with virtual time jumping to each next timer
 * while a line waits (as `glassbox sim` runs a script), and `advance` for the
 * time a student would wait between lines.
 */

export interface Output {
  out: string;
  err: string;
  code: number;
}

/** Words as a shell splits them: spaces, '…' and "…" quoting. */
export function words(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let any = false;
  let q: string | null = null;
  for (const ch of line) {
    if (q) {
      if (ch === q) q = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      q = ch;
      any = true;
    } else if (ch === ' ') {
      if (cur !== '' || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur !== '' || any) out.push(cur);
  return out;
}

export class ServiceSession {
  readonly d: EngineDriver;
  /** The host's filesystem, for `docker cp`. */
  readonly fs: MemFs;
  private readonly docker;
  private readonly host;

  constructor(seed = 'services') {
    this.d = new EngineDriver(seed);
    this.fs = new MemFs(() => this.d.scheduler.now());
    this.docker = dockerCommand(this.d.engine, { fs: this.fs });
    const sleep = (ms: number): Promise<boolean> => new Promise((resolve) => this.d.scheduler.after(ms, () => resolve(true)));
    this.host = hostNetCommands({ net: () => this.d.engine.net.view('host'), now: () => this.d.scheduler.now(), sleep });
  }

  /** A `docker …` line (stdin: text piped in; tty: the terminal is one, as for -it). */
  async run(line: string, opts: { stdin?: string; tty?: boolean } = {}): Promise<Output> {
    let out = '';
    let err = '';
    const code = await this.d.until(
      this.docker(words(line), { stdin: opts.stdin ?? null, stdout: (t) => (out += t), stderr: (t) => (err += t), interrupt: new InterruptSource(), stdinIsTTY: opts.tty ?? false }),
    );
    return { out, err, code };
  }

  /** `curl ARGS` on the host. */
  async curl(args: string): Promise<Output> {
    let out = '';
    let err = '';
    const code = await this.d.until(this.host.curl!(['curl', ...words(args)], { stdin: null, stdout: (t) => (out += t), stderr: (t) => (err += t), interrupt: new InterruptSource(), stdinIsTTY: false }));
    return { out, err, code };
  }

  /** The student waits `ms` before the next line. */
  advance(ms: number): Promise<void> {
    return this.d.advance(ms);
  }

  async logs(name: string): Promise<{ out: string; err: string }> {
    const r = await this.run(`docker logs ${name}`);
    return { out: r.out, err: r.err };
  }
}
