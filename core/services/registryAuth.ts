import type { Proc } from '../engine/process';
import { unbase64 } from '../base64';
import { sha256Hex } from '../images/digest';
import { envValue, err, out } from '../cshell/procio';
import { readText } from './proc';
import { resolvePath } from '../shell/filesystem';
import type { Request } from './httpServer';

/**
 * The registry's htpasswd access controller (distribution 2.8's
 * registry/auth/htpasswd): with `REGISTRY_AUTH=htpasswd` (or an `auth:
 * htpasswd:` section in config.yml) every request needs Basic credentials
 * matching a bcrypt line of the file, read again at each request as the real
 * one does; otherwise 401 with the challenge and the access records the
 * request asked for.
 *
 * The bcrypt here is the simulator's: `$2y$05$` + salt + a hash derived with
 * SHA-256, not Blowfish. Lines made by the simulated `htpasswd -B` verify in
 * the simulated registry; a line made by a real htpasswd does not (its hash
 * cannot be checked without Blowfish), and is refused as a wrong password.
 */

export interface HtpasswdAuth {
  realm: string;
  path: string;
}

/**
 * The auth settings: the REGISTRY_AUTH* environment over config.yml's
 * `auth: htpasswd:` section. Undefined without auth; a string is the
 * registry's start-up panic (a realm or path missing).
 */
export function authConfig(p: Proc, configText: string): HtpasswdAuth | undefined | string {
  const section = /^auth:\s*\n\s+htpasswd:\s*\n((?:\s{4,}\S.*\n?)*)/m.exec(configText)?.[1] ?? '';
  const fromFile = (key: string): string | undefined => new RegExp(`^\\s+${key}:\\s*(.*?)\\s*$`, 'm').exec(section)?.[1]?.replace(/^"(.*)"$/, '$1');
  const kind = envValue(p.env, 'REGISTRY_AUTH') ?? (section !== '' ? 'htpasswd' : undefined);
  if (kind === undefined || kind === '') return undefined;
  if (kind !== 'htpasswd') return `glassbox: registry auth "${kind}" is not simulated yet (htpasswd is)`;
  const realm = envValue(p.env, 'REGISTRY_AUTH_HTPASSWD_REALM') ?? fromFile('realm') ?? '';
  const path = envValue(p.env, 'REGISTRY_AUTH_HTPASSWD_PATH') ?? fromFile('path') ?? '';
  if (realm === '') return 'panic: unable to configure authorization (htpasswd): "realm" must be set for htpasswd access controller';
  if (path === '') return 'panic: unable to configure authorization (htpasswd): "path" must be set for htpasswd access controller';
  return { realm, path };
}

/**
 * distribution 2.8's start-up with an htpasswd file that is not there: it
 * writes one for the user "docker" with a random password, which it logs.
 * Returns that password, or undefined when the file exists.
 */
export function provisionHtpasswd(p: Proc, auth: HtpasswdAuth, seed: string): string | undefined {
  if (p.fs.exists(auth.path)) return undefined;
  // 32 random bytes in URL-safe base64 without padding: 43 characters.
  const password = Array.from({ length: 43 }, (_, i) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[parseInt(sha256Hex(`${seed} ${i}`).slice(0, 2), 16) & 63]!).join('');
  p.fs.mkdir(auth.path.slice(0, auth.path.lastIndexOf('/')) || '/', { parents: true });
  p.fs.writeFile(auth.path, `docker:${bcryptHash(password, seed)}\n`);
  return password;
}

/** One access record of a request (auth.Access), as the 401's detail lists them. */
interface Access {
  Type: string;
  Class: string;
  Name: string;
  Action: string;
}

/** What a request asks to do (distribution's app.go appendAccessRecords / appendCatalogAccessRecord). */
function accessRecords(req: Request): Access[] | null {
  if (req.path === '/v2/_catalog') return [{ Type: 'registry', Class: '', Name: 'catalog', Action: '*' }];
  const name = /^\/v2\/(.+?)\/(?:tags\/list|manifests\/[^/]+|blobs\/.*)$/.exec(req.path)?.[1];
  if (name === undefined) return null;
  const record = (Action: string): Access => ({ Type: 'repository', Class: '', Name: name, Action });
  if (req.method === 'GET' || req.method === 'HEAD') return [record('pull')];
  if (req.method === 'DELETE') return [record('delete')];
  return [record('pull'), record('push')];
}

export interface AuthRefusal {
  status: 401;
  body: string;
  headers: [string, string][];
  /** The registry's log lines (error, then warning), without the common fields. */
  logs: { level: string; msg: string }[];
}

/** Undefined when the request may go on; otherwise the 401 the registry answers. */
export function authorize(p: Proc, auth: HtpasswdAuth, req: Request): AuthRefusal | undefined {
  const header = req.headers.get('authorization') ?? '';
  const decoded = /^basic\s+(\S+)$/i.exec(header) ? unbase64(header.replace(/^basic\s+/i, '')) : undefined;
  const colon = decoded?.indexOf(':') ?? -1;
  let failure = 'invalid authorization credential';
  const logs: { level: string; msg: string }[] = [];
  if (decoded !== undefined && colon >= 0) {
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const file = readText(p, auth.path) ?? '';
    const line = file.split('\n').find((l) => l.slice(0, l.indexOf(':')) === user);
    if (line !== undefined && bcryptVerify(line.slice(line.indexOf(':') + 1).trim(), password)) return undefined;
    failure = 'authentication failure';
    logs.push({ level: 'error', msg: `error authenticating user \\"${user}\\": authentication failure` });
  }
  logs.push({ level: 'warning', msg: `error authorizing context: basic authentication challenge for realm \\"${auth.realm}\\": ${failure}` });
  const body = JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required', detail: accessRecords(req) }] }) + '\n';
  return { status: 401, body, headers: [['Www-Authenticate', `Basic realm="${auth.realm}"`]], logs };
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `count` characters of bcrypt's base64 alphabet from hex digits (6 bits each). */
function bcryptChars(hex: string, count: number): string {
  let out = '';
  let bits = BigInt('0x' + hex);
  for (let i = 0; i < count; i++) {
    out += BCRYPT_ALPHABET[Number(bits & 63n)]!;
    bits >>= 6n;
  }
  return out;
}

/**
 * The simulator's bcrypt line for a password: `$2y$CC$` + 22 salt characters
 * + 31 hash characters, the hash a SHA-256 of cost, salt and password (see
 * the file comment). `saltSeed` makes the salt (the simulator reads no randomness here).
 */
export function bcryptHash(password: string, saltSeed: string, cost = 5): string {
  // bcrypt's 16-byte salt leaves the 22nd character's low bits zero: it is one of . O e u.
  const salt = bcryptChars(sha256Hex(`salt ${saltSeed}`), 21) + '.Oeu'[parseInt(sha256Hex(saltSeed).slice(0, 1), 16) & 3]!;
  const c = String(cost).padStart(2, '0');
  return `$2y$${c}$${salt}${hashPart(c, salt, password)}`;
}

function hashPart(cost: string, salt: string, password: string): string {
  return bcryptChars(sha256Hex(`bcrypt ${cost} ${salt} ${password}`), 31);
}

/** Whether `password` matches a bcrypt hash the simulator made ($2a$, $2b$ and $2y$ alike). */
export function bcryptVerify(hash: string, password: string): boolean {
  const m = /^\$2[aby]?\$(\d{2})\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(hash);
  return m !== null && hashPart(m[1]!, m[2]!, password) === m[3];
}

const HTPASSWD_USAGE = `Usage:
\thtpasswd [-cimB25dpsDv] [-C cost] [-r rounds] passwordfile username
\thtpasswd -b[cmB25dpsDv] [-C cost] [-r rounds] passwordfile username password

\thtpasswd -n[imB25dps] [-C cost] [-r rounds] username
\thtpasswd -nb[mB25dps] [-C cost] [-r rounds] username password
 -c  Create a new file.
 -n  Don't update file; display results on stdout.
 -b  Use the password from the command line rather than prompting for it.
 -i  Read password from stdin without verification (for script usage).
 -m  Force MD5 encryption of the password (default).
 -2  Force SHA-256 crypt() hash of the password (very secure).
 -5  Force SHA-512 crypt() hash of the password (very secure).
 -B  Force bcrypt encryption of the password (very secure).
 -C  Set the computing time used for the bcrypt algorithm
     (higher is more secure but slower, default: 5, valid: 4 to 17).
 -r  Set the number of rounds used for the SHA-256, SHA-512 algorithms
     (higher is more secure but slower, default: 5000).
 -d  Force CRYPT encryption of the password (8 chars max, insecure).
 -s  Force SHA-1 encryption of the password (insecure).
 -p  Do not encrypt the password (plaintext, insecure).
 -D  Delete the specified user.
 -v  Verify password for the specified user.
On other systems than Windows and NetWare the '-p' flag will probably not work.
The SHA-1 algorithm does not use a salt and is less secure than the MD5 algorithm.
`;

/**
 * Apache's htpasswd (httpd:2's /usr/local/apache2/bin/htpasswd) for the
 * registry recipe: `-B` bcrypt lines, with `-b` (password as an argument),
 * `-n` (print instead of writing: the line and an empty one) or a file
 * (`-c` creates it). The other hashes and the password prompts say plainly
 * that they are not simulated.
 */
export function htpasswd(p: Proc): void {
  const args = p.argv.slice(1);
  const flags = new Set<string>();
  let cost = 5;
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-') && args[i] !== '-'; i++) {
    const word = args[i]!;
    for (let j = 1; j < word.length; j++) {
      const f = word[j]!;
      if (f === 'C') {
        const value = word.length > j + 1 ? word.slice(j + 1) : args[++i];
        cost = Number(value);
        if (!/^\d+$/.test(value ?? '') || cost < 4 || cost > 17) {
          err(p, 'htpasswd: bcrypt cost must be between 4 and 17\n');
          return p.exit(1);
        }
        break;
      }
      if (!'cnbimB25dpsDvr'.includes(f)) {
        err(p, HTPASSWD_USAGE);
        return p.exit(1);
      }
      flags.add(f);
    }
  }
  const rest = args.slice(i);
  const wanted = (flags.has('n') ? 1 : 2) + (flags.has('b') ? 1 : 0);
  if (rest.length !== wanted || (flags.has('n') && flags.has('c'))) {
    err(p, HTPASSWD_USAGE);
    return p.exit(1);
  }
  const other = [...flags].find((f) => 'im25dpsDvr'.includes(f));
  if (!flags.has('B') || other !== undefined) {
    err(p, `glassbox: htpasswd ${other !== undefined ? `-${other}` : 'without -B (its MD5 default)'} is not simulated yet; use htpasswd -Bbn USER PASSWORD\n`);
    return p.exit(2);
  }
  if (!flags.has('b')) {
    err(p, "glassbox: htpasswd's password prompt is not simulated yet; use htpasswd -Bbn USER PASSWORD\n");
    return p.exit(2);
  }
  const [named, user, password] = flags.has('n') ? [undefined, rest[0]!, rest[1]!] : [rest[0]!, rest[1]!, rest[2]!];
  const file = named === undefined ? undefined : resolvePath(named, p.cwd);
  if (user.includes(':')) {
    err(p, 'htpasswd: username contains illegal character \':\'\n');
    return p.exit(1);
  }
  const line = `${user}:${bcryptHash(password, `${p.hostname} ${p.now()} ${user} ${password}`, cost)}`;
  if (file === undefined) {
    out(p, `${line}\n\n`);
    return p.exit(0);
  }
  const existing = flags.has('c') ? undefined : readText(p, file);
  if (!flags.has('c') && existing === undefined) {
    err(p, `htpasswd: cannot modify file ${named!}; use '-c' to create it.\n`);
    return p.exit(1);
  }
  const lines = (existing ?? '').split('\n').filter((l) => l !== '');
  const at = lines.findIndex((l) => l.slice(0, l.indexOf(':')) === user);
  if (at >= 0) lines[at] = line;
  else lines.push(line);
  if (flags.has('c')) err(p, `Adding password for user ${user}\n`);
  else err(p, `${at >= 0 ? 'Updating' : 'Adding'} password for user ${user}\n`);
  const written = p.fs.writeFile(file, lines.join('\n') + '\n');
  if (typeof written === 'string') {
    err(p, `htpasswd: cannot create file ${named!}\n`);
    return p.exit(1);
  }
  p.exit(0);
}
