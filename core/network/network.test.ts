import { describe, expect, it } from 'vitest';
import { EngineDriver } from '../engine/testDriver';
import type { Socket } from './view';

/** A running busybox `sleep` with the given network options; returns its id. */
function run(d: EngineDriver, name: string, opts: Parameters<EngineDriver['runDetached']>[1] = {}): string {
  return d.runDetached(['sleep', '3600'], { name, ...opts });
}

function ipOf(d: EngineDriver, id: string, net = 'bridge'): string {
  return d.engine.net.containerNetworks(id).find((n) => n.network.name === net)?.endpoint ? formatted(d, id, net) : '';
}

function formatted(d: EngineDriver, id: string, net: string): string {
  const settings = d.engine.inspect(id).NetworkSettings as { Networks: Record<string, { IPAddress: string }> };
  return settings.Networks[net]!.IPAddress;
}

describe('When containers start on the default bridge', () => {
  it('they get 172.17.0.2, .3 … and a MAC derived from the address; a stopped one keeps no address and its address is reused first', async () => {
    const d = new EngineDriver('net');
    const a = run(d, 'aa');
    const b = run(d, 'bb');
    const c = run(d, 'cc');
    expect([ipOf(d, a), ipOf(d, b), ipOf(d, c)]).toEqual(['172.17.0.2', '172.17.0.3', '172.17.0.4']);
    expect((d.engine.inspect(a).NetworkSettings as { MacAddress: string }).MacAddress).toBe('02:42:ac:11:00:02');
    await d.until(d.engine.stop(b, { timeoutSeconds: 0 }));
    expect((d.engine.inspect(b).NetworkSettings as { IPAddress: string }).IPAddress).toBe('');
    const e = run(d, 'ee');
    expect(ipOf(d, e)).toBe('172.17.0.3');
    d.engine.start(b);
    expect(ipOf(d, b)).toBe('172.17.0.5');
  });

  it('each gets a veth pair: eth0 inside with iflink = the host end, the host end on docker0', () => {
    const d = new EngineDriver('veth');
    const a = run(d, 'aa');
    const inside = d.engine.net.interfacesOf(a);
    expect(inside.map((i) => i.name)).toEqual(['lo', 'eth0']);
    const eth0 = inside[1]!;
    const host = d.engine.net.interfacesOf('host').find((i) => i.ifindex === eth0.peerIfindex)!;
    expect(host.name).toMatch(/^veth[0-9a-f]{7}$/);
    expect(host.master).toBe('docker0');
    expect(host.peerIfindex).toBe(eth0.ifindex);
    // The container end is made first (the kernel registers a veth's peer before it).
    expect(host.ifindex).toBe(eth0.ifindex + 1);
    expect(d.engine.net.routesOf(a)).toEqual([
      { dst: 'default', via: '172.17.0.1', dev: 'eth0' },
      { dst: '172.17.0.0/16', dev: 'eth0', proto: 'kernel', scope: 'link', src: '172.17.0.2' },
    ]);
  });

  it('the default bridge resolves no container names; a user-defined network resolves names and aliases', () => {
    const d = new EngineDriver('dns');
    const a = run(d, 'aa');
    run(d, 'bb');
    expect(d.engine.net.resolve(a, 'bb')).toBeUndefined();
    d.engine.networkCreate({ name: 'mynet' });
    const x = run(d, 'xx', { networkMode: 'mynet' });
    const y = run(d, 'yy', { networkMode: 'mynet', networkAliases: ['db'] });
    expect(d.engine.net.resolve(x, 'yy')).toBe('172.18.0.3');
    expect(d.engine.net.resolve(x, 'db')).toBe('172.18.0.3');
    expect(d.engine.net.resolve(x, y.slice(0, 12))).toBe('172.18.0.3');
    // aa is on the default bridge only: not a name on mynet.
    expect(d.engine.net.resolve(x, 'aa')).toBeUndefined();
    expect(d.engine.net.resolvConf(x)).toBe('nameserver 127.0.0.11\noptions ndots:0\n');
  });
});

describe('Network modes', () => {
  it('none has only lo; host shares the host stack; container: shares the owner\'s namespace', () => {
    const d = new EngineDriver('modes');
    const n = run(d, 'nn', { networkMode: 'none' });
    expect(d.engine.net.interfacesOf(d.engine.net.netnsOf(n)!).map((i) => i.name)).toEqual(['lo']);
    const h = run(d, 'hh', { networkMode: 'host' });
    expect(d.engine.net.netnsOf(h)).toBe('host');
    const owner = run(d, 'oo');
    const guest = run(d, 'gg', { networkMode: 'container:oo' });
    expect(d.engine.net.netnsOf(guest)).toBe(owner);
    expect(d.engine.net.hostsFile(guest)).toBe(d.engine.net.hostsFile(owner));
  });

  it('refuses to join a container that is not running, with the daemon\'s text', () => {
    const d = new EngineDriver('modes2');
    const { id: stopped } = d.engine.create({ image: 'busybox', cmd: ['true'], name: 'stopped' });
    const { id } = d.engine.create({ image: 'busybox', cmd: ['sleep', '9'], name: 'guest', networkMode: 'container:stopped' });
    // A container found at create is stored by id (HostConfig.NetworkMode "container:<id>"), as Engine 20.10 does.
    expect(d.engine.net.mode(id)).toBe(`container:${stopped}`);
    expect(() => d.engine.start(id)).toThrow(`cannot join network of a non running container: ${stopped}`);
    // One not found is kept as given, and only the start fails.
    const { id: later } = d.engine.create({ image: 'busybox', cmd: ['true'], networkMode: 'container:nosuch' });
    expect(d.engine.net.mode(later)).toBe('container:nosuch');
    expect(() => d.engine.start(later)).toThrow('No such container: nosuch');
    expect(() => d.engine.create({ image: 'busybox', cmd: ['true'], networkMode: 'container:stopped', portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8080' }] })).toThrow(
      'conflicting options: port publishing and the container type network mode',
    );
  });
});

describe('Published ports', () => {
  it('a second container on the same host port fails to start with the daemon\'s text and stays created', () => {
    const d = new EngineDriver('ports');
    run(d, 'web', { portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8088' }] });
    const { id } = d.engine.create({ image: 'busybox', cmd: ['sleep', '9'], name: 'clash', portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8088' }] });
    expect(() => d.engine.start(id)).toThrow(/^failed to set up container networking: driver failed programming external connectivity on endpoint clash \([0-9a-f]{64}\): Bind for 0\.0\.0\.0:8088 failed: port is already allocated$/);
    expect(d.state(id)).toBe('created');
    expect(d.engine.net.published(id)).toEqual([]);
  });

  it('the NAT rules are the ones iptables-save shows for Docker 20.10', () => {
    const d = new EngineDriver('nat');
    run(d, 'web', { portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8088' }] });
    const nat = d.engine.net.natRules().filter((r) => r.table === 'nat').map((r) => r.rule);
    expect(nat).toEqual([
      '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER',
      '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
      '-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE',
      '-A DOCKER -i docker0 -j RETURN',
      '-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.17.0.2:80',
    ]);
    const filter = d.engine.net.natRules().filter((r) => r.table === 'filter').map((r) => r.rule);
    expect(filter).toContain('-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT');
  });

  it('a newer network\'s rules come first; an internal one gets isolation DROPs and no MASQUERADE', () => {
    const d = new EngineDriver('nat2');
    const n1 = d.engine.networkCreate({ name: 'one' });
    const n2 = d.engine.networkCreate({ name: 'two', internal: true, subnet: '10.98.0.0/24' });
    const rules = d.engine.net.natRules().map((r) => r.rule);
    const b1 = n1.bridge;
    const b2 = n2.bridge;
    expect(rules.filter((r) => r.startsWith('-A DOCKER-ISOLATION-STAGE-1'))).toEqual([
      `-A DOCKER-ISOLATION-STAGE-1 ! -s 10.98.0.0/24 -o ${b2} -j DROP`,
      `-A DOCKER-ISOLATION-STAGE-1 ! -d 10.98.0.0/24 -i ${b2} -j DROP`,
      `-A DOCKER-ISOLATION-STAGE-1 -i ${b1} ! -o ${b1} -j DOCKER-ISOLATION-STAGE-2`,
      '-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
      '-A DOCKER-ISOLATION-STAGE-1 -j RETURN',
    ]);
    expect(rules.filter((r) => r.includes('MASQUERADE'))).toEqual([`-A POSTROUTING -s 172.18.0.0/16 ! -o ${b1} -j MASQUERADE`, '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE']);
  });

  it('-P publishes the exposed ports on ephemeral host ports from 32768', () => {
    const d = new EngineDriver('puball');
    const id = run(d, 'pp', { publishAll: true, expose: [{ port: 80, proto: 'tcp' }, { port: 53, proto: 'udp' }] });
    expect(d.engine.containerPorts(id).map((p) => `${p.containerPort}/${p.proto} ${p.hostIp}:${p.hostPort}`)).toEqual([
      '53/udp 0.0.0.0:32768',
      '53/udp :::32768',
      '80/tcp 0.0.0.0:32768',
      '80/tcp :::32768',
    ]);
  });
});

describe('Reachability and the packet path', () => {
  function serve(d: EngineDriver, id: string, port: number): string[] {
    const got: string[] = [];
    const l = d.engine.net.view(d.engine.net.netnsOf(id)!, id).listen('tcp', port, (s: Socket) => {
      s.onData((t) => {
        got.push(`${s.remote.ip} ${t}`);
        s.write('pong');
        s.end();
      });
    });
    expect('error' in l).toBe(false);
    return got;
  }

  it('curl localhost:8088 on the host goes through docker-proxy to the container; 10.0.2.15:8088 through DNAT', () => {
    const d = new EngineDriver('path');
    const web = run(d, 'web', { portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8088' }] });
    const got = serve(d, web, 80);
    const host = d.engine.net.view('host');
    const r = host.connect('127.0.0.1', 8088);
    if (!r.ok) throw new Error(r.error);
    let reply = '';
    r.socket.onData((t) => (reply += t));
    r.socket.write('ping');
    expect(reply).toBe('pong');
    expect(got).toEqual(['172.17.0.1 ping']);
    expect(r.path.map((h) => h.kind)).toEqual(['send', 'proxy', 'bridge', 'veth', 'deliver']);
    const viaDnat = d.engine.net.flow('host', '10.0.2.15', 8088);
    expect(viaDnat.map((h) => h.kind)).toEqual(['send', 'dnat', 'bridge', 'veth', 'deliver']);
    expect(viaDnat[1]!.note).toBe('-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.17.0.2:80');
    expect(viaDnat[1]!.dst).toBe('172.17.0.2:80');
  });

  it('containers on one bridge reach each other; a closed port is refused; another bridge is dropped by isolation', () => {
    const d = new EngineDriver('reach');
    const a = run(d, 'aa');
    const b = run(d, 'bb');
    serve(d, b, 80);
    const va = d.engine.net.view(a);
    expect(va.connect('172.17.0.3', 80).ok).toBe(true);
    expect(va.connect('172.17.0.3', 81)).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    expect(va.connect('172.17.0.99', 80)).toMatchObject({ ok: false, error: 'EHOSTUNREACH' });
    d.engine.networkCreate({ name: 'other' });
    run(d, 'cc', { networkMode: 'other' });
    const toOther = va.ping('172.18.0.2');
    expect(toOther.ok).toBe(false);
    expect(toOther.path.at(-1)).toMatchObject({ kind: 'drop', at: 'filter/DOCKER-ISOLATION-STAGE-2' });
    expect(va.ping('172.17.0.3')).toMatchObject({ ok: true, ttl: 64 });
  });

  it('outbound traffic is masqueraded; an internal network has no way out; none has no route at all', () => {
    const d = new EngineDriver('out');
    const a = run(d, 'aa');
    const out = d.engine.net.view(a).ping('8.8.8.8');
    expect(out.ok).toBe(true);
    expect(out.path.find((h) => h.kind === 'masquerade')).toMatchObject({ src: '10.0.2.15', note: '-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE' });
    d.engine.networkCreate({ name: 'sealed', internal: true });
    const s = run(d, 'ss', { networkMode: 'sealed' });
    expect(d.engine.net.view(s).ping('8.8.8.8')).toMatchObject({ ok: false, error: 'ENETUNREACH' });
    const n = run(d, 'nn', { networkMode: 'none' });
    expect(d.engine.net.view(d.engine.net.netnsOf(n)!).ping('172.17.0.2')).toMatchObject({ ok: false, error: 'ENETUNREACH' });
  });

  it('a host-mode server holds a host port: publishing it fails, and the server cannot bind a published one', () => {
    const d = new EngineDriver('hostmode');
    const h = run(d, 'hh', { networkMode: 'host' });
    const l = d.engine.net.view('host', h).listen('tcp', 9000, () => {});
    expect('error' in l).toBe(false);
    const { id } = d.engine.create({ image: 'busybox', cmd: ['sleep', '9'], name: 'pub', portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '9000' }] });
    expect(() => d.engine.start(id)).toThrow(/Error starting userland proxy: listen tcp4 0\.0\.0\.0:9000: bind: address already in use$/);
    run(d, 'web', { portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8088' }] });
    expect(d.engine.net.view('host', h).listen('tcp', 8088, () => {})).toEqual({ error: 'EADDRINUSE' });
  });
});

describe('Live connect and disconnect, and the trace', () => {
  it('connect adds eth1 to a running container, disconnect takes it away, each with a network event', () => {
    const d = new EngineDriver('live');
    const net = d.engine.networkCreate({ name: 'mynet' });
    const a = run(d, 'aa');
    d.engine.networkConnect('mynet', 'aa', { aliases: [], ip: '' });
    expect(d.engine.net.interfacesOf(a).map((i) => i.name)).toEqual(['lo', 'eth0', 'eth1']);
    expect(() => d.engine.networkConnect('mynet', 'aa', { aliases: [], ip: '' })).toThrow('endpoint with name aa already exists in network mynet');
    d.engine.networkDisconnect('mynet', 'aa');
    expect(d.engine.net.interfacesOf(a).map((i) => i.name)).toEqual(['lo', 'eth0']);
    expect(() => d.engine.networkDisconnect('mynet', 'aa')).toThrow(`container ${a} is not connected to network mynet`);
    expect(d.events.filter((e) => e.type === 'network' && e.id === net.id).map((e) => e.action)).toEqual(['create', 'connect', 'disconnect']);
    expect(() => d.engine.networkRemove('bridge')).toThrow('bridge is a pre-defined network and cannot be removed');
  });

  it('a start traces libnetwork\'s steps in order', () => {
    const d = new EngineDriver('trace');
    d.runDetached(['sleep', '9'], { name: 'aa' });
    const ops = d.engine.trace.recent().filter((o) => o.actor === 'dockerd' && o.op !== 'mount').map((o) => o.op);
    // The host side before the task exists; lo and the container end once runc's prestart hook (libnetwork-setkey) runs.
    expect(ops.slice(0, 8)).toEqual(['link.add', 'link.master', 'link.up', 'link.up', 'link.netns', 'link.rename', 'addr.add', 'link.up']);
    expect(ops).toContain('route.add');
  });
});

describe('The cross-host case: two hosts, a swarm, an overlay network', () => {
  it('containers on both hosts get 10.0.0.x from one pool and reach each other through the VXLAN tunnel', () => {
    const d = new EngineDriver('overlay');
    const node2 = d.engine.peer('node2')!;
    const { token } = d.engine.swarmInit();
    node2.swarmJoin(token, '10.0.2.15:2377');
    expect(() => node2.networkCreate({ name: 'ov', driver: 'overlay' })).toThrow('Cannot create a multi-host network from a worker node. Please create the network from a manager node.');
    d.engine.networkCreate({ name: 'ov', driver: 'overlay', attachable: true });
    const left = d.runDetached(['sleep', '300'], { name: 'left', networkMode: 'ov' });
    const { id: right } = node2.create({ image: 'busybox', cmd: ['sleep', '300'], name: 'right', networkMode: 'ov' });
    node2.start(right);
    expect(ipOf(d, left, 'ov')).toBe('10.0.0.2');
    expect((node2.inspect(right).NetworkSettings as { Networks: Record<string, { IPAddress: string }> }).Networks.ov!.IPAddress).toBe('10.0.0.3');
    // Names resolve across hosts, as the swarm's embedded DNS does.
    expect(d.engine.net.resolve(left, 'right')).toBe('10.0.0.3');
    const got: string[] = [];
    node2.net.view(right).listen('tcp', 80, (s) => s.onData((t) => got.push(`${s.remote.ip} ${t}`)));
    const r = d.engine.net.view(left).connect('10.0.0.3', 80);
    if (!r.ok) throw new Error(r.error);
    r.socket.write('hello');
    expect(got).toEqual(['10.0.0.2 hello']);
    expect(r.path.map((h) => `${h.kind}@${h.host ?? ''}`)).toEqual(['send@', 'veth@', 'bridge@', 'vxlan@', 'vxlan@node2', 'bridge@node2', 'veth@node2', 'deliver@node2']);
    expect(r.path[3]!.note).toBe('VXLAN VNI 4097: 10.0.0.2 → 10.0.0.3:80 inside UDP 10.0.2.15 → 10.0.2.16:4789');
    const snap = d.engine.snapshot();
    expect(snap.hosts).toEqual([{ name: 'glassbox', ip: '10.0.2.15' }, { name: 'node2', ip: '10.0.2.16' }]);
    expect(snap.networks!.filter((n) => n.driver === 'overlay')).toMatchObject([{ name: 'ov', scope: 'swarm', containers: [left, right] }]);
    expect(snap.interfaces!.filter((i) => i.kind === 'vxlan').map((i) => i.host ?? '')).toEqual(['', 'node2']);
    expect(snap.containers.map((c) => c.name)).toEqual(['left', 'right']);
  });

  it('a network that is not attachable refuses a plain container, and a host outside the swarm does not see the network', () => {
    const d = new EngineDriver('overlay2');
    d.engine.swarmInit();
    d.engine.networkCreate({ name: 'svc', driver: 'overlay' });
    expect(() => d.engine.create({ image: 'busybox', cmd: ['true'], networkMode: 'svc' })).toThrow('Could not attach to network svc: rpc error: code = PermissionDenied desc = network svc not manually attachable');
    expect(d.engine.peer('node3')!.net.find('svc')).toBeUndefined();
  });
});

describe('host and none modes in inspect, and ps filters on networks and ports', () => {
  it('a host or none container has an endpoint without address while it runs, none after', async () => {
    const d = new EngineDriver('modes-inspect');
    const n = run(d, 'nn', { networkMode: 'none' });
    const settings = (id: string) => d.engine.inspect(id).NetworkSettings as { SandboxKey: string; Networks: Record<string, { EndpointID: string; IPAddress: string; Gateway: string }> };
    expect(settings(n).Networks.none).toMatchObject({ IPAddress: '', Gateway: '' });
    expect(settings(n).Networks.none!.EndpointID).toMatch(/^[0-9a-f]{64}$/);
    const h = run(d, 'hh', { networkMode: 'host' });
    expect(settings(h).SandboxKey).toBe('/var/run/docker/netns/default');
    expect(d.engine.net.get('host').endpoints.has(h)).toBe(true);
    await d.until(d.engine.stop(h, { timeoutSeconds: 0 }));
    expect(settings(h).Networks.host!.EndpointID).toBe('');
    expect(d.engine.net.get('host').endpoints.has(h)).toBe(false);
  });

  it('ps --filter network=, publish= and expose= pick the containers they name', () => {
    const d = new EngineDriver('psfilters');
    d.engine.networkCreate({ name: 'mynet' });
    run(d, 'aa', { networkMode: 'mynet', portBindings: [{ containerPort: 80, proto: 'tcp', hostIp: '', hostPort: '8080' }] });
    run(d, 'bb', { expose: [{ port: 90, proto: 'udp' }] });
    const names = (filters: Record<string, string[]>) => d.engine.list({ filters }).map((c) => c.names[0]);
    expect(names({ network: ['mynet'] })).toEqual(['/aa']);
    expect(names({ network: ['bridge'] })).toEqual(['/bb']);
    expect(names({ publish: ['8080'] })).toEqual(['/aa']);
    expect(names({ publish: ['8000-8100/tcp'] })).toEqual(['/aa']);
    expect(names({ expose: ['90/udp'] })).toEqual(['/bb']);
    expect(names({ expose: ['90'] })).toEqual([]);
  });
});
