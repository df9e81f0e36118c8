/**
 * Masking makes two engines' transcripts comparable: whatever Docker generates
 * at random or reads from the clock is replaced by a stable placeholder.
 *
 * Ids and generated names are numbered in order of first appearance, so a
 * transcript still says *which* container a line is about: if `docker run -d`
 * printed `<id64#1>`, a later `docker ps -q` must print `<id12#1>`, not some
 * other container's id.
 */

/** Replaces the per-run prefix first, so its random part is never read as an id. */
export const PREFIX_PLACEHOLDER = '%p';

// RFC 3339 as Docker prints it (inspect's Created/StartedAt/FinishedAt), except
// Go's zero time: "0001-01-01T00:00:00Z" says "never", and the simulator must say so too.
const rfc3339 = /\b(?!0001-01-01T00:00:00Z)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;
// Go's time.Time.String(), which `docker ps --format '{{.CreatedAt}}'` prints: "2024-05-01 10:00:00 +0000 UTC".
const goTime = /\b\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? [+-]\d{4} [A-Z]{2,5}\b/g;
// go-units HumanDuration, behind "Up …", "Exited (0) … ago" and "… ago".
const humanDuration =
  /\b(?:Less than a second|About a minute|About an hour|\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?))\b/g;
const hexId = /\b(?:[0-9a-f]{64}|[0-9a-f]{12})\b/g;
// A pushed manifest's size (`latest: digest: sha256:… size: 527`): the simulator's layer blobs are
// uncompressed tar where the real ones are gzip, so the manifest's sizes, and its own, differ.
const manifestSize = /(: digest: sha256:[0-9a-f]{64} size: )\d+/g;
// moby's namesgenerator: "adjective_surname", with a digit appended on a retry.
// Docker's own texts have no lower_snake words, and scripts name containers with hyphens.
const generatedName = /(?<![\w.\-=])[a-z]+_[a-z]+\d?(?![\w.\-/])/g;
// Tables are aligned with tabwriter: a longer "About a minute ago" in one row
// widens the whole column. Runs of two or more spaces become Docker's padding of three.
const columnGap = / {2,}/g;

// Network: which address the shared engine hands out depends on the other
// containers on it, and the kernel numbers interfaces by every link ever made.
// Docker's pools are 172.16.0.0/12 (the /16 taken varies): the network part is
// masked, and the host part too unless it is the network (0.0), the gateway
// (0.1) or the broadcast (255.255) address, so the shape of `ip addr` is still compared.
const dockerIp = /\b172\.(?:1[6-9]|2\d|3[01])\.(\d{1,3})\.(\d{1,3})\b/g;
// Docker (up to Engine 25) derives a container's MAC from its IP: 02:42 and the address's four bytes.
const dockerMac = /\b02:42(?::[0-9a-fA-F]{2}){4}\b/g;
// "3285: eth0@if3286:" in `ip` output; lo is always 1 and is kept.
const ifindex = /(^|\n)(?!1: )\d+: (?=eth\d|veth|br-|docker0)/g;
const peerIfindex = /@if\d+\b/g;
// The embedded DNS server listens on a random port of 127.0.0.11 (`netstat -tln` in a user network).
const embeddedDnsPort = /\b127\.0\.0\.11:\d{4,5}\b/g;
// A namespace's inode (readlink /proc/PID/ns/net: "net:[4026532255]"): the kernel hands new ones out in
// order, so which a container gets depends on everything before it. The host's own (…1832 to …1839) are kept.
const nsInode = /\b(cgroup|ipc|mnt|net|pid|time|user|uts):\[(\d+)\]/g;

export interface Masker {
  /** Masks one piece of output; ids and names keep their numbers across calls. */
  mask(text: string): string;
}

/** A masker for one transcript; `prefix` is the run prefix that `%p` stood for. */
export function createMasker(prefix: string): Masker {
  const ids: string[] = []; // full or short ids, in order of first appearance
  const names = new Map<string, number>();

  function idNumber(hex: string): number {
    let n = ids.findIndex((known) => known.startsWith(hex) || hex.startsWith(known));
    if (n < 0) n = ids.push(hex) - 1;
    else if (hex.length > ids[n]!.length) ids[n] = hex; // learn the full id behind a short one
    return n + 1;
  }

  function nameNumber(name: string): number {
    let n = names.get(name);
    if (n === undefined) names.set(name, (n = names.size + 1));
    return n;
  }

  return {
    mask(text: string): string {
      let out = prefix === '' ? text : text.split(prefix).join(PREFIX_PLACEHOLDER);
      out = out.replace(dockerIp, (_ip, a: string, b: string) => {
        const host = `${a}.${b}`;
        return host === '0.0' || host === '0.1' || host === '255.255' ? `<net>.${host}` : '<net>.<host>';
      });
      out = out.replace(nsInode, (whole, type: string, inode: string) => (Number(inode) > 4_026_531_839 ? `${type}:[<inode>]` : whole));
      out = out.replace(dockerMac, '02:42:<mac>').replace(ifindex, '$1<ifindex>: ').replace(peerIfindex, '@if<ifindex>').replace(embeddedDnsPort, '127.0.0.11:<port>');
      out = out.replace(manifestSize, '$1<size>');
      out = out.replace(rfc3339, '<time>').replace(goTime, '<time>').replace(humanDuration, '<duration>');
      out = out.replace(hexId, (hex) => `<id${hex.length}#${idNumber(hex)}>`);
      out = out.replace(generatedName, (name) => `<name#${nameNumber(name)}>`);
      return out.replace(columnGap, '   ');
    },
  };
}
