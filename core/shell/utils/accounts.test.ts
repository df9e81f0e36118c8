/**
 * id and whoami against `docker run --rm [-u USER] busybox sh -c 'id; id -u;
 * id -gn; id -G; id -Gn; whoami; id root; id nosuch'` with the busybox
 * image's /etc/passwd and /etc/group.
 */
import { describe, expect, it } from 'vitest';
import { MemFs } from '../memfs';
import { never } from '../../ports';
import type { UtilContext } from '../context';
import { id, whoami } from './accounts';

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const GROUP = 'root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:8:\nwww-data:x:33:\noperator:x:37:\nstaff:x:50:\nnogroup:x:65534:\n';

function run(argv: string[], user: string, flavor: 'gnu' | 'busybox' = 'busybox'): { stdout: string; stderr: string; code: number } {
  let stdout = '';
  let stderr = '';
  const fs = new MemFs();
  fs.writeFile('/etc/passwd', PASSWD);
  fs.writeFile('/etc/group', GROUP);
  const ctx: UtilContext = {
    argv, io: { stdin: null, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), interrupt: never, stdinIsTTY: false }, stdoutIsTTY: false,
    fs, cwd: '/', env: {}, user, hostname: 'c', flavor, now: () => 0, sleep: async () => true, exec: async () => 'ENOENT',
  };
  const code = (argv[0] === 'id' ? id : whoami)(ctx) as number;
  return { stdout, stderr, code };
}

// --user as docker run gives it, then what each command printed.
const CASES: [string, string[]][] = [
  ['', ['uid=0(root) gid=0(root) groups=0(root),10(wheel)', '0', 'root', '0 10', 'root wheel', 'root']],
  ['1', ['uid=1(daemon) gid=1(daemon) groups=1(daemon)', '1', 'daemon', '1', 'daemon', 'daemon']],
  ['nobody', ['uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)', '65534', 'nogroup', '65534', 'nogroup', 'nobody']],
  ['1234', ['uid=1234 gid=0(root) groups=0(root)', '1234', 'root', '0', 'root', '']],
  ['1:10', ['uid=1(daemon) gid=10(wheel) groups=10(wheel)', '1', 'wheel', '10', 'wheel', 'daemon']],
];

describe('busybox id and whoami as the busybox image runs them', () => {
  it.each(CASES)('--user %j', (user, [full, u, gn, g, gN, who]) => {
    expect(run(['id'], user).stdout).toBe(full + '\n');
    expect(run(['id', '-u'], user).stdout).toBe(u + '\n');
    expect(run(['id', '-gn'], user).stdout).toBe(gn + '\n');
    expect(run(['id', '-G'], user).stdout).toBe(g + '\n');
    expect(run(['id', '-Gn'], user).stdout).toBe(gN + '\n');
    expect(run(['whoami'], user)).toEqual(who ? { stdout: who + '\n', stderr: '', code: 0 } : { stdout: '', stderr: 'whoami: unknown uid 1234\n', code: 1 });
    expect(run(['id', 'root'], user).stdout).toBe('uid=0(root) gid=0(root) groups=0(root),10(wheel)\n');
    expect(run(['id', 'nosuch'], user)).toEqual({ stdout: '', stderr: 'id: unknown user nosuch\n', code: 1 });
  });

  it('GNU words an unknown user its own way', () => {
    expect(run(['id', 'nosuch'], '', 'gnu')).toEqual({ stdout: '', stderr: 'id: \u2018nosuch\u2019: no such user\n', code: 1 });
    expect(run(['whoami'], '1234', 'gnu')).toEqual({ stdout: '', stderr: 'whoami: cannot find name for user ID 1234\n', code: 1 });
  });
});
