import { describe, expect, it } from 'vitest';
import { InterruptSource, seededRng } from '../../ports';
import type { SignInRequest } from '../../process';
import { ServiceSession } from '../../services/testKit';
import { dockerCommand } from './index';
import { base64 } from '../../base64';
import { DOCKER_CONFIG } from './registry';
import { deviceCode, deviceLoginText } from './webLogin';

/** What a terminal shows: no SGR sequences. */
const plain = (t: string): string => t.replace(/\x1b\[[0-9;]*m/g, '');

/** `docker login` at a terminal that types `keys` and whose simulated browser answers `signIn`; `interrupt` presses Ctrl-C after `ctrlCAt` ms. */
async function login(s: ServiceSession, keys: string[], signIn?: (r: SignInRequest) => Promise<string | null>, ctrlCAt?: number) {
  let out = '';
  let err = '';
  const shown: SignInRequest[] = [];
  const queue = [...keys];
  const interrupt = new InterruptSource();
  const terminal = {
    claim(onData: (data: string) => void): () => void {
      const k = queue.shift();
      if (k !== undefined) s.d.scheduler.after(1, () => onData(k));
      return () => {};
    },
    ...(signIn ? { signIn: (r: SignInRequest) => (shown.push(r), signIn(r)) } : {}),
  };
  if (ctrlCAt !== undefined) s.d.scheduler.after(ctrlCAt, () => interrupt.interrupt());
  const docker = dockerCommand(s.d.engine, { fs: s.fs });
  const code = await s.d.until(docker(['docker', 'login'], { stdin: null, stdout: (t) => (out += t), stderr: (t) => (err += t), interrupt, stdinIsTTY: true, terminal }));
  return { out, err, code, shown };
}

describe('docker login with no arguments (Docker 28’s web-based login)', () => {
  it('without a terminal: the client’s own error, exit 1', async () => {
    const s = new ServiceSession('web-login');
    expect(await s.run('docker login')).toEqual({ out: '', err: 'Error: Cannot perform an interactive login from a non TTY device\n', code: 1 });
  });

  it('prints the device code and the activation page; Enter opens the sign-in, which stores the Hub credentials', async () => {
    const s = new ServiceSession('web-login');
    const r = await login(s, ['\r'], async () => 'student');
    const code = r.shown[0]!.code;
    expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(r.shown[0]!.url).toBe(`https://login.docker.com/activate?user_code=${code}`);
    expect(plain(r.err)).toBe(
      "\nUSING WEB-BASED LOGIN\n\ni Info → To sign in with credentials on the command line, use 'docker login -u <username>'\n         \n\n" +
        `Your one-time device confirmation code is: ${code}\nPress ENTER to open your browser or submit your device code here: https://login.docker.com/activate\n\nWaiting for authentication in the browser…\n` +
        "\n\nWARNING! Your credentials are stored unencrypted in '/root/.docker/config.json'.\nConfigure a credential helper to remove this warning. See\nhttps://docs.docker.com/go/credential-store/\n\n",
    );
    expect(r).toMatchObject({ out: 'Login Succeeded\n', code: 0 });
    const auths = (JSON.parse(s.fs.readFile(DOCKER_CONFIG)) as { auths: Record<string, { auth: string }> }).auths;
    expect(Object.keys(auths)).toEqual(['https://index.docker.io/v1/', 'https://index.docker.io/v1/access-token', 'https://index.docker.io/v1/refresh-token']);
    expect(atob(auths['https://index.docker.io/v1/']!.auth)).toMatch(/^student:dckr_pat_/);
    // `docker logout` erases the OAuth tokens, then the Hub entry.
    expect((await s.run('docker logout')).out).toBe('Removing login credentials for https://index.docker.io/v1/\n');
    expect(JSON.parse(s.fs.readFile(DOCKER_CONFIG))).toEqual({ auths: {} });
  });

  it('a closed sign-in leaves the client waiting; Ctrl-C then cancels: "login canceled", exit 1, nothing stored', async () => {
    const s = new ServiceSession('web-login');
    const r = await login(s, ['\r'], async () => null, 60_000);
    expect(r.shown).toHaveLength(1);
    expect(r.code).toBe(1);
    // The terminal echoed the Enter that opened the browser.
    expect(r.err.endsWith('Waiting for authentication in the browser…\n\nlogin canceled\n')).toBe(true);
    expect(s.fs.exists(DOCKER_CONFIG)).toBe(false);
  });

  it('Ctrl-C before Enter cancels the same way', async () => {
    const s = new ServiceSession('web-login');
    const r = await login(s, ['\x03'], async () => 'never');
    expect(r).toMatchObject({ code: 1, shown: [] });
    expect(r.err.endsWith('login canceled\n')).toBe(true);
  });

  it('the device code comes from the seed (a replay shows the same one)', () => {
    expect(deviceCode(seededRng('a'))).toBe(deviceCode(seededRng('a')));
    expect(deviceCode(seededRng('a'))).not.toBe(deviceCode(seededRng('b')));
    expect(plain(deviceLoginText('ABCD-EFGH'))).toContain('Your one-time device confirmation code is: ABCD-EFGH\n');
  });

  it('again with the Hub’s credentials stored: the client logs in with them, no TTY needed', async () => {
    const s = new ServiceSession('web-login');
    await login(s, ['\r'], async () => 'student1');
    const before = s.fs.readFile(DOCKER_CONFIG);
    expect(await s.run('docker login')).toEqual({
      out: 'Login Succeeded\n',
      err: "Authenticating with existing credentials... [Username: student1]\n\n Info -> To login with a different account, run 'docker logout' followed by 'docker login'\n\n\n",
      code: 0,
    });
    expect(s.fs.readFile(DOCKER_CONFIG)).toBe(before);
  });

  it('with -u the web login is not used: the credentials given are stored', async () => {
    const s = new ServiceSession('web-login');
    const r = await s.run('docker login -u bob --password-stdin', { stdin: 'pw\n' });
    expect(r.code).toBe(0);
    expect(JSON.parse(s.fs.readFile(DOCKER_CONFIG))).toEqual({ auths: { 'https://index.docker.io/v1/': { auth: base64('bob:pw') } } });
  });
});
