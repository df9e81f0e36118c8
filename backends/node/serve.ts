import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import sirv from 'sirv';
import { hostAllowed } from '../agent/security';

/**
 * `glassbox` / `npm start`: serves the built web app (simulated backend) on
 * loopback. Static files only; requests naming another Host are refused so a
 * rebinding DNS name cannot read the app through the user's browser.
 */
export async function serveMain(argv: string[], staticDir: string): Promise<number> {
  const portArg = argv.indexOf('--port');
  const port = portArg >= 0 ? Number(argv[portArg + 1]) : Number(process.env.PORT ?? 5170);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`invalid port: ${argv[portArg + 1] ?? process.env.PORT}\n`);
    return 2;
  }
  if (!existsSync(staticDir)) {
    process.stderr.write(`The web app is not built yet (${staticDir} is missing). Run: npm run build\n`);
    return 1;
  }
  const files = sirv(staticDir, { etag: true, single: false });
  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host, (server.address() as { port: number }).port)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Forbidden\n');
      return;
    }
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    files(req, res, () => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: actual } = server.address() as { port: number };
  process.stdout.write(`Glassbox is running at http://127.0.0.1:${actual}/ (simulated backend). Press Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
