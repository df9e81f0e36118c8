import { daemonErrorText, runGroup, type CommandDef, type Ctx } from './common';

/**
 * `docker swarm init/join/leave`, enough for the course's overlay network
 * between two simulated hosts (`docker -H node2 …`). What the swarm does is
 * simulated (core/network/overlay.ts); the texts are Engine 20.10's.
 */

const init: CommandDef = {
  name: 'swarm init',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx) {
    try {
      const { nodeId, token, addr } = ctx.engine.swarmInit();
      ctx.io.stdout(
        `Swarm initialized: current node (${nodeId}) is now a manager.\n\nTo add a worker to this swarm, run the following command:\n\n    docker swarm join --token ${token} ${addr}:2377\n\n` +
          "To add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n",
      );
      return 0;
    } catch (e) {
      return fail(ctx, e);
    }
  },
};

const join: CommandDef = {
  name: 'swarm join',
  usage: '[OPTIONS] HOST:PORT',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    try {
      ctx.engine.swarmJoin(flags.string('token'), flags.args[0]!);
      ctx.io.stdout('This node joined a swarm as a worker.\n');
      return 0;
    } catch (e) {
      return fail(ctx, e);
    }
  },
};

const leave: CommandDef = {
  name: 'swarm leave',
  usage: '[OPTIONS]',
  args: { kind: 'none' },
  async run(ctx, flags) {
    try {
      ctx.engine.swarmLeave(flags.bool('force'));
      ctx.io.stdout('Node left the swarm.\n');
      return 0;
    } catch (e) {
      return fail(ctx, e);
    }
  },
};

function fail(ctx: Ctx, e: unknown): number {
  ctx.io.stderr(daemonErrorText(e) + '\n');
  return 1;
}

const subcommands: Record<string, CommandDef> = { init, join, leave };

/** `docker swarm [COMMAND]`. */
export function swarmCommand(ctx: Omit<Ctx, 'path'>, argv: readonly string[]): Promise<number> {
  return runGroup(ctx, 'swarm', subcommands, argv);
}
