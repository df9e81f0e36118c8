import { describe, expect, it } from 'vitest';
import { createMasker } from './mask';

const id64a = '93080520ba25daa1fd576c92545fbf43dd5541e07a37933795b5972d94e14ca9';
const id64b = '1005a3ca4b110cefbb7da2421b28f960e7f97470756496f91ac6af30cba60127';
const prefix = 'gbc-5f3a9e0c1b2d';

describe('createMasker', () => {
  it.each([
    ['the run prefix, before anything reads its hex as an id', `${prefix}-web\n`, '%p-web\n'],
    ['a full container id', `${id64a}\n`, '<id64#1>\n'],
    ['a short id', '93080520ba25\n', '<id12#1>\n'],
    ['an image id after sha256:', `sha256:${id64b}`, 'sha256:<id64#1>'],
    ['a pushed manifest’s size (uncompressed blobs in the simulator)', `latest: digest: sha256:${id64b} size: 527`, 'latest: digest: sha256:<id64#1> size: <size>'],
    ['a size elsewhere is kept', 'size: 527', 'size: 527'],
    ['an RFC 3339 time with nanoseconds', '2026-11-27T17:44:42.962131933Z', '<time>'],
    ['an RFC 3339 time with an offset', '2024-01-02T03:04:05+08:00', '<time>'],
    ['Go’s zero time, which means "never", is kept', '0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z'],
    ['Go’s time.String()', '2024-05-01 10:00:00 +0000 UTC', '<time>'],
    ['a running status', 'Up 3 seconds', 'Up <duration>'],
    ['a running status under a second', 'Up Less than a second', 'Up <duration>'],
    ['a paused status', 'Up 2 minutes (Paused)', 'Up <duration> (Paused)'],
    ['an exited status', 'Exited (137) About a minute ago', 'Exited (137) <duration> ago'],
    ['a created time', 'About an hour ago', '<duration> ago'],
    ['a singular unit', '1 second ago', '<duration> ago'],
    ['a generated name', 'focused_einstein\n', '<name#1>\n'],
    ['a generated name with a retry digit, as inspect prints it', '/focused_einstein3', '/<name#1>'],
    ['table gaps of any width', 'a            b   c', 'a   b   c'],
    ['a single space is kept', 'sleep 3600', 'sleep 3600'],
    ['an image name is not an id', 'busybox', 'busybox'],
    ['hex of other lengths is not an id', 'deadbeef 0123456789abcdef', 'deadbeef 0123456789abcdef'],
    ['upper-case hex is not an id', '93080520BA25', '93080520BA25'],
    ['env vars are not generated names', '["PATH=/bin","MY_VAR=x_y"]', '["PATH=/bin","MY_VAR=x_y"]'],
    ['hyphenated names are not generated names', 'my-web_1', 'my-web_1'],
    ['a container address of the default bridge', 'inet 172.17.0.5/16 brd 172.17.255.255 scope global eth0', 'inet <net>.<host>/16 brd <net>.255.255 scope global eth0'],
    ['a route through a user network gateway', 'default via 172.20.0.1 dev eth0 \n172.20.0.0/16 dev eth0', 'default via <net>.0.1 dev eth0 \n<net>.0.0/16 dev eth0'],
    ['addresses outside Docker’s pools are kept', '127.0.0.1 10.0.2.15 192.0.2.2 172.32.0.1', '127.0.0.1 10.0.2.15 192.0.2.2 172.32.0.1'],
    ['a MAC derived from the address, either case', 'link/ether 02:42:ac:11:00:05 HWaddr 02:42:AC:11:00:05', 'link/ether 02:42:<mac> HWaddr 02:42:<mac>'],
    ['interface numbers, but not lo’s', '1: lo: <LOOPBACK>\n3285: eth0@if3286: <BROADCAST>', '1: lo: <LOOPBACK>\n<ifindex>: eth0@if<ifindex>: <BROADCAST>'],
    ['a container’s namespace inode, but not the host’s', 'net:[4026532255] net:[4026531833] pid:[4026532256]', 'net:[<inode>] net:[4026531833] pid:[<inode>]'],
    ['the embedded DNS server’s port', 'tcp 0 0 127.0.0.11:37107 0.0.0.0:*', 'tcp 0 0 127.0.0.11:<port> 0.0.0.0:*'],
  ])('masks %s', (_what, input, expected) => {
    expect(createMasker(prefix).mask(input)).toBe(expected);
  });

  it('numbers ids by first appearance and ties short ids to their full id', () => {
    const m = createMasker(prefix);
    expect(m.mask(`${id64a}\n`)).toBe('<id64#1>\n');
    expect(m.mask(`${id64b.slice(0, 12)}\n${id64a.slice(0, 12)}\n`)).toBe('<id12#2>\n<id12#1>\n');
    // The full id of a container first seen by its short id keeps the short id's number.
    expect(m.mask(id64b)).toBe('<id64#2>');
  });

  it('numbers generated names by first appearance, across calls', () => {
    const m = createMasker(prefix);
    expect(m.mask('admiring_turing')).toBe('<name#1>');
    expect(m.mask('a busy_hopper and admiring_turing')).toBe('a <name#2> and <name#1>');
  });

  it('masks a whole `docker ps` table so that differently timed runs agree', () => {
    const real = [
      'CONTAINER ID   IMAGE     COMMAND        CREATED                  STATUS                                PORTS     NAMES',
      `930805200000   busybox   "sleep 3600"   Less than a second ago   Exited (137) Less than a second ago             ${prefix}-b`,
    ].join('\n');
    const sim = [
      'CONTAINER ID   IMAGE     COMMAND        CREATED         STATUS                       PORTS     NAMES',
      `abcdef012345   busybox   "sleep 3600"   2 seconds ago   Exited (137) 1 second ago             ${prefix}-b`,
    ].join('\n');
    expect(createMasker(prefix).mask(real)).toBe(createMasker(prefix).mask(sim));
  });
});
