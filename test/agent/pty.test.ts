import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveDocker } from '../support/requirements';
import { type ProtocolConnection, type TestAgent, connectProtocol, docker, dockerQuiet, startTestAgent, uniqueName, waitFor } from './support';

/**
 * A line typed at the page's terminal (an exec frame with `tty`) runs the real
 * docker CLI on a pseudo-terminal: `run -it`, `exec -it`, `attach` and
 * `start -ai` are interactive, spoken here in the wire protocol itself.
 */
describe.skipIf(!haveDocker())('agent: the terminal line on a pseudo-terminal', () => {
  const name = uniqueName('gb-pty');
  const toClean: string[] = [name];
  let t: TestAgent;
  let c: ProtocolConnection;
  let nextId = 0;

  beforeAll(async () => {
    t = await startTestAgent();
    c = await connectProtocol(t);
  });

  afterAll(async () => {
    for (const n of toClean) dockerQuiet('rm', '-f', n);
    c?.ws.close();
    await t?.close();
  });

  /** Starts a line at a terminal of this size; returns its id. */
  const start = (line: string, size = { cols: 100, rows: 30 }): string => {
    const id = `l${++nextId}`;
    c.send({ type: 'exec', id, line, tty: size });
    return id;
  };
  const type = (id: string, data: string): void => c.send({ type: 'input', id, data });
  /** Waits until the line's output (from `after` characters on) matches. */
  const shows = (id: string, pattern: RegExp, after = 0): Promise<string> =>
    waitFor(`output matching ${pattern}`, () => {
      const out = c.output(id).slice(after);
      return pattern.test(out) ? out : undefined;
    }).catch((err: Error) => {
      throw new Error(`${err.message}; the line printed ${JSON.stringify(c.output(id))}`);
    });
  const exitOf = async (id: string): Promise<number> => Number((await c.frame((f) => f.type === 'exit' && f.id === id, 30_000)).code);
  const rawFrames = (id: string): boolean[] => c.frames.filter((f) => f.type === 'raw' && f.id === id).map((f) => f.on as boolean);
  const state = (n: string): string => docker('inspect', '-f', '{{.State.Status}}', n).trim();

  it('docker run -it: the container’s own shell, its prompt and echo; Ctrl-P Ctrl-Q leaves it running', async () => {
    const id = start(`docker run -it --name ${name} busybox sh`);
    await c.frame((f) => f.type === 'raw' && f.id === id && f.on === true);
    await shows(id, /\/ # /);
    const mark = c.output(id).length;
    type(id, 'echo hi > /f; cat /f\r');
    // The tty echoes the line, then cat's output, then the next prompt.
    await shows(id, /echo hi > \/f; cat \/f\r\nhi\r\n[\s\S]*\/ # /, mark);
    type(id, '\x10\x11');
    expect(await exitOf(id)).toBe(0);
    expect(rawFrames(id)).toEqual([true, false]);
    expect(state(name)).toBe('running');
  });

  it('docker exec -it … sh -c: the command’s output through the tty', async () => {
    const id = start(`docker exec -it ${name} sh -c 'cat /f'`);
    expect(await exitOf(id)).toBe(0);
    // The CLI sets its tty raw (no \n → \r\n of its own): the container's tty already wrote \r\n.
    expect(c.output(id)).toBe('hi\r\n');
  });

  it('exit N in an exec’d interactive sh gives the line exit code N; stty size follows the terminal', async () => {
    const id = start(`docker exec -it ${name} sh`, { cols: 91, rows: 17 });
    await shows(id, /\/ # /);
    let mark = c.output(id).length;
    type(id, 'stty size\r');
    await shows(id, /\r\n17 91\r\n/, mark);
    mark = c.output(id).length;
    c.send({ type: 'resize', id, cols: 132, rows: 43 });
    type(id, 'stty size\r');
    await shows(id, /\r\n43 132\r\n/, mark);
    type(id, 'exit 3\r');
    expect(await exitOf(id)).toBe(3);
  });

  it('Ctrl-C goes to the container’s foreground program, not to the client', async () => {
    const id = start(`docker exec -it ${name} sh`);
    await shows(id, /\/ # /);
    const mark = c.output(id).length;
    type(id, 'sleep 60\r');
    await shows(id, /sleep 60\r\n/, mark);
    const t0 = Date.now();
    type(id, '\x03');
    await shows(id, /\^C[\s\S]*\/ # /, mark);
    expect(Date.now() - t0).toBeLessThan(10_000);
    type(id, 'echo status=$?\r');
    await shows(id, /status=130\r\n/, mark);
    // Ctrl-D at the prompt ends the shell, and with it the exec.
    type(id, '\x04');
    expect(await exitOf(id)).toBe(0);
  });

  it('colours: a program that asks whether it writes to a terminal is told yes', async () => {
    const id = start(`docker exec -it ${name} ls --color=auto -d /bin`);
    expect(await exitOf(id)).toBe(0);
    expect(c.output(id)).toContain('\x1b[1;34m/bin\x1b[m');
  });

  it('a program that sets its tty raw: its bare "\\n" reaches the screen unchanged (a row down, same column)', async () => {
    const id = start(`docker exec -it ${name} sh -c 'printf "a\\n"; stty raw; printf "c\\nd\\n"; stty sane'`);
    expect(await exitOf(id)).toBe(0);
    expect(c.output(id)).toBe('a\r\nc\nd\n');
    // All of it as screen output: the page writes it without converting line ends.
    expect(new Set(c.frames.filter((f) => f.id === id && typeof f.text === 'string').map((f) => f.type))).toEqual(new Set(['screen']));
  });

  it('docker attach: the running shell answers; Ctrl-P Ctrl-Q detaches again (the CLI says so and exits 1)', async () => {
    const id = start(`docker attach ${name}`);
    await c.frame((f) => f.type === 'raw' && f.id === id && f.on === true);
    type(id, 'echo attached-$((6*7))\r');
    await shows(id, /attached-42\r\n/);
    type(id, '\x10\x11');
    expect(await exitOf(id)).toBe(1);
    expect(c.output(id)).toMatch(/read escape sequence\r\n$/);
    expect(state(name)).toBe('running');
  });

  it('docker start -ai: the stopped container’s shell, and its exit code', async () => {
    const other = uniqueName('gb-pty');
    toClean.push(other);
    docker('create', '-it', '--name', other, 'busybox', 'sh');
    const id = start(`docker start -ai ${other}`);
    await c.frame((f) => f.type === 'raw' && f.id === id && f.on === true);
    type(id, 'exit 4\r');
    expect(await exitOf(id)).toBe(4);
    expect(state(other)).toBe('exited');
  });

  it('a docker line that does not use the terminal keeps pipes at a terminal too: stdout and stderr apart, no keys taken', async () => {
    const id = start(`docker ps -a --filter name=^${name}$ --format '{{.Names}}'; docker rm gb-pty-none-${name}`);
    expect(await exitOf(id)).toBe(1);
    const text = (type: string): string => c.frames.filter((f) => f.type === type && f.id === id).map((f) => String(f.text)).join('');
    expect(text('stdout')).toBe(`${name}\n`);
    expect(text('stderr')).toBe(`Error response from daemon: No such container: gb-pty-none-${name}\n`);
    expect(text('screen')).toBe('');
    expect(rawFrames(id)).toEqual([]);
  });

  it('docker save at the terminal: the CLI sees its terminal and refuses, as it does at a real one; redirected, it writes the tar', async () => {
    const id = start('docker save busybox');
    expect(await exitOf(id)).toBe(1);
    expect(c.output(id)).toMatch(/cowardly refusing to save to a terminal\. Use the -o flag or redirect/);
    const piped = start('docker save busybox | wc -c');
    expect(await exitOf(piped)).toBe(0);
    expect(Number(c.frames.filter((f) => f.type === 'stdout' && f.id === piped).map((f) => String(f.text)).join('').trim())).toBeGreaterThan(100_000);
  });

  it('docker run -t without -i: the container gets a tty, its \\n turned into \\r\\n by both ttys as in a real terminal', async () => {
    const id = start('docker run --rm -t busybox sh -c "[ -t 0 ] && [ -t 1 ] && echo container-tty"');
    expect(await exitOf(id)).toBe(0);
    expect(c.output(id)).toBe('container-tty\r\r\n');
  });

  it('a line sent without a terminal keeps pipes: the CLI’s own "not a TTY"', async () => {
    const id = `l${++nextId}`;
    c.send({ type: 'exec', id, line: `docker exec -it ${name} true` });
    expect(await exitOf(id)).toBe(1);
    expect(c.frames.filter((f) => f.type === 'stderr' && f.id === id).map((f) => f.text).join('')).toBe('the input device is not a TTY\n');
  });

  it('a docker line whose stderr is redirected stays on pipes (its errors go where they were sent)', async () => {
    const id = start(`docker exec -it ${name} true 2>/dev/null; echo code=$?`);
    expect(await exitOf(id)).toBe(0);
    expect(c.output(id)).toBe('code=1\n');
  });
});
