import { hostAddress } from '../../network/ports';
import { daemonErrorText, type CommandDef } from './common';
import { naturalLess } from './network';

/** `docker port CONTAINER [PRIVATE_PORT[/PROTO]]` (docker/cli container/port.go). */
export const port: CommandDef = {
  name: 'port',
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  args: { kind: 'range', min: 1, max: 2 },
  async run(ctx, flags) {
    const [ref, wanted] = flags.args as [string, string | undefined];
    let ports;
    try {
      ports = ctx.engine.containerPorts(ref);
    } catch (e) {
      ctx.io.stderr(daemonErrorText(e) + '\n');
      return 1;
    }
    let out: string[];
    if (wanted !== undefined) {
      const slash = wanted.indexOf('/');
      const num = slash < 0 ? wanted : wanted.slice(0, slash);
      const proto = slash < 0 ? 'tcp' : wanted.slice(slash + 1);
      const matching = ports.filter((p) => String(p.containerPort) === num && p.proto === proto);
      if (matching.length === 0) {
        ctx.io.stderr(`Error: No public port '${wanted}' published for ${ref}\n`);
        return 1;
      }
      out = matching.map((p) => hostAddress(p.hostIp, p.hostPort));
    } else {
      out = ports.map((p) => `${p.containerPort}/${p.proto} -> ${hostAddress(p.hostIp, p.hostPort)}`);
    }
    out.sort((a, b) => (naturalLess(a, b) ? -1 : naturalLess(b, a) ? 1 : 0));
    if (out.length > 0) ctx.io.stdout(out.join('\n') + '\n');
    return 0;
  },
};
