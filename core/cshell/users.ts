/** /etc/passwd and /etc/group as busybox reads them, and Docker's `--user` forms (name, uid, name:group, uid:gid). */

export interface Account {
  name: string;
  id: number;
  /** passwd: the primary gid; group: 0. */
  gid: number;
  home: string;
  shell: string;
  /** group: member names. */
  members: string[];
}

export function parsePasswd(text: string): Account[] {
  const out: Account[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 7 || !/^[0-9]+$/.test(f[2]!) || !/^[0-9]+$/.test(f[3]!)) continue;
    out.push({ name: f[0]!, id: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]!, members: [] });
  }
  return out;
}

export function parseGroup(text: string): Account[] {
  const out: Account[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 4 || !/^[0-9]+$/.test(f[2]!)) continue;
    out.push({ name: f[0]!, id: Number(f[2]), gid: 0, home: '', shell: '', members: f[3]! === '' ? [] : f[3]!.split(',') });
  }
  return out;
}

/**
 * Resolves a user spec as runc does (libcontainer/user.GetExecUser): '' is
 * root; a name must be in /etc/passwd; a number need not be. Returns undefined
 * for an unknown name.
 */
export function lookupUser(spec: string, users: readonly Account[], groups: readonly Account[] = []): { uid: number; gid: number; home: string } | undefined {
  if (spec === '') return { uid: 0, gid: 0, home: users.find((u) => u.id === 0)?.home ?? '/root' };
  const [u, g] = spec.split(':', 2) as [string, string | undefined];
  let uid: number;
  let gid: number;
  let home = '/';
  if (/^[0-9]+$/.test(u)) {
    uid = Number(u);
    const entry = users.find((x) => x.id === uid);
    gid = entry?.gid ?? 0;
    home = entry?.home ?? '/';
  } else {
    const entry = users.find((x) => x.name === u);
    if (!entry) return undefined;
    uid = entry.id;
    gid = entry.gid;
    home = entry.home;
  }
  if (g !== undefined) {
    if (/^[0-9]+$/.test(g)) gid = Number(g);
    else {
      const entry = groups.find((x) => x.name === g);
      if (!entry) return undefined;
      gid = entry.id;
    }
  }
  return { uid, gid, home };
}
