import { networkInterfaces } from 'node:os';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startAgent } from '../../backends/agent/server';
import { haveDocker } from '../support/requirements';
import { type ProtocolConnection, type TestAgent, connectProtocol, docker, dockerQuiet, rawGet, rawUpgrade, startTestAgent, uniqueName, waitFor } from './support';

/** A connection made the way the page makes it (good Origin, token as subprotocol). */
function open(t: TestAgent, opts: { origin?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(t.wsUrl, ['glassbox.v1', `glassbox.token.${t.agent.token}`], { origin: opts.origin ?? t.origin });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

interface Conn {
  ws: WebSocket;
  frames: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}

async function connect(t: TestAgent): Promise<Conn> {
  const ws = await open(t);
  const frames: Array<Record<string, unknown>> = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  return { ws, frames, closed };
}

async function nextFrame(c: Conn, match: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  return waitFor('a frame', () => c.frames.find(match), 10_000);
}

/** After each refusal the agent must still answer a good request on a new connection. */
async function stillServes(t: TestAgent): Promise<void> {
  const c = await connect(t);
  c.ws.send(JSON.stringify({ type: 'capabilities', id: 'ok' }));
  const r = await nextFrame(c, (f) => f.type === 'result' && f.id === 'ok');
  expect(r.value).toMatchObject({ kind: 'real' });
  c.ws.close();
}

describe.skipIf(!haveDocker())('agent security', () => {
  let t: TestAgent;
  let port: number;
  let host: string;

  beforeAll(async () => {
    t = await startTestAgent();
    port = t.agent.port;
    host = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('prints a loopback URL with a 64-hex token', () => {
    expect(t.agent.url).toBe(`http://127.0.0.1:${port}/?token=${t.agent.token}`);
    expect(t.agent.token).toMatch(/^[0-9a-f]{64}$/);
  });

  describe('HTTP', () => {
    it.each(['127.0.0.1', 'localhost', '[::1]'])('serves the page without a token to Host %s', async (h) => {
      const r = await rawGet(port, '/', { host: `${h}:${port}` });
      expect(r.status).toBe(200);
      expect(r.body).toContain('glassbox agent test page');
    });

    it.each([['evil.example'], ['evil.example:PORT'], ['127.0.0.1:1'], ['localhost.evil.example:PORT']])('refuses Host %s (DNS rebinding) with 403', async (h) => {
      const r = await rawGet(port, '/', { host: h.replace('PORT', String(port)) });
      expect(r.status).toBe(403);
      expect(r.body).toBe('Forbidden\n');
      await stillServes(t);
    });

    it('refuses a request without Host (Node answers 400 before the agent sees it)', async () => {
      expect((await rawGet(port, '/', {})).status).toBe(400);
      await stillServes(t);
    });

    it('wants the token on the API', async () => {
      expect((await rawGet(port, '/api/capabilities', { host })).status).toBe(401);
      expect((await rawGet(port, '/api/capabilities', { host, authorization: 'Bearer ' + '0'.repeat(64) })).status).toBe(401);
      expect((await rawGet(port, `/api/capabilities?token=${t.agent.token.slice(1)}`, { host })).status).toBe(401);
      const ok = await rawGet(port, '/api/capabilities', { host, authorization: `Bearer ${t.agent.token}` });
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.body)).toMatchObject({ kind: 'real' });
    });

    it('does not answer the API to a rebinding Host even with the token', async () => {
      const r = await rawGet(port, '/api/snapshot', { host: `evil.example:${port}`, authorization: `Bearer ${t.agent.token}` });
      expect(r.status).toBe(403);
      expect(r.body).not.toContain('containers');
    });
  });

  describe('WebSocket upgrade', () => {
    const good = (): Record<string, string> => ({ host, origin: t.origin, 'sec-websocket-protocol': `glassbox.v1, glassbox.token.${t.agent.token}` });

    it('accepts the page’s own upgrade', async () => {
      expect((await rawUpgrade(port, '/ws', good())).status).toBe(101);
      expect((await rawUpgrade(port, `/ws?token=${t.agent.token}`, { host, origin: `http://localhost:${port}` })).status).toBe(101);
    });

    it.each([
      ['a missing token', { 'sec-websocket-protocol': 'glassbox.v1' }, 401],
      ['a wrong token', { 'sec-websocket-protocol': `glassbox.v1, glassbox.token.${'f'.repeat(64)}` }, 401],
      ['an empty token', { 'sec-websocket-protocol': 'glassbox.v1, glassbox.token.' }, 401],
      ['a foreign Origin', { origin: 'http://evil.example' }, 403],
      ['a foreign Origin on the same port', { origin: 'http://evil.example:PORT' }, 403],
      ['a missing Origin', { origin: '' }, 403],
      ['a rebinding Host', { host: 'evil.example:PORT' }, 403],
    ])('refuses %s', async (_what, override, status) => {
      const headers: Record<string, string> = { ...good() };
      for (const [k, v] of Object.entries(override)) {
        if (v === '') delete headers[k];
        else headers[k] = v.replace('PORT', String(port));
      }
      const r = await rawUpgrade(port, '/ws', headers);
      expect(r.status).toBe(status);
      expect(r.body).not.toContain(t.agent.token);
      await stillServes(t);
    });

    it('refuses a token in the query with a wrong value', async () => {
      expect((await rawUpgrade(port, `/ws?token=${t.agent.token}x`, { host, origin: t.origin })).status).toBe(401);
    });

    it('never echoes the token subprotocol back', async () => {
      const ws = await open(t);
      expect(ws.protocol).toBe('glassbox.v1');
      ws.close();
    });
  });

  describe('messages', () => {
    it('closes a connection that sends an oversized message (1009)', async () => {
      const c = await connect(t);
      c.ws.send(JSON.stringify({ type: 'exec', id: 'big', line: 'x'.repeat(70 * 1024) }));
      expect((await c.closed).code).toBe(1009);
      await stillServes(t);
    });

    it.each([
      ['malformed JSON', '{"type": "exec",', 'invalid message: not JSON'],
      ['an unknown type', JSON.stringify({ type: 'shell', id: '1', line: 'ls' }), 'invalid message: type:'],
      ['an extra field', JSON.stringify({ type: 'exec', id: '1', line: 'docker ps', shell: true }), 'invalid message:'],
      ['a wrong type', JSON.stringify({ type: 'exec', id: 1, line: 'docker ps' }), 'invalid message: id:'],
      ['a missing field', JSON.stringify({ type: 'exec', id: '1' }), 'invalid message: line:'],
      ['a line over the limit', JSON.stringify({ type: 'exec', id: '1', line: 'x'.repeat(9000) }), 'invalid message: line:'],
      ['an array', '[]', 'invalid message:'],
    ])('answers %s with an error and keeps the connection', async (_what, frame, message) => {
      const c = await connect(t);
      c.ws.send(frame);
      const err = await nextFrame(c, (f) => f.type === 'error');
      expect(String(err.message).startsWith(message)).toBe(true);
      expect(err).not.toHaveProperty('id');
      c.ws.send(JSON.stringify({ type: 'capabilities', id: 'after' }));
      expect((await nextFrame(c, (f) => f.id === 'after')).type).toBe('result');
      expect(c.frames.some((f) => f.type === 'exit')).toBe(false);
      c.ws.close();
      await stillServes(t);
    });

    it('answers a binary frame with an error', async () => {
      const c = await connect(t);
      c.ws.send(Buffer.from('{"type":"capabilities","id":"b"}'), { binary: true });
      expect((await nextFrame(c, (f) => f.type === 'error')).message).toBe('invalid message: binary frames are not accepted');
      c.ws.close();
    });

    it('rate-limits an exec flood and cuts off a flood that goes on (1008)', async () => {
      const c = await connect(t);
      for (let i = 0; i < 400; i++) c.ws.send(JSON.stringify({ type: 'exec', id: `f${i}`, line: 'gbtest-flood' }));
      const closed = await c.closed;
      expect(closed.code).toBe(1008);
      expect(c.frames.filter((f) => f.type === 'error' && f.message === 'rate limit exceeded').length).toBeGreaterThan(100);
      // The flood ran at most the burst's worth of lines, never 400.
      expect(c.frames.filter((f) => f.type === 'exit').length).toBeLessThanOrEqual(40);
      await stillServes(t);
    });
  });

  /**
   * The terminal: keystrokes and resizes reach only the pseudo-terminal of
   * the connection's own running line, in bounded frames at a bounded rate,
   * and the pty dies with its connection.
   */
  describe('the terminal', () => {
    const names: string[] = [];
    const opened: ProtocolConnection[] = [];
    afterEach(() => {
      // A failed test must not leave connections behind: the agent serves eight at most.
      for (const c of opened.splice(0)) c.ws.terminate();
    });
    afterAll(() => {
      for (const n of names) dockerQuiet('rm', '-f', n);
    });
    const connectTerminal = async (): Promise<ProtocolConnection> => {
      const c = await connectProtocol(t);
      opened.push(c);
      return c;
    };

    /** The pids of docker CLI processes whose command line names `needle`. */
    const cliPids = (needle: string): number[] =>
      readdirSync('/proc')
        .filter((d) => /^\d+$/.test(d))
        .flatMap((d) => {
          try {
            const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0');
            return /(^|\/)docker$/.test(argv[0] ?? '') && argv.includes(needle) ? [Number(d)] : [];
          } catch {
            return [];
          }
        });

    /** `docker run -it --name <new> busybox sh` on a pty; resolves once its shell reads the terminal. */
    const shellLine = async (c: ProtocolConnection, id: string): Promise<string> => {
      const n = uniqueName('gb-pty-sec');
      names.push(n);
      c.send({ type: 'exec', id, line: `docker run -it --name ${n} busybox sh`, tty: { cols: 80, rows: 24 } });
      await c.frame((f) => f.type === 'raw' && f.id === id && f.on === true);
      await waitFor('the shell prompt', () => c.output(id).includes('/ # '));
      return n;
    };
    const lastError = (c: ProtocolConnection, from: number): Promise<Record<string, unknown>> => c.frame((f) => f.type === 'error', 10_000, from);

    it('closes a connection that sends an oversized input frame (1009), and refuses keystrokes over 4 KiB in one frame', async () => {
      const c = await connectTerminal();
      c.send({ type: 'input', id: '1', data: 'x'.repeat(4097) });
      expect(String((await lastError(c, 0)).message)).toMatch(/^invalid message: data:/);
      c.send({ type: 'input', id: '1', data: 'x'.repeat(70 * 1024) });
      expect((await c.closed).code).toBe(1009);
      await stillServes(t);
    });

    it.each([
      [{ cols: -1, rows: 24 }, 'cols'],
      [{ cols: 0, rows: 24 }, 'cols'],
      [{ cols: 80, rows: -5 }, 'rows'],
      [{ cols: 80, rows: 1e9 }, 'rows'],
      [{ cols: 1001, rows: 24 }, 'cols'],
      [{ cols: 80.5, rows: 24 }, 'cols'],
      [{ cols: '80', rows: 24 }, 'cols'],
      [{ cols: null, rows: 24 }, 'cols'],
      [{ cols: 80 }, 'rows'],
    ])('refuses a resize to %j', async (size, field) => {
      const c = await connectTerminal();
      c.send({ type: 'resize', id: '1', ...size });
      expect(String((await lastError(c, 0)).message)).toMatch(new RegExp(`^invalid message: ${field}:`));
      // The same sizes on an exec are refused before anything runs.
      const from = c.frames.length;
      c.send({ type: 'exec', id: 'e', line: 'echo ran', tty: size });
      expect(String((await lastError(c, from)).message)).toMatch(new RegExp(`^invalid message: tty\\.${field}:`));
      expect(c.frames.some((f) => f.type === 'stdout')).toBe(false);
      c.ws.close();
    });

    it('refuses input and resize for a line that is not running, or runs without a terminal, without failing any line', async () => {
      const c = await connectTerminal();
      c.send({ type: 'input', id: 'ghost', data: 'ls\r' });
      c.send({ type: 'resize', id: 'ghost', cols: 80, rows: 24 });
      await waitFor('two errors', () => c.frames.filter((f) => f.type === 'error').length === 2);
      c.send({ type: 'exec', id: 'piped', line: 'docker run --rm busybox sleep 2' });
      c.send({ type: 'input', id: 'piped', data: 'x' });
      await waitFor('three errors', () => c.frames.filter((f) => f.type === 'error').length === 3);
      for (const e of c.frames.filter((f) => f.type === 'error')) {
        expect(e.message).toBe('no running line at a terminal has that id');
        expect(e).not.toHaveProperty('id');
      }
      expect((await c.frame((f) => f.type === 'exit' && f.id === 'piped')).code).toBe(0);
      c.ws.close();
    });

    it('refuses input once the pty has exited: while the line goes on, and after it ended', async () => {
      const c = await connectTerminal();
      c.send({ type: 'exec', id: 'l', line: 'docker run --rm -it busybox true; sleep 2', tty: { cols: 80, rows: 24 } });
      await c.frame((f) => f.type === 'raw' && f.id === 'l' && f.on === false);
      let from = c.frames.length;
      c.send({ type: 'input', id: 'l', data: 'echo late\r' });
      expect((await lastError(c, from)).message).toBe('the running line is not reading the terminal');
      await c.frame((f) => f.type === 'exit' && f.id === 'l');
      from = c.frames.length;
      c.send({ type: 'input', id: 'l', data: 'echo later\r' });
      expect((await lastError(c, from)).message).toBe('no running line at a terminal has that id');
      expect(c.output('l')).not.toContain('late');
      c.ws.close();
    });

    it('a second connection cannot type into the first one’s pty', async () => {
      const a = await connectTerminal();
      const n = await shellLine(a, 'sh');
      const b = await connectTerminal();
      b.send({ type: 'input', id: 'sh', data: 'touch /pwned\r' });
      b.send({ type: 'resize', id: 'sh', cols: 10, rows: 2 });
      await waitFor('both refused', () => b.frames.filter((f) => f.type === 'error' && f.message === 'no running line at a terminal has that id').length === 2);
      // A second line on the first connection is refused while the pty runs.
      a.send({ type: 'exec', id: 'second', line: 'echo second', tty: { cols: 80, rows: 24 } });
      expect((await a.frame((f) => f.type === 'error' && f.id === 'second')).message).toMatch(/still running/);
      expect(() => docker('exec', n, 'ls', '/pwned')).toThrow();
      expect(docker('exec', n, 'stty', '-F', '/dev/console', 'size').trim()).toBe('24 80');
      a.send({ type: 'input', id: 'sh', data: 'exit 0\r' });
      expect((await a.frame((f) => f.type === 'exit' && f.id === 'sh')).code).toBe(0);
      a.ws.close();
      b.ws.close();
    });

    it.each([
      ['many small frames', 1000, 1],
      ['a paste far over the character budget', 60, 4096],
    ])('rate-limits keystrokes (%s), cuts off a flood that goes on (1008), and the pty dies with the connection', async (_what, frames, size) => {
      const c = await connectTerminal();
      const n = await shellLine(c, 'sh');
      expect(cliPids(n)).toHaveLength(1);
      // Characters the shell leaves alone: no line is ever submitted.
      for (let i = 0; i < frames; i++) c.send({ type: 'input', id: 'sh', data: 'x'.repeat(size) });
      const refused = await waitFor('refusals', () => {
        const r = c.frames.filter((f) => f.type === 'error' && f.message === 'rate limit exceeded').length;
        return r > 0 && r;
      });
      expect(refused).toBeGreaterThan(0);
      if (frames > 400) expect((await c.closed).code).toBe(1008);
      else c.ws.close();
      await waitFor('the docker client to end', () => cliPids(n).length === 0, 10_000);
      await stillServes(t);
    });

    it('a pty does not outlive its socket: a dropped connection hangs up the docker client', async () => {
      const c = await connectTerminal();
      const n = await shellLine(c, 'sh');
      const [pid] = cliPids(n);
      expect(pid).toBeGreaterThan(0);
      c.ws.terminate();
      await waitFor('the docker client to end', () => cliPids(n).length === 0, 10_000);
      // As when a terminal window closes: the container's shell runs on, detached.
      expect(docker('inspect', '-f', '{{.State.Status}}', n).trim()).toBe('running');
    });

    it('nor its agent: a stopping agent leaves no docker client attached', async () => {
      const own = await startTestAgent();
      try {
        const c = await connectProtocol(own);
        const n = await shellLine(c, 'sh');
        expect(cliPids(n)).toHaveLength(1);
        await own.close();
        await waitFor('the docker client to end', () => cliPids(n).length === 0, 5000);
      } finally {
        await own.close();
      }
    });
  });
});

/** An address of this machine other than loopback, to reach an agent listening on 0.0.0.0 as another machine would. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

describe.skipIf(!haveDocker())('agent security behind a published port (--listen 0.0.0.0 --public-url)', () => {
  // As in the engine+agent container: docker publishes 127.0.0.1:41234 on the agent's port inside.
  const publicUrl = new URL('http://127.0.0.1:41234/');
  const publicHost = '127.0.0.1:41234';
  const token = 'c0'.repeat(32);
  let t: TestAgent;
  let port: number;

  beforeAll(async () => {
    t = await startTestAgent({ host: '0.0.0.0', publicUrl, token });
    port = t.agent.port;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('prints the public URL with the token it was given', () => {
    expect(t.agent.url).toBe(`http://127.0.0.1:41234/?token=${token}`);
    expect(t.agent.token).toBe(token);
  });

  it('answers from another interface, for the public Host only', async () => {
    const address = outsideAddress();
    if (address === undefined) return void process.stderr.write('no non-loopback IPv4 address here: checked on loopback only\n');
    expect((await rawGet(port, '/', { host: publicHost }, address)).status).toBe(200);
    expect((await rawGet(port, '/', { host: `${address}:${port}` }, address)).status).toBe(403);
    expect((await rawGet(port, '/', { host: 'evil.example' }, address)).status).toBe(403);
  });

  it.each([
    ['the public Host', publicHost, 200],
    ['its loopback name', 'LOOPBACK', 200],
    ['a rebinding Host', 'evil.example', 403],
    ['the public host on another port', '127.0.0.1:41235', 403],
  ])('HTTP with %s → %s', async (_what, host, status) => {
    expect((await rawGet(port, '/', { host: host.replace('LOOPBACK', `127.0.0.1:${port}`) })).status).toBe(status);
  });

  it.each([
    ['the public origin and the token', { origin: 'http://127.0.0.1:41234' }, 101],
    ['no token', { origin: 'http://127.0.0.1:41234', 'sec-websocket-protocol': 'glassbox.v1' }, 401],
    ['a foreign Origin', { origin: 'http://evil.example' }, 403],
    ['an https Origin for the http public URL', { origin: 'https://127.0.0.1:41234' }, 403],
  ])('a WebSocket upgrade with %s → %s', async (_what, override, status) => {
    const headers = { host: publicHost, 'sec-websocket-protocol': `glassbox.v1, glassbox.token.${token}`, ...override };
    expect((await rawUpgrade(port, '/ws', headers)).status).toBe(status);
  });

  it('will not listen beyond loopback without a public URL, nor take a weak token', async () => {
    await expect(startAgent({ host: '0.0.0.0', port: 0, staticDir: '/nonexistent', trace: false })).rejects.toThrow('listening on 0.0.0.0 needs a public URL');
    await expect(startAgent({ port: 0, staticDir: '/nonexistent', trace: false, token: 'short' })).rejects.toThrow('the token must be 64 hex digits');
  });
});
