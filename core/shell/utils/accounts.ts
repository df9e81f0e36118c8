/**
 * Users and groups as the utilities read them from the filesystem's
 * /etc/passwd and /etc/group, and the utilities that print them: id, whoami,
 * hostname (GNU coreutils/inetutils and busybox).
 */
import { getopt, has } from '../getopt';
import { bbUsage, optionError, q, usageError, type UtilContext } from '../context';
import { lookupUser, parseGroup, parsePasswd, type Account } from '../../cshell/users';

export interface Accounts {
  users: Account[];
  groups: Account[];
}

/**
 * The filesystem's accounts. A filesystem without /etc/passwd (the host
 * shell's bare in-memory one) has root and the shell's user, uid 1000, as
 * the host shell has always shown them.
 */
export function accounts(ctx: UtilContext): Accounts {
  const read = (path: string): string | null => {
    const r = ctx.fs.tryRead(path);
    return 'data' in r ? r.data : null;
  };
  const passwd = read('/etc/passwd');
  if (passwd === null) {
    const users: Account[] = [{ name: 'root', id: 0, gid: 0, home: '/root', shell: '/bin/bash', members: [] }];
    if (ctx.user !== 'root' && !/^\d*$/.test(ctx.user)) users.push({ name: ctx.user, id: 1000, gid: 1000, home: `/home/${ctx.user}`, shell: '/bin/bash', members: [] });
    return { users, groups: users.map((u) => ({ ...u, id: u.gid, members: [] })) };
  }
  return { users: parsePasswd(passwd), groups: parseGroup(read('/etc/group') ?? '') };
}

/** A user's name by uid, or the number when /etc/passwd has none. */
export function userName(a: Accounts, uid: number): string {
  return a.users.find((u) => u.id === uid)?.name ?? String(uid);
}

export function groupName(a: Accounts, gid: number): string {
  return a.groups.find((g) => g.id === gid)?.name ?? String(gid);
}

/** Who a user spec (ctx.user: a name, uid or uid:gid; '' is root) is: ids, names and groups (the primary first, then those listing the user). */
export function whoIs(a: Accounts, spec: string): { uid: number; gid: number; user?: string; group?: string; groups: { id: number; name?: string }[] } | undefined {
  const who = lookupUser(spec === 'root' && !a.users.some((u) => u.name === 'root') ? '0' : spec, a.users, a.groups);
  if (!who) return undefined;
  const user = a.users.find((u) => u.id === who.uid)?.name;
  const group = a.groups.find((g) => g.id === who.gid)?.name;
  const extra = a.groups.filter((g) => g.id !== who.gid && user !== undefined && g.members.includes(user));
  return { uid: who.uid, gid: who.gid, user, group, groups: [{ id: who.gid, name: group }, ...extra.map((g) => ({ id: g.id, name: g.name }))] };
}

export function id(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), {
    flags: gnu ? 'ugGnrz' : 'ugGnr',
    long: gnu ? { user: { as: 'u', value: false }, group: { as: 'g', value: false }, groups: { as: 'G', value: false }, name: { as: 'n', value: false }, real: { as: 'r', value: false } } : {},
  });
  if ('error' in p) return optionError(ctx, p.error);
  const only = ['u', 'g', 'G'].filter((f) => has(p, f));
  if (only.length > 1) return gnu ? usageError(ctx, 'cannot print "only" of more than one choice') : bbUsage(ctx);
  if (has(p, 'n') && only.length === 0) return gnu ? usageError(ctx, 'cannot print only names or real IDs in default format') : bbUsage(ctx);
  if (p.operands.length > 1) return gnu ? usageError(ctx, `extra operand ${q(p.operands[1]!)}`) : bbUsage(ctx);
  const a = accounts(ctx);
  const spec = p.operands[0] ?? ctx.user;
  const w = p.operands[0] !== undefined && /^\d+$/.test(spec) && !a.users.some((u) => u.id === Number(spec)) ? undefined : whoIs(a, spec);
  if (!w || (p.operands[0] !== undefined && w.user === undefined)) {
    ctx.io.stderr(gnu ? `id: ${q(spec)}: no such user\n` : `id: unknown user ${spec}\n`);
    return 1;
  }
  const n = has(p, 'n');
  const named = (num: number, name?: string): string => (name === undefined ? String(num) : `${num}(${name})`);
  if (has(p, 'u')) ctx.io.stdout((n ? w.user ?? String(w.uid) : String(w.uid)) + '\n');
  else if (has(p, 'g')) ctx.io.stdout((n ? w.group ?? String(w.gid) : String(w.gid)) + '\n');
  else if (has(p, 'G')) ctx.io.stdout(w.groups.map((g) => (n ? g.name ?? String(g.id) : String(g.id))).join(' ') + '\n');
  else ctx.io.stdout(`uid=${named(w.uid, w.user)} gid=${named(w.gid, w.group)} groups=${w.groups.map((g) => named(g.id, g.name)).join(',')}\n`);
  return 0;
}

export function whoami(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  if (ctx.argv.length > 1) {
    const a = ctx.argv[1]!;
    return /^-./.test(a) ? optionError(ctx, a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`) : gnu ? usageError(ctx, `extra operand ${q(a)}`) : bbUsage(ctx);
  }
  const w = whoIs(accounts(ctx), ctx.user);
  const uid = w?.uid ?? (/^\d+/.test(ctx.user) ? Number(/^\d+/.exec(ctx.user)![0]) : 0);
  if (w?.user === undefined) {
    ctx.io.stderr(gnu ? `whoami: cannot find name for user ID ${uid}\n` : `whoami: unknown uid ${uid}\n`);
    return 1;
  }
  ctx.io.stdout(w.user + '\n');
  return 0;
}

/** hostname: prints the name (-s: up to the first dot); setting it is refused. */
export function hostname(ctx: UtilContext): number {
  const gnu = ctx.flavor === 'gnu';
  const p = getopt(ctx.argv.slice(1), { flags: gnu ? 'sfdiIaAyb' : 'sfdiF', long: gnu ? { short: { as: 's', value: false }, fqdn: { as: 'f', value: false }, domain: { as: 'd', value: false }, 'ip-address': { as: 'i', value: false } } : {} });
  if ('error' in p) return gnu ? (ctx.io.stderr(`hostname: ${p.error}\nUsage: hostname [-b] {hostname|-F file}         set host name (from file)\n`), 1) : optionError(ctx, p.error);
  if (has(p, 'i') || has(p, 'I') || has(p, 'F') || has(p, 'a') || has(p, 'A') || has(p, 'y') || has(p, 'b')) {
    ctx.io.stderr(`glassbox: hostname: ${p.opts.map((o) => '-' + o.name).join(' ')} is not simulated yet\n`);
    return 2;
  }
  if (p.operands.length > 0) {
    const root = whoIs(accounts(ctx), ctx.user)?.uid === 0;
    if (!root) {
      ctx.io.stderr(gnu ? 'hostname: you must be root to change the host name\n' : `hostname: sethostname: Operation not permitted\n`);
      return 1;
    }
    ctx.io.stderr('glassbox: hostname: changing the host name is not simulated yet\n');
    return 2;
  }
  const name = ctx.hostname;
  if (has(p, 'd')) ctx.io.stdout(name.includes('.') ? name.slice(name.indexOf('.') + 1) + '\n' : gnu ? '\n' : '');
  else ctx.io.stdout((has(p, 's') ? name.split('.')[0] : name) + '\n');
  return 0;
}
