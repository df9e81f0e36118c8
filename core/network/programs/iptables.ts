import type { NatRule } from '../../model';

/**
 * `iptables -L`, `iptables -S` and `iptables-save` as iptables 1.8.9
 * (nf_tables) prints them on this machine, from the rules in iptables-save
 * form that the network model keeps. Only showing is modelled: changing
 * rules is Docker's job here.
 */

type Table = NatRule['table'];

const BUILTIN: Record<Table, string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
};
/** Docker turns on forwarding and sets FORWARD's policy to DROP (moby's setupIPForwarding). */
const POLICY: Record<string, string> = { 'filter/FORWARD': 'DROP' };
const STANDARD_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE', 'DNAT', 'SNAT', 'MASQUERADE', 'REJECT', 'LOG', 'REDIRECT']);
const VERSION = 'iptables v1.8.9 (nf_tables)';

export interface ParsedRule {
  chain: string;
  target: string;
  proto: string;
  protoInv: boolean;
  src: string;
  srcInv: boolean;
  dst: string;
  dstInv: boolean;
  /** What -L prints after the addresses: "tcp dpt:80", "ADDRTYPE match dst-type LOCAL", "to:172.17.0.2:80". */
  matches: { dport?: string; addrtype?: string; ctstate?: string; toDestination?: string };
}

/** Splits "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.17.0.2:80". */
export function parseRule(rule: string): ParsedRule {
  const words = rule.trim().split(/\s+/);
  const r: ParsedRule = { chain: '', target: '', proto: '', protoInv: false, src: '0.0.0.0/0', srcInv: false, dst: '0.0.0.0/0', dstInv: false, matches: {} };
  let inv = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = (): string => words[++i] ?? '';
    switch (w) {
      case '!':
        inv = true;
        continue;
      case '-A':
        r.chain = next();
        break;
      case '-j':
        r.target = next();
        break;
      case '-p':
        r.proto = next();
        r.protoInv = inv;
        break;
      case '-s':
        r.src = next();
        r.srcInv = inv;
        break;
      case '-d':
        r.dst = next();
        r.dstInv = inv;
        break;
      case '--dport':
        r.matches.dport = next();
        break;
      case '--dst-type':
        r.matches.addrtype = next();
        break;
      case '--ctstate':
        r.matches.ctstate = next();
        break;
      case '--to-destination':
        r.matches.toDestination = next();
        break;
      default:
        // -i, -o, -m and the like: an option with one argument -L does not show.
        if (w.startsWith('-')) next();
    }
    inv = false;
  }
  return r;
}

const PROTO_NUMBERS: Record<string, string> = { tcp: '6', udp: '17', sctp: '132', icmp: '1' };
const SERVICES: Record<string, string> = { '22': 'ssh', '53': 'domain', '80': 'http', '443': 'https', '8080': 'http-alt' };

function addrColumn(a: string, numeric: boolean): string {
  if (a === '0.0.0.0/0') return numeric ? a : 'anywhere';
  return a.endsWith('/32') ? a.slice(0, -3) : a;
}

function listRow(r: ParsedRule, numeric: boolean): string {
  const proto = r.proto === '' ? (numeric ? '0' : 'all') : numeric ? (PROTO_NUMBERS[r.proto] ?? r.proto) : r.proto;
  const extra: string[] = [];
  if (r.matches.addrtype) extra.push(`ADDRTYPE match dst-type ${r.matches.addrtype}`);
  if (r.matches.ctstate) extra.push(`ctstate ${r.matches.ctstate}`);
  if (r.matches.dport) extra.push(`${r.proto} dpt:${numeric ? r.matches.dport : (SERVICES[r.matches.dport] ?? r.matches.dport)}`);
  if (r.matches.toDestination) extra.push(`to:${r.matches.toDestination}`);
  const line =
    `${r.target.padEnd(9)} ${r.protoInv ? '!' : ' '}${proto.padEnd(4)} -- ` +
    `${r.srcInv ? '!' : ' '}${addrColumn(r.src, numeric).padEnd(20)}${r.dstInv ? '!' : ' '}${addrColumn(r.dst, numeric).padEnd(20)}`;
  return extra.length > 0 ? `${line} ${extra.join(' ')}` : line;
}

interface Chain {
  name: string;
  builtin: boolean;
  rules: { text: string; parsed: ParsedRule }[];
}

/** The chains of one table: built-in ones first, then Docker's in name order, as nf_tables lists them. */
function chainsOf(rules: readonly NatRule[], table: Table): Chain[] {
  const own = rules.filter((r) => r.table === table).map((r) => ({ text: r.rule, parsed: parseRule(r.rule) }));
  const user = new Set<string>();
  for (const r of own) {
    if (!BUILTIN[table].includes(r.parsed.chain)) user.add(r.parsed.chain);
    if (!STANDARD_TARGETS.has(r.parsed.target) && r.parsed.target !== '') user.add(r.parsed.target);
  }
  const names = [...BUILTIN[table], ...[...user].sort()];
  return names.map((name) => ({ name, builtin: BUILTIN[table].includes(name), rules: own.filter((r) => r.parsed.chain === name) }));
}

/** ctime(3) as iptables-save stamps its output: "Fri Nov 27 21:06:13 2026". */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()]!;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]!;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${day} ${mon} ${String(d.getUTCDate()).padStart(2)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export function iptablesSave(rules: readonly NatRule[], now: number, tables: readonly Table[] = ['filter', 'nat']): string {
  let out = '';
  const stamp = ctime(now);
  for (const table of tables) {
    const chains = chainsOf(rules, table);
    out += `# Generated by iptables-save v1.8.9 (nf_tables) on ${stamp}\n*${table}\n`;
    for (const c of chains) out += `:${c.name} ${c.builtin ? (POLICY[`${table}/${c.name}`] ?? 'ACCEPT') : '-'} [0:0]\n`;
    for (const c of chains) for (const r of c.rules) out += `${r.text}\n`;
    out += `COMMIT\n# Completed on ${stamp}\n`;
  }
  return out;
}

export interface IptablesResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** `iptables [-t TABLE] -L [CHAIN] [-n] [--line-numbers]` and `iptables [-t TABLE] -S [CHAIN]`. */
export function runIptables(args: readonly string[], rules: readonly NatRule[]): IptablesResult {
  let table = 'filter';
  let mode: 'L' | 'S' | undefined;
  let chain: string | undefined;
  let numeric = false;
  let lineNumbers = false;
  const fail = (stderr: string, code: number): IptablesResult => ({ stdout: '', stderr, code });
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-t' || a === '--table') table = args[++i] ?? '';
    else if (a === '-n' || a === '--numeric') numeric = true;
    else if (a === '--line-numbers') lineNumbers = true;
    else if (a === '-v' || a === '--verbose') continue;
    else if (/^-[LSn]+$/.test(a) && (a.includes('L') || a.includes('S'))) {
      mode = a.includes('L') ? 'L' : 'S';
      if (a.includes('n')) numeric = true;
      if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) chain = args[++i];
    } else if (a === '--list' || a === '--list-rules') {
      mode = a === '--list' ? 'L' : 'S';
      if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) chain = args[++i];
    } else if (['-A', '-I', '-D', '-N', '-X', '-F', '-P', '-R', '-Z', '-E'].includes(a)) {
      return fail(`${VERSION}: Changing the rules is Docker's job in this simulation; it is not modelled.\n`, 1);
    } else return fail(`Bad argument \`${a}'\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
  }
  if (table !== 'filter' && table !== 'nat') return fail(`${VERSION}: table '${table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded.\n`, 3);
  if (mode === undefined) return fail(`${VERSION}: no command specified\nTry \`iptables -h' or 'iptables --help' for more information.\n`, 2);
  const all = chainsOf(rules, table);
  let chains = all;
  if (chain !== undefined) {
    chains = all.filter((c) => c.name === chain);
    if (chains.length === 0) return fail(`${VERSION}: chain \`${chain}' in table \`${table}' is incompatible, use 'nft' tool.\n`, 1);
  }
  if (mode === 'S') {
    let out = '';
    for (const c of chains) out += c.builtin ? `-P ${c.name} ${POLICY[`${table}/${c.name}`] ?? 'ACCEPT'}\n` : `-N ${c.name}\n`;
    for (const c of chains) for (const r of c.rules) out += `${r.text}\n`;
    return { stdout: out, stderr: '', code: 0 };
  }
  const references = (name: string): number => all.reduce((n, c) => n + c.rules.filter((r) => r.parsed.target === name).length, 0);
  const blocks = chains.map((c) => {
    const title = c.builtin ? `Chain ${c.name} (policy ${POLICY[`${table}/${c.name}`] ?? 'ACCEPT'})` : `Chain ${c.name} (${references(c.name)} references)`;
    const header = `${lineNumbers ? 'num  ' : ''}target     prot opt source               destination         `;
    const rows = c.rules.map((r, n) => `${lineNumbers ? `${String(n + 1).padEnd(4)} ` : ''}${listRow(r.parsed, numeric)}`);
    return [title, header, ...rows].map((l) => l + '\n').join('');
  });
  return { stdout: blocks.join('\n'), stderr: '', code: 0 };
}
