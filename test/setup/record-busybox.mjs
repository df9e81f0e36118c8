// Records what real busybox prints for the container-shell differential table
// (core/cshell/ash.test.ts): `node test/setup/record-busybox.mjs` runs each
// script in `docker run --rm --pull never --hostname hh busybox sh -c SCRIPT`
// and prints the table rows. Needs Docker and the offline busybox image.
import { spawnSync } from 'node:child_process';

export const scripts = [
  'echo hi > /etc/motd; cat /etc/motd',
  'echo a >> /tmp/f; echo b >> /tmp/f; cat /tmp/f',
  'touch /tmp/a && ls /tmp',
  'touch /x/y',
  'mkdir /tmp/d && mkdir /tmp/d',
  'mkdir /x/y; mkdir -p /x/y && ls -d /x/y',
  'mkdir -p /a/b/c && cp -r /a /c && ls /c/b',
  'cp /bin /t',
  'cp /nope /t',
  'cp /etc/passwd /nodir/x',
  'mv /nope /t',
  'mv /tmp /tmp/a',
  'touch /tmp/x; mv /tmp/x /tmp/y; ls /tmp',
  'rm /etc',
  'rm /nonexist',
  'rm -f /nonexist; echo $?',
  'rmdir /etc',
  'ln -s /etc/hostname /tmp/l && cat /tmp/l; ls /tmp',
  'ln -s /a /nodir/b',
  'touch /tmp/l; ln -s x /tmp/l',
  'cat /nope',
  'cat /etc',
  'cat < /nope',
  'echo x > /nodir/f',
  'echo x > /etc',
  'cd /nope',
  'cd /etc/passwd',
  'cd /etc && pwd && cd && pwd; echo $PWD',
  'cd /tmp; touch q; ls; cd ..; ls -d t*',
  'id; id -u; id -g; id -un; id -gn; id -G',
  'whoami; hostname; pwd',
  'ls /nope',
  'ls -a /home',
  'ls -d /e* /h*',
  'echo /etc/host*',
  'echo "/etc/host*"',
  'ls /etc',
  'export A=1; sh -c "echo \\$A"',
  'B=2; sh -c "echo [\\$B]"',
  'nosuch; echo $?',
  '/etc/passwd; echo $?',
  'ls -l /etc/passwd /etc/group',
  'ls -ld /tmp /root /etc/hostname',
];

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const script of scripts) {
    const r = spawnSync('docker', ['run', '--rm', '--pull', 'never', '--hostname', 'hh', 'busybox', 'sh', '-c', script], { encoding: 'utf8' });
    console.log(`  [${JSON.stringify(script)}, ${JSON.stringify(r.stdout)}, ${JSON.stringify(r.stderr)}, ${r.status}],`);
  }
}
