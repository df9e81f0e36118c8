import { DaemonError } from '../../engine/errors';
import type { PullMessage } from '../../engine/imageService';
import { base64, unbase64 } from '../../base64';
import { hostOf, INDEX_SERVER, isHub, registryLogin, type RegistryAuth } from '../../engine/registryClient';
import { pullFromRegistry, pullWithMirrors } from '../../engine/registryPull';
import { pushImage } from '../../engine/registryPush';
import { parseNormalizedNamed, ReferenceError, withDefaultTag, type Reference } from '../../images/reference';
import { DEFAULT_SEARCH_LIMIT, searchHub, type SearchResult } from '../../images/hubSearch';
import type { TerminalInput } from '../../process';
import type { Fs } from '../../shell/filesystem';
import { formatItems, headerContext, tabwriteRows } from '../table';
import { daemonErrorText, type CommandDef, type Ctx } from './common';
import { displayJsonMessages } from './jsonMessages';
import { TemplateError } from './template';
import { eraseHubOAuthTokens, storedHubLogin, webLogin } from './webLogin';

/**
 * `docker search`, `docker login` and `docker logout` as the 28.2.2 client
 * runs them. Search asks the simulated Hub (core/images/hubSearch.ts); login
 * has the daemon check the registry (core/engine/registryClient.ts) and keeps
 * the credentials in the host's ~/.docker/config.json as Docker does without a
 * credential helper. `docker push` has the daemon push over the simulated
 * network (core/engine/registryPush.ts) to a registry:2 container.
 */

/** The client's config file: root's home, as the simulated host's shell runs as root. */
export const DOCKER_CONFIG = '/root/.docker/config.json';

const SEARCH_HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED' };

/** docker/cli's searchContext: the columns as strings ([OK] for the flags), the description on one line and cut to 45 columns. */
function searchRow(r: SearchResult, trunc: boolean): Record<string, string> {
  let desc = r.description.replace(/[\n\r]/g, ' ');
  const chars = [...desc];
  if (trunc && chars.length > 45) desc = chars.slice(0, 44).join('') + '…';
  // Keys in encoding/json's order, for --format json.
  return { Description: desc, IsAutomated: r.isAutomated ? '[OK]' : '', IsOfficial: r.isOfficial ? '[OK]' : '', Name: r.name, StarCount: String(r.starCount) };
}

export const search: CommandDef = {
  name: 'search',
  usage: '[OPTIONS] TERM',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    const filters: Record<string, string[]> = {};
    for (const f of flags.stringArray('filter')) {
      const eq = f.indexOf('=');
      if (eq < 0) {
        ctx.io.stderr(`invalid argument "${f}" for "-f, --filter" flag: bad format of filter (expected name=value)\n\nUsage:  ${ctx.path} [OPTIONS] TERM\n\nRun '${ctx.path} --help' for more information\n`);
        return 125;
      }
      (filters[f.slice(0, eq).trim().toLowerCase()] ??= []).push(f.slice(eq + 1).trim());
    }
    const term = flags.args[0]!;
    // A term naming another registry (host/name) searches that registry's v1 API.
    if (/^[^/]*[.:][^/]*\//.test(term) || term.startsWith('localhost/')) {
      ctx.io.stderr(`glassbox: docker search on a registry other than Docker Hub is not simulated yet\n`);
      return 2;
    }
    // The client sends limit only when it is set above zero; the daemon's default is 25.
    const limit = flags.int('limit') > 0 ? flags.int('limit') : DEFAULT_SEARCH_LIMIT;
    let results: SearchResult[];
    try {
      results = searchHub(term, filters, limit);
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      ctx.io.stderr(`Error response from daemon: ${e.message}\n`);
      return 1;
    }
    const rows = results.map((r) => searchRow(r, !flags.bool('no-trunc')));
    const format = flags.string('format');
    if (format === '' || format === 'table') {
      ctx.io.stdout(tabwriteRows([['NAME', 'DESCRIPTION', 'STARS', 'OFFICIAL'], ...rows.map((r) => [r.Name!, r.Description!, r.StarCount!, r.IsOfficial!])]));
      return 0;
    }
    try {
      ctx.io.stdout(formatItems(format, rows, headerContext(SEARCH_HEADERS)));
    } catch (e) {
      if (!(e instanceof TemplateError)) throw e;
      ctx.io.stderr(`${e.phase === 'parse' ? 'failed to parse template' : 'failed to execute template'}: ${e.message}\n`);
      return 1;
    }
    return 0;
  },
};

export interface ConfigFile {
  auths?: Record<string, { auth?: string }>;
  [key: string]: unknown;
}

export function readConfig(fs: Fs): ConfigFile {
  const r = fs.tryRead(DOCKER_CONFIG);
  if ('error' in r || r.data.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(r.data);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ConfigFile) : {};
  } catch {
    return {};
  }
}

/** configfile.Save: json.MarshalIndent with a tab, no newline after. */
export function writeConfig(fs: Fs, config: ConfigFile): void {
  fs.mkdir('/root/.docker', { parents: true });
  fs.writeFile(DOCKER_CONFIG, JSON.stringify(config, null, '\t'));
}

/** The credentials config.json holds for a registry host (its "auth", base64 of user:password), if any. */
export function storedCredentials(fs: Fs | undefined, host: string): RegistryAuth | undefined {
  if (!fs) return undefined;
  const auths = readConfig(fs).auths ?? {};
  const entry = auths[host] ?? auths[`http://${host}`] ?? auths[`https://${host}`];
  const text = entry?.auth !== undefined ? unbase64(entry.auth) : undefined;
  const colon = text?.indexOf(':') ?? -1;
  if (text === undefined || colon < 0) return undefined;
  return { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

export const UNENCRYPTED_WARNING = (path: string): string =>
  `\nWARNING! Your credentials are stored unencrypted in '${path}'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n`;

function fail(ctx: Ctx, text: string): number {
  ctx.io.stderr(text + '\n');
  return 1;
}

/** A line typed at the terminal (echoed, or not for a password); undefined on Ctrl-C. */
function readLine(terminal: TerminalInput, ctx: Ctx, echo: boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    let line = '';
    const release = terminal.claim((data) => {
      for (const ch of data) {
        if (ch === '\r' || ch === '\n') {
          release();
          if (echo) ctx.io.stdout('\n');
          return resolve(line);
        }
        if (ch === '\x03') {
          release();
          ctx.io.stdout('\n');
          return resolve(undefined);
        }
        if (ch === '\x7f' || ch === '\b') {
          if (line !== '' && echo) ctx.io.stdout('\b \b');
          line = [...line].slice(0, -1).join('');
        } else if (ch >= ' ') {
          line += ch;
          if (echo) ctx.io.stdout(ch);
        }
      }
    });
  });
}

export const login: CommandDef = {
  name: 'login',
  usage: '[OPTIONS] [SERVER]',
  args: { kind: 'max', n: 1 },
  async run(ctx, flags) {
    // verifyLoginFlags, before anything is printed.
    if (flags.changed('password-stdin')) {
      if (flags.changed('password')) return fail(ctx, 'conflicting options: cannot specify both --password and --password-stdin');
      if (!flags.changed('username')) return fail(ctx, 'the --password-stdin option requires --username to be set');
    }
    const user = flags.string('username').trim();
    if (flags.changed('username') && user === '') return fail(ctx, 'username is empty');
    if (flags.changed('password') && flags.string('password') === '') return fail(ctx, 'password is empty');
    let password = flags.string('password');
    if (password !== '') ctx.io.stderr('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
    if (flags.bool('password-stdin')) password = (ctx.io.stdin ?? '').replace(/\n$/, '').replace(/\r$/, '');
    const arg = flags.args[0];
    const server = arg !== undefined && arg !== 'docker.io' ? arg : INDEX_SERVER;
    const hub = server === INDEX_SERVER || isHub(server);
    let username = user;
    // Without -u and -p the client first tries the credentials it stored (the Hub's: webLogin.ts; a registry's: below).
    const stored = ctx.fs ? readConfig(ctx.fs).auths?.[hub ? INDEX_SERVER : hostOf(server)] : undefined;
    if (username === '' && password === '' && stored?.auth && hub) return storedHubLogin(ctx, stored.auth);
    let storedUser: string | undefined;
    if (username === '' && password === '' && !hub) {
      const creds = storedCredentials(ctx.fs, hostOf(server));
      if (creds) {
        // docker/cli's loginWithStoredCredentials, as recorded with Debian's registry: nothing is written again.
        const info = ctx.io.stdoutIsTTY ? 'i Info → ' : ' Info -> ';
        ctx.io.stderr(`Authenticating with existing credentials... [Username: ${creds.username}]\n\n${info}To login with a different account, run 'docker logout' followed by 'docker login'\n\n\n`);
        try {
          await registryLogin(ctx.engine.services, server, creds);
          ctx.io.stdout('Login Succeeded\n');
          return 0;
        } catch (e) {
          if (!(e instanceof DaemonError)) throw e;
          ctx.io.stderr(`Login did not succeed, error: ${daemonErrorText(e)}\n`);
          storedUser = creds.username;
        }
      }
    }
    if (username === '' || password === '') {
      // The client prompts (or, for the Hub without -u, starts the web sign-in): both need a terminal.
      if (!ctx.io.stdinIsTTY) return fail(ctx, 'Error: Cannot perform an interactive login from a non TTY device');
      // The Hub with neither -u nor -p: Docker 28's web-based (device code) login (webLogin.ts).
      if (hub && username === '' && password === '') return webLogin(ctx);
      const terminal = ctx.io.terminal;
      if (!terminal) {
        ctx.io.stderr(`glassbox: docker login's prompts are not simulated here; use docker login -u USERNAME --password-stdin\n`);
        return 2;
      }
      if (username === '') {
        // After stored credentials failed, the prompt offers their user name as the default.
        ctx.io.stdout(storedUser !== undefined ? `Username (${storedUser}): ` : 'Username: ');
        const typed = await readLine(terminal, ctx, true);
        if (typed === undefined) return 130;
        username = typed.trim() || (storedUser ?? '');
        if (username === '') return fail(ctx, 'Error: Non-null Username Required');
      }
      if (password === '') {
        // docker/cli's PromptUserForCredentials: the Hub gets the note about access tokens first.
        if (hub) ctx.io.stdout('\ni Info → A Personal Access Token (PAT) can be used instead.\n         To create a PAT, visit https://app.docker.com/settings\n         \n         \n');
        ctx.io.stdout('Password: ');
        const typed = await readLine(terminal, ctx, false);
        if (typed === undefined) return 130;
        ctx.io.stdout('\n');
        password = typed;
        if (password === '') return fail(ctx, 'Error: Password Required');
      }
    }
    const fs = ctx.fs;
    if (!fs) {
      ctx.io.stderr('glassbox: docker login without a host filesystem is not simulated\n');
      return 2;
    }
    try {
      // The Hub is not on the simulated network: any non-empty password is accepted there (registryClient.ts).
      await registryLogin(ctx.engine.services, server, { username, password });
    } catch (e) {
      if (!(e instanceof DaemonError)) throw e;
      return fail(ctx, daemonErrorText(e));
    }
    const key = hub ? INDEX_SERVER : hostOf(server);
    const config = readConfig(fs);
    config.auths = { ...(config.auths ?? {}), [key]: { auth: base64(`${username}:${password}`) } };
    writeConfig(fs, config);
    ctx.io.stderr(UNENCRYPTED_WARNING(DOCKER_CONFIG));
    ctx.io.stdout('Login Succeeded\n');
    return 0;
  },
};

export const logout: CommandDef = {
  name: 'logout',
  usage: '[SERVER]',
  args: { kind: 'max', n: 1 },
  async run(ctx, flags) {
    const arg = flags.args[0];
    const isDefault = arg === undefined;
    const host = isDefault ? INDEX_SERVER : hostOf(arg);
    // Older clients stored the address as typed, with or without a scheme: every form is erased.
    const keys = isDefault ? [INDEX_SERVER] : [arg, host, `http://${host}`, `https://${host}`];
    // The Hub's OAuth tokens of a web login go first (webLogin.ts).
    if (isDefault && ctx.fs) eraseHubOAuthTokens(ctx.fs);
    ctx.io.stdout(`Removing login credentials for ${host}\n`);
    const fs = ctx.fs;
    if (!fs) return 0;
    const config = readConfig(fs);
    if (!config.auths || !keys.some((k) => k in config.auths!)) return 0;
    const auths = { ...config.auths };
    for (const k of keys) delete auths[k];
    writeConfig(fs, { ...config, auths });
    return 0;
  },
};

export const push: CommandDef = {
  name: 'push',
  usage: '[OPTIONS] NAME[:TAG]',
  args: { kind: 'exact', n: 1 },
  async run(ctx, flags) {
    let ref: Reference;
    try {
      ref = parseNormalizedNamed(flags.args[0]!);
    } catch (e) {
      if (!(e instanceof ReferenceError)) throw e;
      ctx.io.stderr(e.message + '\n');
      return 1;
    }
    if (flags.bool('all-tags') || flags.bool('quiet')) {
      ctx.io.stderr(`glassbox: docker push ${flags.bool('all-tags') ? '--all-tags' : '--quiet'} is not simulated yet\n`);
      return 2;
    }
    if (ref.domain === 'docker.io') {
      ctx.io.stderr('glassbox: pushing to Docker Hub is not simulated (the simulator has no Internet); push to a registry:2 container, e.g. localhost:5000/NAME\n');
      return 2;
    }
    if (ref.tag === undefined && ref.digest === undefined) ctx.io.stdout('Using default tag: latest\n');
    const messages: PullMessage[] = [];
    let failure: string | undefined;
    try {
      await pushImage(ctx.engine.services, ref, (m) => messages.push(m), undefined, storedCredentials(ctx.fs, ref.domain));
    } catch (e) {
      if (!(e instanceof DaemonError)) throw e;
      failure = e.message;
    }
    ctx.io.stdout(displayJsonMessages(messages, ctx.io.stdoutIsTTY === true));
    if (failure === undefined) return 0;
    // An error in the progress stream is printed as it is, without "Error response from daemon".
    ctx.io.stderr(failure + '\n');
    return 1;
  },
};

/**
 * The daemon's pull of an image the client asks for (`docker pull`, or
 * run/create of an image not there): a private registry's (host[:port]/name)
 * over the simulated network with the credentials config.json holds for it,
 * the Hub's through daemon.json's registry mirrors, then from the simulated Hub. Rejects with the daemon's error.
 */
export async function daemonPull(ctx: Ctx, image: string): Promise<PullMessage[]> {
  let parsed: Reference | undefined;
  try {
    parsed = parseNormalizedNamed(image);
  } catch (e) {
    if (!(e instanceof ReferenceError)) throw e;
  }
  if (parsed === undefined || parsed.digest !== undefined) return ctx.engine.pull(image);
  if (parsed.domain === 'docker.io') return pullWithMirrors(ctx.engine.services, withDefaultTag(parsed), () => ctx.engine.pull(image));
  return pullFromRegistry(ctx.engine.services, withDefaultTag(parsed), storedCredentials(ctx.fs, parsed.domain));
}

/** `docker pull HOST[:PORT]/NAME[:TAG]`: the daemon's pull from that registry, its stream, then the reference. */
export async function pullFromPrivateRegistry(ctx: Ctx, parsed: Reference, quiet: boolean): Promise<number> {
  const named = withDefaultTag(parsed);
  let messages: PullMessage[];
  try {
    messages = await pullFromRegistry(ctx.engine.services, named, storedCredentials(ctx.fs, named.domain));
  } catch (e) {
    if (!(e instanceof DaemonError)) throw e;
    return fail(ctx, daemonErrorText(e));
  }
  if (!quiet) ctx.io.stdout(displayJsonMessages(messages, ctx.io.stdoutIsTTY === true));
  ctx.io.stdout(`${named.domain}/${named.path}:${named.tag!}\n`);
  return 0;
}
