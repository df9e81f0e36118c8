import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePublicUrl } from '../../backends/agent/security';
import { engineImage } from './engineImage';

/**
 * deploy/jupyterhub cannot be run here (no cluster), so its pieces are checked
 * for what would break a class: the values use keys the z2jh chart knows
 * (its schema refuses unknown ones), name the image the Dockerfile builds on
 * top of build.sh's, make the pod privileged the way Kubernetes accepts, give
 * the inner engine an emptyDir, cull idle servers; and the Jupyter Server
 * config, run by python3, starts the agent with the pod's token under the
 * user's prefix.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const dir = join(repo, 'deploy/jupyterhub');
const read = (file: string): string => readFileSync(join(dir, file), 'utf8');

/** A YAML parser already in node_modules (yaml 1.x, through eslint-plugin-svelte's postcss-load-config), rather than a new dependency. */
function yamlParser(): ((text: string) => unknown) | null {
  try {
    const fromRepo = createRequire(join(repo, 'package.json'));
    const yaml = createRequire(fromRepo.resolve('postcss-load-config/package.json'))('yaml') as { parse(text: string): unknown };
    return (text) => yaml.parse(text);
  } catch {
    return null;
  }
}
const parse = yamlParser();
if (!parse) process.stderr.write('skipping the z2jh values checks: no YAML parser in node_modules (postcss-load-config/node_modules/yaml)\n');

// The chart's top-level keys and singleuser's (z2jh 4.4.0 values.schema.yaml; both say additionalProperties: false).
const Z2JH_TOP = ['enabled', 'fullnameOverride', 'nameOverride', 'imagePullSecret', 'imagePullSecrets', 'hub', 'proxy', 'singleuser', 'scheduling', 'ingress', 'httpRoute', 'prePuller', 'custom', 'cull', 'debug', 'rbac', 'global'];
const Z2JH_SINGLEUSER = [
  'networkPolicy', 'podNameTemplate', 'cpu', 'memory', 'image', 'initContainers', 'profileList', 'extraFiles', 'extraEnv', 'nodeSelector',
  'extraTolerations', 'extraNodeAffinity', 'extraPodAffinity', 'extraPodAntiAffinity', 'cloudMetadata', 'cmd', 'defaultUrl', 'events',
  'extraAnnotations', 'extraContainers', 'extraLabels', 'extraPodConfig', 'extraResource', 'fsGid', 'lifecycleHooks', 'networkTools',
  'serviceAccountName', 'startTimeout', 'storage', 'allowPrivilegeEscalation', 'uid',
];

/** Kubernetes quantities as the values use them (M, Mi, G, Gi), in bytes. */
function bytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(q)!;
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, K: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

describe.skipIf(!parse)('deploy/jupyterhub/values.yaml', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a YAML document, checked field by field below
  const values = (parse ? parse(read('values.yaml')) : {}) as any;

  it('uses only keys the z2jh chart knows, at the top and under singleuser', () => {
    expect(Object.keys(values).filter((k) => !Z2JH_TOP.includes(k))).toEqual([]);
    expect(Object.keys(values.singleuser).filter((k) => !Z2JH_SINGLEUSER.includes(k))).toEqual([]);
  });

  it('runs the image deploy/jupyterhub/Dockerfile builds, on top of the one build.sh builds', () => {
    const dockerfile = read('Dockerfile');
    const image = `${values.singleuser.image.name}:${values.singleuser.image.tag}`;
    expect(/^FROM (\S+)$/m.exec(dockerfile)?.[1]).toBe(engineImage);
    expect(/docker build -t (\S+) deploy\/jupyterhub$/m.exec(dockerfile)?.[1]).toBe(image);
    expect(read('README.md')).toContain(`docker build -t ${image} deploy/jupyterhub`);
    expect(image).toBe(engineImage.replace('engine-agent:', 'engine-agent-jupyterhub:'));
  });

  it('makes the pod privileged, as root, with privilege escalation allowed (Kubernetes refuses privileged without it)', () => {
    expect(values.hub.config.KubeSpawner.privileged).toBe(true);
    expect(values.singleuser.allowPrivilegeEscalation).toBe(true);
    expect(values.singleuser.uid).toBe(0);
    expect(values.singleuser.cmd).toBe('jupyterhub-singleuser');
  });

  it('gives the inner engine an emptyDir at /var/lib/docker, bounded in size', () => {
    const mount = values.singleuser.storage.extraVolumeMounts.find((m: { mountPath: string }) => m.mountPath === '/var/lib/docker');
    const volume = values.singleuser.storage.extraVolumes.find((v: { name: string }) => v.name === mount?.name);
    expect(volume?.emptyDir?.sizeLimit).toMatch(/^\d+Gi$/);
  });

  it('requests and limits memory and CPU, the limit above the guarantee', () => {
    const { memory, cpu } = values.singleuser;
    expect(bytes(memory.limit)).toBeGreaterThan(bytes(memory.guarantee));
    // The pod with five containers inside and the page open measured 205 MiB: the guarantee covers it.
    expect(bytes(memory.guarantee)).toBeGreaterThanOrEqual(256 * 2 ** 20);
    expect(cpu.limit).toBeGreaterThan(cpu.guarantee);
  });

  it('culls idle servers', () => {
    expect(values.cull).toMatchObject({ enabled: true });
    expect(values.cull.timeout).toBeGreaterThan(0);
    expect(values.cull.every).toBeLessThanOrEqual(values.cull.timeout);
  });

  it('names a public origin the agent accepts as --public-url', () => {
    const origin = values.singleuser.extraEnv.GLASSBOX_PUBLIC_ORIGIN as string;
    const url = parsePublicUrl(`${origin}/user/ana/glassbox/`);
    expect(typeof url === 'string' ? url : url.origin).toBe(origin);
  });
});

const python = spawnSync('python3', ['--version']).status === 0;
if (!python) process.stderr.write('skipping the jupyter_server_config.py checks: no python3\n');

/** Runs the config file as Jupyter would, with a stand-in for traitlets' config object; returns what it set. */
function runConfig(env: Record<string, string>): { code: number; out: string; err: string } {
  const stub = `
import json, runpy
class Section(dict):
    def __getattr__(self, k): return self.setdefault(k, Section())
    def __setattr__(self, k, v): self[k] = v
c = Section()
runpy.run_path(${JSON.stringify(join(dir, 'jupyter_server_config.py'))}, init_globals={'get_config': lambda: c})
print(json.dumps(c))
`;
  const r = spawnSync('python3', ['-c', stub], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe.skipIf(!python)('deploy/jupyterhub/jupyter_server_config.py', () => {
  const token = '5a'.repeat(32);

  it('starts the agent on loopback with the pod’s token file and the public URL under the user’s prefix; students land on it', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gb-dind-jsp-'));
    try {
      writeFileSync(join(tmp, 'token'), `${token}\n`, { mode: 0o600 });
      const r = runConfig({ GLASSBOX_TOKEN_FILE: join(tmp, 'token'), GLASSBOX_PUBLIC_ORIGIN: 'https://hub.example.edu/' });
      expect(r.err).toBe('');
      const c = JSON.parse(r.out);
      const server = c.ServerProxy.servers.glassbox;
      expect(server.command).toEqual(['glassbox', 'agent', '--port', '{port}', '--token-file', join(tmp, 'token'), '--public-url', 'https://hub.example.edu{base_url}glassbox/']);
      expect(server.launcher_entry.path_info).toBe(`glassbox/?token=${token}`);
      expect(server.absolute_url).toBe(false);
      expect(c.ServerApp.default_url).toBe(`/glassbox/?token=${token}`);
      expect(c.ServerApp.allow_root).toBe(true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('stops the server with a message when the public origin is not set', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'gb-dind-jsp-'));
    try {
      writeFileSync(join(tmp, 'token'), token, { mode: 0o600 });
      const r = runConfig({ GLASSBOX_TOKEN_FILE: join(tmp, 'token') });
      expect(r.code).not.toBe(0);
      expect(r.err).toContain("glassbox: set singleuser.extraEnv.GLASSBOX_PUBLIC_ORIGIN to the hub's address, e.g. https://hub.example.edu (got '')");
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('reads the token where the engine+agent entrypoint writes it', () => {
    const entrypoint = readFileSync(join(repo, 'deploy/engine-agent/entrypoint.sh'), 'utf8');
    const written = /token_file=\$\{GLASSBOX_TOKEN_FILE:-([^}]+)\}/.exec(entrypoint)?.[1];
    expect(read('jupyter_server_config.py')).toContain(`os.environ.get("GLASSBOX_TOKEN_FILE", "${written}")`);
    // The agent refuses a token file others can read: the entrypoint writes it with umask 077.
    expect(entrypoint).toMatch(/umask 077 && od -An -tx1 -N32 \/dev\/urandom/);
    expect(execFileSync('bash', ['-n', join(repo, 'deploy/engine-agent/entrypoint.sh')]).toString()).toBe('');
  });
});
