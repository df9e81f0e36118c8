import { DaemonError } from '../../engine/errors';
import type { Engine } from '../../engine/engine';
import { normalizeImageRef } from '../../images/catalog';
import { imageJson } from './imageJson';
import type { CommandDef, Ctx } from './common';
import { networkJson } from './network';
import { GO_NIL_MAP, GO_NIL_SLICE, goStruct, type Template } from '../gotemplate';
import { executeRow, goJson, parseFormat, TemplateError } from './template';

const TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];

function find(engine: Engine, ref: string, type: string): Record<string, unknown> | undefined {
  if (type === '' || type === 'container') {
    try {
      return engine.inspect(ref);
    } catch (e) {
      if (!(e instanceof DaemonError) || e.kind !== 'notFound') throw e;
    }
  }
  if (type === '' || type === 'image') {
    const image = engine.image(ref);
    if (image) return imageJson(engine, image);
  }
  if (type === '' || type === 'network') {
    const net = engine.net.find(ref);
    if (net) return networkJson(engine, net);
  }
  if (type === '' || type === 'volume') {
    const volume = engine.volumes.find(ref);
    if (volume) return engine.volumes.inspect(volume);
  }
  return undefined;
}

/** Fields of ContainerJSON/ImageInspect that are Go slices (nil prints `[]`) or maps (nil prints `map[]`, keys sorted). */
const SLICE_FIELDS = new Set(['Args', 'Env', 'Cmd', 'Entrypoint', 'OnBuild', 'ExecIDs', 'Binds', 'VolumesFrom', 'CapAdd', 'CapDrop', 'Dns', 'DnsOptions', 'DnsSearch', 'ExtraHosts', 'GroupAdd', 'Links', 'SecurityOpt', 'Mounts', 'ConsoleSize', 'RepoTags', 'RepoDigests', 'Layers']);
const MAP_FIELDS = new Set(['Labels', 'Volumes', 'PortBindings', 'Data', 'Ports', 'Networks', 'Options', 'Tmpfs']);

const MOUNT_POINT_ZEROS = { Name: '', Driver: '' };
const MOUNT_ZEROS = { Source: '', Target: '', ReadOnly: false, Consistency: '', BindOptions: null, VolumeOptions: null, ImageOptions: null, TmpfsOptions: null, ClusterOptions: null };

/**
 * The inspect JSON as the client's typed structs: docker inspect runs the
 * template on those first (so a nil slice prints `[]`, struct fields keep
 * their order in `json`), and only falls back to the raw map when that fails.
 */
function typed(value: unknown, key = '', parent = ''): unknown {
  const isMap = MAP_FIELDS.has(key) || (key === 'Config' && parent === 'LogConfig');
  if (value === null) return SLICE_FIELDS.has(key) ? GO_NIL_SLICE : isMap ? GO_NIL_MAP : null;
  if (Array.isArray(value)) {
    // Mount points and HostConfig.Mounts have omitempty fields a template still reads (`{{.Name}}` of a bind is "").
    const zeros = key === 'Mounts' ? (parent === 'HostConfig' ? MOUNT_ZEROS : MOUNT_POINT_ZEROS) : undefined;
    if (zeros === undefined) return value.map((v) => typed(v));
    return value.map((v) => {
      const fields: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) fields[k] = typed(x, k, 'Mounts');
      return withOmitted(parent === 'HostConfig' ? 'mount.Mount' : 'container.MountPoint', fields, zeros);
    });
  }
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = typed(v, k, key);
  if (key === 'Config' && parent === '') return configStruct(out);
  if (key === 'HostConfig' && parent === '') return withOmitted('*container.HostConfig', out, { Tmpfs: GO_NIL_MAP, Mounts: GO_NIL_SLICE });
  return isMap ? out : goStruct('types.ContainerJSON', out);
}

/**
 * container.Config's omitempty fields: the JSON leaves them out when unset,
 * but the struct still has them, so a template reads "" (StopSignal) or
 * <nil> (StopTimeout, a *int) where the raw JSON has no such key.
 */
function configStruct(fields: Record<string, unknown>): Record<string, unknown> {
  return withOmitted('*container.Config', fields, { StopSignal: '', StopTimeout: null });
}

/** A struct whose omitempty fields the JSON left out: the template still reads their zero values; `json` prints what the API sent. */
function withOmitted(typeName: string, fields: Record<string, unknown>, zeros: Record<string, unknown>): Record<string, unknown> {
  const json = goStruct(typeName, { ...fields });
  const struct = goStruct(typeName, { ...zeros, ...fields });
  Object.defineProperty(struct, 'MarshalJSON', { value: () => json, enumerable: false });
  return struct;
}

export const inspect: CommandDef = {
  name: 'inspect',
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  args: { kind: 'min', n: 1 },
  async run(ctx, flags) {
    // `docker container inspect` only looks for containers.
    const type = ctx.path === 'docker container inspect' ? 'container' : flags.string('type');
    if (type !== '' && !TYPES.includes(type)) {
      ctx.io.stderr(`unknown type: "${type}": must be one of ${TYPES.map((t) => `"${t}"`).join(', ')}\n`);
      return 1;
    }
    return inspectAll(ctx, flags.args, flags.string('format'), (ref) => find(ctx.engine, ref, type), (ref) =>
      type === 'image'
        ? `Error response from daemon: no such image: ${ref}: No such image: ${normalizeImageRef(ref)}`
        : type === 'container'
          ? `Error response from daemon: No such container: ${ref}`
          : type === 'volume'
            ? `Error response from daemon: get ${ref}: no such volume`
            : `Error: No such object: ${ref}`,
    );
  },
};

/**
 * docker/cli's inspect.Inspect: the format parsed before any lookup (exit 64
 * when bad), each reference looked up, the template run on the typed struct
 * and then on the raw map, each failure reported while the others print.
 * `lookup` returns undefined for "not found" (then `missing` words the error)
 * or throws the daemon's error.
 */
export async function inspectAll(
  ctx: Ctx,
  refs: readonly string[],
  format: string,
  lookup: (ref: string) => Record<string, unknown> | undefined,
  missing: (ref: string) => string,
  asStruct: (json: Record<string, unknown>) => unknown = typed,
): Promise<number> {
  const indented = format === '' || format === 'json';
  // docker/cli's inspect.Inspect: the template is parsed before any lookup, and a bad one is exit 64.
  let template: Template | undefined;
  if (!indented) {
    try {
      // The format is used as given: no `table` prefix, no \t escapes, no trimming (templates.Parse).
      template = parseFormat(format);
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      ctx.io.stderr(`template parsing error: ${e.message}\n`);
      return 64;
    }
  }
  const found: Record<string, unknown>[] = [];
  const errors: string[] = [];
  let buffer = '';
  for (const ref of refs) {
    let obj: Record<string, unknown> | undefined;
    try {
      obj = lookup(ref);
    } catch (e) {
      if (!(e instanceof DaemonError)) throw e;
      errors.push(`Error response from daemon: ${e.message}`);
      continue;
    }
    if (obj === undefined) {
      errors.push(missing(ref));
      continue;
    }
    if (template === undefined) {
      found.push(obj);
      continue;
    }
    // TemplateInspector.Inspect: the typed structs first, then the raw map with missingkey=error;
    // an element that fails adds its error and the next one is still printed.
    try {
      let text: string;
      try {
        text = executeRow(template, asStruct(obj));
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        text = executeRow(template, obj, { missingKeyError: true });
      }
      buffer += text + '\n';
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      errors.push(`template parsing error: ${e.message}`);
    }
  }
  // IndentedInspector prints the list ("[]" when empty); TemplateInspector.Flush an empty line when nothing printed.
  ctx.io.stdout(template === undefined ? goJson(found, '    ') + '\n' : buffer === '' ? '\n' : buffer);
  if (errors.length === 0) return 0;
  ctx.io.stderr(errors.join('\n') + '\n');
  return 1;
}
