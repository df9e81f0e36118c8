import { INDEX_SERVER } from '../../engine/registryClient';
import type { Rng } from '../../ports';
import type { Fs } from '../../shell/filesystem';
import type { Ctx } from './common';
import { base64, unbase64 } from '../../base64';
import { DOCKER_CONFIG, readConfig, UNENCRYPTED_WARNING, writeConfig } from './registry';

/**
 * `docker login` with no arguments on a terminal: Docker 28.2's web-based
 * login for Docker Hub (docker/cli's internal/oauth manager.LoginDevice, an
 * OAuth device-code flow against login.docker.com). The client prints a
 * one-time code; Enter (or end of input) opens the browser, here the page's
 * simulated Docker Hub sign-in (`terminal.signIn`); once the student signs
 * in there the client stores the OAuth tokens and an access token for the
 * Hub in ~/.docker/config.json, as the file store does without a credential
 * helper, and prints "Login Succeeded". Closing the sign-in leaves the client
 * waiting, as closing the browser tab does; Ctrl-C cancels ("login canceled",
 * exit 1). The tokens are the simulated Hub's, drawn from the engine's Rng.
 */

/** Auth0's default user-code alphabet (base20 consonants), as every Docker device code shows it. */
const CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** docker/cli's OAuth client id for login.docker.com (internal/oauth/manager/util.go): the refresh token is stored with it. */
const CLIENT_ID = 'L4v0dmlNBpYUjGGab0C2JtgTgXr1Qz4d';
const ACTIVATE_URL = 'https://login.docker.com/activate';

const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';
/** tui.InfoHeader's fancy form (a terminal): a bold "i" on light cyan, then "Info →" in light cyan. */
const INFO_HEADER = `${BOLD}\x1b[106m\x1b[30mi${RESET}${RESET} \x1b[96mInfo → ${RESET}${RESET}`;

function pick(rng: Rng, alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[rng.nextU32() % alphabet.length]!;
  return out;
}

/** tui.Output.PrintNote: the header ("i Info →" on a terminal, " Info -> " otherwise), the text in italics on a terminal. */
function note(text: string, terminal: boolean): string {
  return terminal ? `\n${INFO_HEADER}\x1b[3m${text}${RESET}\n` : `\n Info -> ${text}\n`;
}

/**
 * `docker login` without -u and -p when config.json has the Hub's
 * credentials (loginWithStoredCredentials): the client logs in with them,
 * which the simulated Hub accepts, and stores nothing new.
 */
export function storedHubLogin(ctx: Ctx, auth: string): number {
  const user = (unbase64(auth) ?? '').split(':')[0] ?? '';
  ctx.io.stderr(`Authenticating with existing credentials...${user !== '' ? ` [Username: ${user}]` : ''}\n`);
  ctx.io.stderr(note("To login with a different account, run 'docker logout' followed by 'docker login'", ctx.io.stderrIsTTY === true));
  ctx.io.stderr('\n\n');
  ctx.io.stdout('Login Succeeded\n');
  return 0;
}

/**
 * `docker logout` without a server first logs out of the OAuth tenant
 * (manager.Logout): the stored access and refresh tokens of a web login are
 * erased (the simulated tenant accepts the revocation). A refresh token the
 * CLI did not store (no "..CLIENT_ID" in it) is left alone.
 */
export function eraseHubOAuthTokens(fs: Fs): void {
  const config = readConfig(fs);
  const refresh = config.auths?.[`${INDEX_SERVER}refresh-token`]?.auth;
  if (!config.auths || refresh === undefined || (unbase64(refresh) ?? '').split('..').length !== 2) return;
  const auths = { ...config.auths };
  delete auths[`${INDEX_SERVER}access-token`];
  delete auths[`${INDEX_SERVER}refresh-token`];
  writeConfig(fs, { ...config, auths });
}

/** A one-time device confirmation code, XXXX-XXXX. */
export function deviceCode(rng: Rng): string {
  return `${pick(rng, CODE_ALPHABET, 4)}-${pick(rng, CODE_ALPHABET, 4)}`;
}

/** What LoginDevice writes (to the client's stderr, a terminal) before it waits for the browser. */
export function deviceLoginText(code: string): string {
  return (
    `${BOLD}\nUSING WEB-BASED LOGIN${RESET}\n` +
    // tui.Output.PrintNote: the header, each line in italics, the lines after the first indented by the header's width.
    `\n${INFO_HEADER}\x1b[3mTo sign in with credentials on the command line, use 'docker login -u <username>'${RESET}\n` +
    `${' '.repeat(9)}\x1b[3m${RESET}\n` +
    `\nYour one-time device confirmation code is: ${BOLD}${code}\n${RESET}` +
    `${BOLD}Press ENTER${RESET} to open your browser or submit your device code here: \x1b[4m${ACTIVATE_URL}\n${RESET}` +
    '\nWaiting for authentication in the browser…\n'
  );
}

export async function webLogin(ctx: Ctx): Promise<number> {
  const terminal = ctx.io.terminal;
  const fs = ctx.fs;
  if (!terminal || !fs) {
    ctx.io.stderr('glassbox: docker login’s web-based sign-in needs the page’s terminal (not simulated here); use docker login -u USERNAME --password-stdin\n');
    return 2;
  }
  const rng = ctx.engine.services.rng;
  const code = deviceCode(rng);
  ctx.io.stderr(deviceLoginText(code));
  const username = await new Promise<string | null>((resolve) => {
    let release: (() => void) | null = null;
    const cancel = (): void => {
      release?.();
      release = null;
      offInterrupt();
      resolve(null);
    };
    const offInterrupt = ctx.io.interrupt.onInterrupt(cancel);
    // A goroutine reads one line of stdin (the terminal is in cooked mode: it echoes), then opens the browser.
    release = terminal.claim((data) => {
      for (const ch of data) {
        if (ch === '\x03') return cancel();
        if (ch === '\r' || ch === '\n' || ch === '\x04') {
          release?.();
          release = null;
          if (ch !== '\x04') ctx.io.stderr('\n');
          void openBrowser();
          return;
        }
        if (ch >= ' ') ctx.io.stderr(ch);
      }
    });
    const openBrowser = async (): Promise<void> => {
      // Without a browser (no sign-in here) the client waits on, as when the browser cannot be opened.
      const signedIn = terminal.signIn ? await terminal.signIn({ code, url: `${ACTIVATE_URL}?user_code=${code}` }) : null;
      if (signedIn === null || ctx.io.interrupt.interrupted) return;
      offInterrupt();
      resolve(signedIn);
    };
  });
  if (username === null) {
    ctx.io.stderr('login canceled\n');
    return 1;
  }
  const accessToken = pick(rng, TOKEN_ALPHABET, 64);
  const refreshToken = pick(rng, TOKEN_ALPHABET, 48);
  const pat = `dckr_pat_${pick(rng, TOKEN_ALPHABET, 27)}`;
  const config = readConfig(fs);
  const auths = {
    ...(config.auths ?? {}),
    [`${INDEX_SERVER}access-token`]: { auth: base64(`${username}:${accessToken}`) },
    [`${INDEX_SERVER}refresh-token`]: { auth: base64(`${username}:${refreshToken}..${CLIENT_ID}`) },
    [INDEX_SERVER]: { auth: base64(`${username}:${pat}`) },
  };
  // encoding/json writes a map's keys sorted.
  config.auths = Object.fromEntries(Object.entries(auths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  writeConfig(fs, config);
  // The file store warns once, at the first credentials it stores (the OAuth access token).
  ctx.io.stderr(UNENCRYPTED_WARNING(DOCKER_CONFIG));
  ctx.io.stdout('Login Succeeded\n');
  return 0;
}
