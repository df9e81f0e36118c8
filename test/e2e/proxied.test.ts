import { type IncomingMessage, type Server, createServer, request } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { startAgent } from '../../backends/agent/server';
import { docker } from '../agent/support';
import { haveChromium, haveDocker } from '../support/requirements';
import { type StaticServer, pageSuite, typeLine, waitForTerminal } from './harness';

/**
 * The real backend behind a path prefix, as JupyterHub serves it
 * (deploy/jupyterhub): jupyter-server-proxy answers /user/NAME/glassbox/…,
 * strips the prefix, and passes the request on with the browser's Host,
 * Origin and WebSocket subprotocols. A stand-in proxy does the same here; the
 * agent is told the public URL, and the page must load its assets and open
 * its WebSocket under the prefix.
 */
const prefix = '/user/ana/glassbox';

/** A prefix-stripping reverse proxy to 127.0.0.1:`target()` for HTTP and WebSocket upgrades, headers untouched. */
async function prefixProxy(target: () => number): Promise<{ server: Server; port: number }> {
  const strip = (req: IncomingMessage): string | null => (req.url?.startsWith(`${prefix}/`) ? req.url.slice(prefix.length) : null);
  const server = createServer((req, res) => {
    const path = strip(req);
    if (path === null) return void res.writeHead(404).end();
    const out = request({ host: '127.0.0.1', port: target(), path, method: req.method, headers: req.headers, setHost: false }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = strip(req);
    if (path === null) return void socket.destroy();
    const upstream = connect(target(), '127.0.0.1', () => {
      const lines = [`GET ${path} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** An agent that knows it is reached at http://127.0.0.1:PROXY/user/ana/glassbox/, and the proxy in front of it. */
async function serveProxied(staticDir: string): Promise<StaticServer> {
  // The proxy's port goes into the agent's public URL, so the proxy starts first.
  let agentPort = 0;
  const proxy = await prefixProxy(() => agentPort);
  const agent = await startAgent({ port: 0, staticDir, publicUrl: new URL(`http://127.0.0.1:${proxy.port}${prefix}/`), trace: false });
  agentPort = agent.port;
  return {
    url: agent.url,
    async close() {
      await agent.close();
      proxy.server.closeAllConnections();
      await new Promise<void>((resolve) => proxy.server.close(() => resolve()));
    },
  };
}

describe.skipIf(!haveChromium() || !haveDocker())('the real backend behind a path prefix (jupyter-server-proxy)', () => {
  const app = pageSuite('proxied-real', { serve: serveProxied });

  test('the page loads under /user/ana/glassbox/, connects its WebSocket there, and runs docker', async () => {
    const page = app.page;
    expect(new URL(page.url()).pathname).toBe(`${prefix}/`);
    await page.locator('[data-testid="backend-status"][data-connection="open"]').waitFor({ state: 'attached', timeout: 30_000 });
    await typeLine(page, "docker version --format 'server={{.Server.Version}}'");
    const version = docker('version', '--format', '{{.Server.Version}}').trim();
    await waitForTerminal(page, new RegExp(`^server=${version.replace(/[.+]/g, '\\$&')}$`, 'm'), { timeoutMs: 30_000 });
  });
});
