/**
 * A small GNU sed: addresses (N, $, /re/, ranges, !), commands s d p q = y a i c,
 * flags g p i N, -n -e -E/-r -i -s. Enough for the one-liners people pipe docker
 * output through.
 */
import { compilePosix } from '../regex';
import { bbUsage, optionError, type UtilContext } from '../context';
import { fsErrorText, resolvePath } from '../memfs';

type Address = { kind: 'line'; n: number } | { kind: 'step'; first: number; step: number } | { kind: 'last' } | { kind: 're'; re: RegExp };

interface SedCommand {
  a1: Address | null;
  a2: Address | null;
  negate: boolean;
  cmd: string;
  re?: RegExp;
  replacement?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  exitCode?: number;
  ySrc?: string[];
  yDst?: string[];
  /** Range state: inside a1,a2. */
  active?: boolean;
}

class SedError extends Error {}

function parseScript(script: string, exprNo: number, extended: boolean): SedCommand[] {
  const cmds: SedCommand[] = [];
  let i = 0;
  const fail = (msg: string, at = i): never => {
    throw new SedError(`sed: -e expression #${exprNo}, char ${at}: ${msg}`);
  };
  const compile = (src: string, flags: string): RegExp => {
    const r = compilePosix(src, extended, flags);
    if ('error' in r) return fail(r.error);
    return r.re;
  };
  const readDelimited = (delim: string): string => {
    let out = '';
    while (i < script.length) {
      const c = script[i]!;
      if (c === '\\' && i + 1 < script.length) {
        const n = script[i + 1]!;
        out += n === delim ? (delim === '&' ? '\\&' : n) : n === 'n' ? '\n' : '\\' + n;
        i += 2;
        continue;
      }
      if (c === delim) {
        i++;
        return out;
      }
      if (c === '[') {
        // A delimiter inside a bracket expression does not end the regex.
        const end = script.indexOf(']', script[i + 1] === ']' ? i + 2 : i + 1);
        if (end > 0 && !script.slice(i, end).includes('\n')) {
          out += script.slice(i, end + 1);
          i = end + 1;
          continue;
        }
      }
      out += c;
      i++;
    }
    return fail(`unterminated address regex`, script.length);
  };
  const readAddress = (): Address | null => {
    const st = /^(\d+)~(\d+)/.exec(script.slice(i));
    if (st) {
      i += st[0].length;
      return { kind: 'step', first: Number(st[1]), step: Number(st[2]) };
    }
    const m = /^\d+/.exec(script.slice(i));
    if (m) {
      i += m[0].length;
      return { kind: 'line', n: Number(m[0]) };
    }
    if (script[i] === '$') {
      i++;
      return { kind: 'last' };
    }
    if (script[i] === '/' || script[i] === '\\') {
      const delim = script[i] === '\\' ? script[i + 1]! : '/';
      i += script[i] === '\\' ? 2 : 1;
      const src = readDelimited(delim);
      let flags = '';
      if (script[i] === 'I') {
        flags = 'i';
        i++;
      }
      return { kind: 're', re: compile(src, flags) };
    }
    return null;
  };
  while (i < script.length) {
    while (i < script.length && /[\s;]/.test(script[i]!)) i++;
    if (i >= script.length) break;
    const a1 = readAddress();
    let a2: Address | null = null;
    if (a1 && script[i] === ',') {
      i++;
      a2 = readAddress();
      if (!a2) fail('unexpected `,\'', i);
    }
    while (script[i] === ' ') i++;
    let negate = false;
    if (script[i] === '!') {
      negate = true;
      i++;
      while (script[i] === ' ') i++;
    }
    const cmd = script[i];
    if (cmd === undefined) fail('missing command', script.length);
    i++;
    const c: SedCommand = { a1, a2, negate, cmd: cmd! };
    switch (cmd) {
      case 's': {
        const delim = script[i];
        if (delim === undefined || delim === '\n' || delim === '\\') fail("unterminated `s' command", script.length);
        i++;
        let pat = '';
        let rep = '';
        try {
          pat = readDelimited(delim!);
          rep = readReplacement(delim!);
        } catch (e) {
          if (e instanceof SedError) fail("unterminated `s' command", script.length);
          throw e;
        }
        let flags = '';
        let global = false;
        let nth = 1;
        let print = false;
        while (i < script.length && !/[\s;}]/.test(script[i]!)) {
          const f = script[i]!;
          if (f === 'g') global = true;
          else if (f === 'p') print = true;
          else if (f === 'i' || f === 'I') flags += 'i';
          else if (/\d/.test(f)) {
            const m = /^\d+/.exec(script.slice(i))!;
            nth = Number(m[0]);
            i += m[0].length;
            continue;
          } else fail("unknown option to `s'", i + 1);
          i++;
        }
        c.re = compile(pat, 'g' + flags);
        c.replacement = rep;
        c.global = global;
        c.nth = nth;
        c.print = print;
        break;
      }
      case 'y': {
        const delim = script[i]!;
        i++;
        const src = [...readDelimited(delim)];
        const dst = [...readDelimited(delim)];
        if (src.length !== dst.length) fail("strings for `y' command are different lengths");
        c.ySrc = src;
        c.yDst = dst;
        break;
      }
      case 'a': case 'i': case 'c': {
        while (script[i] === ' ') i++;
        if (script[i] === '\\') i++;
        if (script[i] === '\n') i++;
        const end = script.indexOf('\n', i);
        c.text = script.slice(i, end < 0 ? undefined : end);
        i = end < 0 ? script.length : end;
        break;
      }
      case 'q': case 'Q': {
        const m = /^\s*(\d+)/.exec(script.slice(i));
        if (m) {
          c.exitCode = Number(m[1]);
          i += m[0].length;
        }
        break;
      }
      case 'd': case 'p': case '=': case 'n': case 'N': case 'P': case 'D': case 'h': case 'H': case 'g': case 'G': case 'x':
        break;
      case '}': case '{':
        fail(`unknown command: \`${cmd}'`, i);
        break;
      default:
        fail(`unknown command: \`${cmd}'`, i);
    }
    cmds.push(c);
  }
  return cmds;

  function readReplacement(delim: string): string {
    let out = '';
    while (i < script.length) {
      const ch = script[i]!;
      if (ch === '\\' && i + 1 < script.length) {
        const n = script[i + 1]!;
        out += n === delim ? n : '\\' + n;
        i += 2;
        continue;
      }
      if (ch === delim) {
        i++;
        return out;
      }
      out += ch;
      i++;
    }
    throw new SedError('unterminated');
  }
}

function expandReplacement(rep: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i]!;
    if (c === '&') out += m[0];
    else if (c === '\\' && i + 1 < rep.length) {
      const n = rep[++i]!;
      if (/\d/.test(n)) out += m[Number(n)] ?? '';
      else if (n === 'n') out += '\n';
      else if (n === 't') out += '\t';
      else out += n;
    } else out += c;
  }
  return out;
}

function matches(a: Address, lineNo: number, isLast: boolean, line: string): boolean {
  if (a.kind === 'line') return lineNo === a.n;
  if (a.kind === 'last') return isLast;
  if (a.kind === 'step') return a.step <= 0 ? lineNo === a.first : lineNo >= a.first && (lineNo - a.first) % a.step === 0;
  a.re.lastIndex = 0;
  const r = a.re.test(line);
  a.re.lastIndex = 0;
  return r;
}

function selected(c: SedCommand, lineNo: number, isLast: boolean, line: string): boolean {
  let hit: boolean;
  if (!c.a1) hit = true;
  else if (!c.a2) hit = matches(c.a1, lineNo, isLast, line);
  else if (c.active) {
    hit = true;
    const a2 = c.a2;
    if (a2.kind === 'line' ? lineNo >= a2.n : matches(a2, lineNo, isLast, line)) c.active = false;
  } else if (matches(c.a1, lineNo, isLast, line)) {
    hit = true;
    const a2 = c.a2;
    // A line-number end at or before the start closes the range at once.
    c.active = !(a2.kind === 'line' ? a2.n <= lineNo : a2.kind === 'last' ? isLast : false);
  } else hit = false;
  return hit !== c.negate;
}

/** Runs the script over `text`. Returns the output and whether `q` asked to stop, with its exit code. */
function runSed(cmds: SedCommand[], text: string, quiet: boolean): { out: string; exit: number | null } {
  const lines = text.split('\n');
  const endsWithNewline = lines[lines.length - 1] === '';
  if (endsWithNewline) lines.pop();
  const out: string[] = [];
  let hold = '';
  let exit: number | null = null;
  for (const c of cmds) c.active = false;
  let n = 0;
  outer: while (n < lines.length) {
    let ps = lines[n]!;
    n++;
    const append: string[] = [];
    let autoprint = !quiet;
    let deleted = false;
    const newline = (idx: number): string => (idx < lines.length || endsWithNewline ? '\n' : '');
    for (let k = 0; k < cmds.length; k++) {
      const c = cmds[k]!;
      const isLast = n === lines.length;
      if (!selected(c, n, isLast, ps)) continue;
      switch (c.cmd) {
        case 's': {
          const re = c.re!;
          re.lastIndex = 0;
          let count = 0;
          let done = false;
          let result = '';
          let last = 0;
          let m: RegExpExecArray | null;
          while ((m = re.exec(ps)) !== null) {
            count++;
            if (count >= c.nth! && (c.global || count === c.nth)) {
              result += ps.slice(last, m.index) + expandReplacement(c.replacement!, m);
              last = m.index + m[0].length;
              done = true;
              if (!c.global) break;
            }
            if (m[0] === '') re.lastIndex++;
          }
          if (done) {
            ps = result + ps.slice(last);
            if (c.print) out.push(ps + '\n');
          }
          break;
        }
        case 'y': {
          ps = [...ps].map((ch) => {
            const j = c.ySrc!.indexOf(ch);
            return j < 0 ? ch : c.yDst![j]!;
          }).join('');
          break;
        }
        case 'd':
          deleted = true;
          break;
        case 'D': {
          const nl = ps.indexOf('\n');
          if (nl < 0) deleted = true;
          else {
            lines.splice(n, 0, ps.slice(nl + 1));
            deleted = true;
          }
          break;
        }
        case 'p':
          out.push(ps + '\n');
          break;
        case 'P':
          out.push(ps.split('\n')[0] + '\n');
          break;
        case '=':
          out.push(`${n}\n`);
          break;
        case 'a':
          append.push(c.text! + '\n');
          break;
        case 'i':
          out.push(c.text! + '\n');
          break;
        case 'c':
          if (!c.a2 || !c.active) out.push(c.text! + '\n');
          deleted = true;
          break;
        case 'n':
          if (autoprint) out.push(ps + newline(n));
          if (n >= lines.length) {
            autoprint = false;
            break;
          }
          ps = lines[n]!;
          n++;
          break;
        case 'N':
          if (n >= lines.length) break;
          ps += '\n' + lines[n]!;
          n++;
          break;
        case 'h': hold = ps; break;
        case 'H': hold += '\n' + ps; break;
        case 'g': ps = hold; break;
        case 'G': ps += '\n' + hold; break;
        case 'x': [ps, hold] = [hold, ps]; break;
        case 'q':
          if (autoprint) out.push(ps + newline(n));
          out.push(...append);
          exit = c.exitCode ?? 0;
          break outer;
        case 'Q':
          exit = c.exitCode ?? 0;
          break outer;
      }
      if (deleted) break;
    }
    if (!deleted && autoprint) out.push(ps + newline(n));
    out.push(...append);
  }
  return { out: out.join(''), exit };
}

/** busybox's words for what GNU's parser reports (`script` is the text the command came from). */
function bbSedMessage(gnu: string, script: string): string {
  const s = /^s(.)((?:\\.|(?!\1).)*)/s.exec(script.trim());
  if (/unterminated `s' command/.test(gnu)) return `sed: unmatched '${s?.[1] ?? '/'}'`;
  const cmd = /unknown command: `(.)'/.exec(gnu);
  if (cmd) return `sed: unsupported command ${cmd[1]}`;
  if (/unknown option to `s'/.test(gnu)) return 'sed: bad option in substitution expression';
  const re = /: ((?:Unmatched|Invalid|Trailing|Premature|Regular)[^]*)$/.exec(gnu);
  if (re && s) return `sed: bad regex '${s[2]}': ${re[1]}`;
  return gnu.replace(/^sed: -e expression #\d+, char \d+: /, 'sed: ');
}

export function sed(ctx: UtilContext): number {
  const bb = ctx.flavor === 'busybox';
  const args = ctx.argv.slice(1);
  const scripts: string[] = [];
  const files: string[] = [];
  let quiet = false;
  let extended = false;
  let inPlace = false;
  let separate = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a === '-e' || a === '--expression') {
      if (i + 1 >= args.length) {
        if (bb) return optionError(ctx, "option requires an argument -- 'e'");
        ctx.io.stderr(`sed: option requires an argument -- 'e'\n${SED_USAGE_SHORT}`);
        return 1;
      }
      scripts.push(args[++i]!);
    } else if (a.startsWith('--expression=')) scripts.push(a.slice(13));
    else if (a === '-n' || a === '--quiet' || a === '--silent') quiet = true;
    else if (a === '-E' || a === '-r' || a === '--regexp-extended') extended = true;
    else if (a === '-s' || a === '--separate') separate = true;
    else if (a.startsWith('-i') || a.startsWith('--in-place')) inPlace = true;
    else if (/^-[nErsu]+$/.test(a)) {
      for (const ch of a.slice(1)) {
        if (ch === 'n') quiet = true;
        else if (ch === 'E' || ch === 'r') extended = true;
        else if (ch === 's') separate = true;
      }
    } else if (a.startsWith('-e') && a.length > 2) scripts.push(a.slice(2));
    else if (a.startsWith('-') && a !== '-') {
      if (bb) return optionError(ctx, a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`);
      ctx.io.stderr(`sed: ${a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${a[1]}'`}\n${SED_USAGE_SHORT}`);
      return 1;
    } else files.push(a);
  }
  if (scripts.length === 0) {
    if (files.length === 0) {
      if (bb) return bbUsage(ctx);
      ctx.io.stderr(SED_USAGE_SHORT);
      return 1;
    }
    scripts.push(files.shift()!);
  }
  let cmds: SedCommand[];
  try {
    cmds = scripts.flatMap((s, k) => parseScript(s, k + 1, extended));
  } catch (e) {
    if (e instanceof SedError) {
      ctx.io.stderr((bb ? bbSedMessage(e.message, scripts.join('\n')) : e.message) + '\n');
      return 1;
    }
    throw e;
  }
  if (inPlace) {
    if (files.length === 0) {
      ctx.io.stderr(bb ? 'sed: -i requires an argument\n' : 'sed: no input files\n');
      return bb ? 1 : 4;
    }
    let status = 0;
    for (const f of files) {
      const abs = resolvePath(f, ctx.cwd);
      const r = ctx.fs.tryRead(abs);
      if ('error' in r) {
        ctx.io.stderr(bb ? `sed: ${f}: ${fsErrorText(r.error)}\n` : `sed: can't read ${f}: ${fsErrorText(r.error)}\n`);
        status = bb ? 1 : 2;
        continue;
      }
      const res = runSed(cmds, r.data, quiet);
      ctx.fs.writeFile(abs, res.out);
      if (res.exit !== null) return res.exit;
    }
    return status;
  }
  const inputs = files.length > 0 ? files : ['-'];
  let status = 0;
  const texts: string[] = [];
  for (const f of inputs) {
    if (f === '-') {
      texts.push(ctx.io.stdin ?? '');
      continue;
    }
    const r = ctx.fs.tryRead(resolvePath(f, ctx.cwd));
    if ('error' in r) {
      ctx.io.stderr(bb ? `sed: ${f}: ${fsErrorText(r.error)}\n` : `sed: can't read ${f}: ${fsErrorText(r.error)}\n`);
      status = bb ? 1 : 2;
      continue;
    }
    texts.push(r.data);
  }
  if (separate) {
    for (const t of texts) {
      const res = runSed(cmds, t, quiet);
      ctx.io.stdout(res.out);
      if (res.exit !== null) return res.exit;
    }
    return status;
  }
  // Files run together as one stream, joined as if each ended in a newline.
  const joined = texts.map((t, k) => (k < texts.length - 1 && t !== '' && !t.endsWith('\n') ? t + '\n' : t)).join('');
  const res = runSed(cmds, joined, quiet);
  ctx.io.stdout(res.out);
  return res.exit ?? status;
}

const SED_USAGE_SHORT = 'Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n\n';
