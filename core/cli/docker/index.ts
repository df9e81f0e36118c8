import type { CommandRunner, ProcessIO } from '../../process';
import type { Engine } from '../../engine/engine';
import { runDef, runGroup, type CommandDef } from './common';
import { helpTexts } from './helpTexts';
import { commit, diff, history, images, imageSubcommands, pull, rmi, tag } from './images';
import { inspect } from './inspect';
import { kill, pause, restart, rm, stop, unpause, wait } from './lifecycle';
import { logs } from './logs';
import { networkCommand } from './network';
import { port } from './port';
import { swarmCommand } from './swarm';
import { volumeCommand } from './volume';
import { HOST_IP } from '../../network/network';
import { ps } from './ps';
import { create, run, start } from './run';
import { info, stats, top, update, version } from './system';
import { cp, exportCommand, importCommand, load, save } from './archive';
import { buildCommand, LEGACY_BUILDER_NOTICE } from './build';
import type { Fs } from '../../shell/filesystem';
import { attach, exec } from './exec';
import { events } from './systemEvents';
import { containerPrune, systemPrune } from './prune';
import { systemDf } from './systemDf';
import { login, logout, push, search } from './registry';

/** The client's version line (`docker -v`), the version the simulator's texts follow. */
export const CLIENT_VERSION = 'Docker version 28.2.2, build e6534b4';

const topLevel: Record<string, CommandDef> = {
  run, create, start, exec, attach, stop, kill, pause, unpause, restart, rm, ps, inspect, logs, wait, port, top, stats, update, version, info,
  build: buildCommand, save, load, export: exportCommand, import: importCommand, cp,
  pull, images, tag, rmi, history, diff, commit, events,
  push, search, login, logout,
};

/** `docker container <sub>`: the same commands, with ls/list for ps and remove for rm. */
const containerSubcommands: Record<string, CommandDef> = {
  run, create, start, exec, attach, stop, kill, pause, unpause, restart, rm, remove: rm, ls: ps, list: ps, ps, inspect, logs, wait, port, top, stats, update,
  export: exportCommand, cp, diff, commit, prune: containerPrune,
};

/** `docker system <sub>`. */
const systemSubcommands: Record<string, CommandDef> = { df: systemDf, prune: systemPrune, events, info };

/** Global options that take a value (docker [OPTIONS] COMMAND). */
const GLOBAL_WITH_VALUE = new Set(['--config', '-c', '--context', '-H', '--host', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']);
const GLOBAL_BOOL = new Set(['-D', '--debug', '--tls', '--tlsverify']);

/**
 * The daemon `-H` names: the local one (unix socket, this host's names and
 * address) or another simulated host of the LAN (node2, node3, by name or
 * address, with or without tcp:// and :2375). Anything else is the client's
 * connection error.
 */
function daemonFor(engine: Engine, host: string | undefined): Engine | string {
  if (host === undefined || host === '' || host.startsWith('unix://')) return engine;
  const m = /^(?:tcp:\/\/)?([^:/]+)(?::(\d+))?\/?$/.exec(host);
  const name = m?.[1] ?? host;
  const port = m?.[2] ?? '2375';
  if (['localhost', '127.0.0.1', 'glassbox', HOST_IP].includes(name)) return engine;
  const peer = engine.peer(name);
  if (peer) return peer;
  if (/^[0-9.]+$/.test(name)) return `Cannot connect to the Docker daemon at tcp://${name}:${port}. Is the docker daemon running?\n`;
  return `error during connect: Get "http://${name}:${port}/v1.50/containers/json": dial tcp: lookup ${name}: no such host\n`;
}

/**
 * The `docker` program for the host shell: argv[0] is "docker". Output,
 * error texts and exit codes follow the real client (28.x) talking to the
 * simulated engine.
 */
export function dockerCommand(local: Engine, host: { fs?: Fs } = {}): CommandRunner {
  const fs = host.fs;
  return async (argv: string[], io: ProcessIO): Promise<number> => {
    let engine = local;
    let i = 1;
    let hostFlag: string | undefined;
    // Global options before the command.
    while (i < argv.length && argv[i]!.startsWith('-')) {
      const a = argv[i]!;
      if (a === '--help' || a === '-h') {
        io.stdout(helpTexts.docker!);
        return 0;
      }
      if (a === '-v' || a === '--version') {
        io.stdout(CLIENT_VERSION + '\n');
        return 0;
      }
      const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
      if (name === '-H' || name === '--host') hostFlag = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
      if (GLOBAL_WITH_VALUE.has(name)) i += a.includes('=') ? 1 : 2;
      else if (GLOBAL_BOOL.has(name)) i += 1;
      else {
        io.stderr(`unknown flag: ${name.startsWith('--') ? name : `-${name.slice(1, 2)}`}\n\nUsage:  docker [OPTIONS] COMMAND\n\nRun 'docker --help' for more information\n`);
        return 125;
      }
    }
    const command = argv[i];
    const rest = argv.slice(i + 1);
    if (command === undefined) {
      // With no command the client shows its help on stderr and succeeds.
      io.stderr(helpTexts.docker!);
      return 0;
    }
    if (command === 'help') {
      io.stdout(helpTexts.docker!);
      return 0;
    }
    const target = daemonFor(engine, hostFlag);
    if (typeof target === 'string') {
      io.stderr(target);
      return 1;
    }
    engine = target;
    if (command === 'container') return runGroup({ engine, io, ...(fs ? { fs } : {}) }, 'container', containerSubcommands, rest);
    if (command === 'system') return runGroup({ engine, io }, 'system', systemSubcommands, rest);
    if (command === 'network') return networkCommand({ engine, io }, rest);
    if (command === 'swarm') return swarmCommand({ engine, io }, rest);
    if (command === 'volume') return volumeCommand({ engine, io }, rest);
    if (command === 'image') return runGroup({ engine, io, ...(fs ? { fs } : {}) }, 'image', { ...imageSubcommands, build: buildCommand, save, load, import: importCommand, push }, rest);
    const def = topLevel[command];
    if (!def) {
      io.stderr(`docker: unknown command: docker ${command}\n\nRun 'docker --help' for more information\n`);
      return 1;
    }
    // Without buildx the 28.x client falls back to the legacy builder, and says so first.
    if (command === 'build') io.stderr(LEGACY_BUILDER_NOTICE);
    return runDef(def, { engine, io, path: `docker ${command}`, ...(fs ? { fs } : {}) }, rest);
  };
}
