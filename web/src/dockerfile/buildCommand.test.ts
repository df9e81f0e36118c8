import { describe, expect, it } from 'vitest';
import { SimHost } from '../../../backends/sim/simHost';
import { buildCommand, cleanDockerfile, shellQuote } from './buildCommand';

async function run(host: SimHost, line: string): Promise<{ out: string; err: string; exit: number }> {
  let out = '';
  let err = '';
  const exit = await host.runToCompletion(line, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { out, err, exit };
}

const newHost = () => new SimHost({ seed: 'dockerfile-pane', yieldToEventLoop: () => new Promise((r) => setTimeout(r, 0)) });

describe('buildCommand', () => {
  it('writes the Dockerfile with a quoted here-document and builds its directory (simulated backend)', () => {
    expect(buildCommand({ dockerfile: 'FROM busybox\nCMD ["sh"]\n', tag: 'myapp:1.0', dir: '/root/app/', kind: 'sim' })).toBe(
      "mkdir -p /root/app && cat > /root/app/Dockerfile <<'EOF' && docker build -t myapp:1.0 /root/app\nFROM busybox\nCMD [\"sh\"]\nEOF",
    );
  });

  it('sends the Dockerfile on stdin without a context (real backend), and leaves -t out without a tag', () => {
    expect(buildCommand({ dockerfile: 'FROM busybox', tag: ' ', dir: '/ignored', kind: 'real' })).toBe("docker build - <<'EOF'\nFROM busybox\nEOF");
  });

  it('picks a delimiter no line of the Dockerfile is', () => {
    const cmd = buildCommand({ dockerfile: 'FROM busybox\nRUN cat <<EOF\nEOF\nEOF1', tag: 't', dir: '/a', kind: 'real' });
    expect(cmd.split('\n')[0]).toBe("docker build -t t - <<'EOF2'");
    expect(cmd.endsWith('\nEOF2')).toBe(true);
  });

  it('quotes names the shell would split or act on', () => {
    expect(shellQuote('/root/my app')).toBe("'/root/my app'");
    expect(shellQuote("it's;rm -rf /")).toBe("'it'\\''s;rm -rf /'");
    expect(shellQuote('registry.local:5000/team/app:v1.2')).toBe('registry.local:5000/team/app:v1.2');
  });

  it('cleans what the terminal would take for keys', () => {
    expect(cleanDockerfile('FROM busybox\r\nRUN\techo hi\x07\r\n\n\n')).toBe('FROM busybox\nRUN    echo hi');
  });
});

describe('the command, run by the simulator’s shell', () => {
  it('builds the image from exactly the text in the pane, $ and backticks left alone', async () => {
    const host = newHost();
    const dockerfile = 'FROM busybox\nENV WHERE=$HOME\nLABEL how="`quoted`"\nRUN echo built > /stamp\nCMD ["cat", "/stamp"]\n';
    const built = await run(host, buildCommand({ dockerfile, tag: 'myapp:1.0', dir: '/root/app', kind: 'sim' }));
    expect(built.err).toMatch(/^DEPRECATED: The legacy builder is deprecated/); // as Docker 28's client says, and nothing else
    expect(built.err.split('\n').filter((l) => l.trim() !== '')).toHaveLength(3);
    expect(built.exit).toBe(0);
    expect(built.out).toMatch(/^Step 5\/5 : CMD \["cat", "\/stamp"\]$/m);
    expect(built.out).toMatch(/^Successfully tagged myapp:1\.0$/m);
    expect((await run(host, 'cat /root/app/Dockerfile')).out).toBe(cleanDockerfile(dockerfile) + '\n');
  });

  it('keeps an odd tag one word: Docker refuses it, and nothing after it runs', async () => {
    const host = newHost();
    const built = await run(host, buildCommand({ dockerfile: 'FROM busybox', tag: 'x; touch /root/owned', dir: '/root/app', kind: 'sim' }));
    expect(built.exit).not.toBe(0);
    expect(built.err).toMatch(/invalid argument "x; touch \/root\/owned" for "-t, --tag" flag/);
    expect((await run(host, 'ls /root/owned')).exit).not.toBe(0);
  });

  it('sends the Dockerfile on stdin in the real form, which the simulator builds too', async () => {
    const host = newHost();
    const built = await run(host, buildCommand({ dockerfile: 'FROM busybox\nLABEL pane=yes', tag: 'fromstdin', dir: '', kind: 'real' }));
    expect(built.exit).toBe(0);
    expect(built.out).toMatch(/^Successfully tagged fromstdin:latest$/m);
  });
});
