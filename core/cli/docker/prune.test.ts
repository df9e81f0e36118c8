import { describe, expect, it } from 'vitest';
import { InterruptSource } from '../../ports';
import { EngineDriver } from '../../engine/testDriver';
import { dockerCommand } from './index';

async function run(d: EngineDriver, argv: string[], opts: { stdin?: string; interruptAfterMs?: number } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  let stdout = '';
  let stderr = '';
  const interrupt = new InterruptSource();
  if (opts.interruptAfterMs !== undefined) d.scheduler.after(opts.interruptAfterMs, () => interrupt.interrupt());
  const io = { stdin: opts.stdin ?? null, stdout: (t: string) => (stdout += t), stderr: (t: string) => (stderr += t), interrupt, stdinIsTTY: false };
  const code = await d.until(dockerCommand(d.engine)(argv, io));
  return { stdout, stderr, code };
}

describe('docker system df', () => {
  it('counts images, containers and volumes, the active ones and what a prune would free', async () => {
    const d = new EngineDriver('df');
    d.runDetached(['sleep', '300'], { name: 'web' });
    d.engine.create({ image: 'busybox', cmd: ['true'], name: 'idle' });
    const r = await run(d, ['docker', 'system', 'df']);
    expect(r.stdout).toBe(
      'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n' +
        'Images          2         1         2.745MB   762.3kB (27%)\n' +
        'Containers      2         1         0B        0B\n' +
        'Local Volumes   0         0         0B        0B\n' +
        'Build Cache     0         0         0B        0B\n',
    );
    const json = await run(d, ['docker', 'system', 'df', '--format', '{{json .}}']);
    expect(json.stdout.split('\n')[1]).toBe('{"Active":"1","Reclaimable":"0B","Size":"0B","TotalCount":"2","Type":"Containers"}');
    expect((await run(d, ['docker', 'system', 'df', '--format', 'table {{.Type}}\t{{.TotalCount}}'])).stdout).toBe('TYPE            TOTAL\nImages          2\nContainers      2\nLocal Volumes   1\nBuild Cache     0\n'.replace('Local Volumes   1', 'Local Volumes   0'));
  });

  it('-v lists each image with its shared and unique size, each container and volume', async () => {
    const d = new EngineDriver('df-v');
    d.runDetached(['sleep', '300'], { name: 'web' });
    const r = await run(d, ['docker', 'system', 'df', '-v']);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['Images space usage:', '', 'REPOSITORY    TAG       IMAGE ID       CREATED       SIZE      SHARED SIZE   UNIQUE SIZE   CONTAINERS']);
    expect(lines[3]).toMatch(/^busybox {7}latest {4}[0-9a-f]{12} {3}.+ {3}1\.98MB {4}0B {12}1\.983MB {7}1$/);
    expect(lines).toContain('Containers space usage:');
    expect(lines.find((l) => l.endsWith(' web'))).toMatch(/^[0-9a-f]{12} {3}busybox {3}"sleep 300" {3}0 {15}0B /);
    expect(r.stdout.endsWith('Build cache usage: 0B\n\nCACHE ID   CACHE TYPE   SIZE      CREATED   LAST USED   USAGE     SHARED\n')).toBe(true);
    const whole = await run(d, ['docker', 'system', 'df', '-v', '--format', '{{len .Images}} {{(index .Containers 0).Names}}']);
    expect(whole.stdout).toBe('2 web');
    expect(await run(d, ['docker', 'system', 'df', '-v', '--format', '{{.Type}}'])).toEqual({
      stdout: '',
      stderr: 'template: :1:2: executing "" at <.Type>: can\'t evaluate field Type in type *formatter.diskUsageContext\n',
      code: 1,
    });
  });
});

describe('docker container prune', () => {
  it('removes only the stopped containers the label filter matches, after the prompt', async () => {
    const d = new EngineDriver('prune-label');
    const keep = d.engine.create({ image: 'busybox', cmd: ['true'], name: 'keep' }).id;
    const gone = d.engine.create({ image: 'busybox', cmd: ['true'], name: 'gone', labels: { tier: 'test' } }).id;
    d.runDetached(['sleep', '300'], { name: 'live', labels: { tier: 'test' } });
    const refused = await run(d, ['docker', 'container', 'prune', '--filter', 'label=tier=test']);
    expect(refused).toEqual({ stdout: 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ', stderr: '', code: 0 });
    expect(d.engine.list({ all: true })).toHaveLength(3);
    const r = await run(d, ['docker', 'container', 'prune', '--filter', 'label=tier=test'], { stdin: 'y\n' });
    expect(r.stdout).toBe(`WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] Deleted Containers:\n${gone}\n\nTotal reclaimed space: 0B\n`);
    expect(d.engine.list({ all: true }).map((c) => c.names[0])).toEqual(['/live', '/keep']);
    expect(await run(d, ['docker', 'container', 'prune', '-f', '--filter', 'label!=tier'])).toEqual({ stdout: `Deleted Containers:\n${keep}\n\nTotal reclaimed space: 0B\n`, stderr: '', code: 0 });
  });

  it('keeps containers created after until, and refuses a filter the daemon does not know', async () => {
    const d = new EngineDriver('prune-until');
    const old = d.engine.create({ image: 'busybox', cmd: ['true'], name: 'old' }).id;
    await d.until(d.scheduler.sleep(600_000));
    d.engine.create({ image: 'busybox', cmd: ['true'], name: 'new' });
    expect((await run(d, ['docker', 'container', 'prune', '-f', '--filter', 'until=5m'])).stdout).toBe(`Deleted Containers:\n${old}\n\nTotal reclaimed space: 0B\n`);
    expect(await run(d, ['docker', 'container', 'prune', '-f', '--filter', 'bogus=1'])).toEqual({ stdout: '', stderr: "Error response from daemon: invalid filter 'bogus'\n", code: 1 });
    expect(await run(d, ['docker', 'container', 'prune', '-f', '--filter', 'until=soon'])).toEqual({ stdout: '', stderr: 'Error response from daemon: failed to parse value as time or duration: "soon"\n', code: 1 });
  });
});

describe('docker system prune', () => {
  it('warns with the filters, then prunes containers, networks and images and totals the space', async () => {
    const d = new EngineDriver('system-prune');
    const c = d.engine.create({ image: 'busybox', cmd: ['true'], name: 'stopped' }).id;
    await run(d, ['docker', 'network', 'create', 'spare']);
    await d.until(d.scheduler.sleep(2000));
    const r = await run(d, ['docker', 'system', 'prune', '-a', '--filter', 'until=0s'], { stdin: 'y\n' });
    expect(r.stdout).toContain(
      'WARNING! This will remove:\n  - all stopped containers\n  - all networks not used by at least one container\n  - all images without at least one container associated to them\n  - all build cache\n\n  Items to be pruned will be filtered with:\n  - until=0s\n\nAre you sure you want to continue? [y/N] ',
    );
    expect(r.stdout).toContain(`Deleted Containers:\n${c}\n\nDeleted Networks:\nspare\n\nDeleted Images:\nuntagged: busybox:latest\n`);
    expect(r.stdout).toMatch(/\nTotal reclaimed space: [\d.]+[kM]B\n$/);
    expect(d.engine.imageStore.list()).toHaveLength(0);
  });

  it('refuses until with --volumes as the client does', async () => {
    const d = new EngineDriver('system-prune-volumes');
    expect(await run(d, ['docker', 'system', 'prune', '--volumes', '-f', '--filter', 'until=1h'])).toEqual({ stdout: '', stderr: 'ERROR: The "until" filter is not supported with "--volumes"\n', code: 1 });
  });
});

describe('docker image prune filters', () => {
  it('-a with a label filter keeps the images without that label', async () => {
    const d = new EngineDriver('image-prune-label');
    const r = await run(d, ['docker', 'image', 'prune', '-a', '-f', '--filter', 'label=nosuch']);
    expect(r.stdout).toBe('Total reclaimed space: 0B\n');
    expect(d.engine.imageStore.list()).toHaveLength(2);
    expect(await run(d, ['docker', 'image', 'prune', '-f', '--filter', 'bogus=1'])).toEqual({ stdout: '', stderr: "Error response from daemon: invalid filter 'bogus'\n", code: 1 });
  });
});

describe('docker network prune filters', () => {
  it('until keeps the networks created after it; label narrows to the labelled ones', async () => {
    const d = new EngineDriver('network-prune-until');
    await run(d, ['docker', 'network', 'create', 'old']);
    await run(d, ['docker', 'network', 'create', '--label', 'team=a', 'tagged']);
    await d.until(d.scheduler.sleep(600_000));
    await run(d, ['docker', 'network', 'create', 'new']);
    expect(await run(d, ['docker', 'network', 'prune', '-f', '--filter', 'until=5m', '--filter', 'label!=team'])).toEqual({ stdout: 'Deleted Networks:\nold\n\n', stderr: '', code: 0 });
    expect((await run(d, ['docker', 'network', 'prune', '-f', '--filter', 'label=team=a'])).stdout).toBe('Deleted Networks:\ntagged\n\n');
    expect(d.engine.net.list().filter((n) => !n.predefined).map((n) => n.name)).toEqual(['new']);
  });
});
