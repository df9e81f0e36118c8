/**
 * Word expansion as the POSIX shells do it, in order: braces (bash), tilde,
 * parameters, command substitution and arithmetic, field splitting on IFS,
 * then pathname expansion over the shell's filesystem.
 */
import { compareBytes, resolvePath, type Fs } from './filesystem';
import { globToRegex, hasGlobChars } from './regex';
import { evalArith, ArithError } from './arith';
import type { List, Word, WordPart } from './syntax';
import type { Ctx } from './shellTypes';
import type { Task } from './task';
import type { Voice } from './personality';

/** What expansion needs from the interpreter. */
export interface ExpandHost {
  readonly fs: Fs;
  readonly voice: Voice;
  /** `$(…)`: runs `list` in a subshell and returns its output and status. */
  substitute(list: List, ctx: Ctx): Task<{ text: string; status: number }>;
  /** Reports an expansion error (with the shell's prefix) and throws ExpansionError. */
  expansionError(ctx: Ctx, text: string, status: number, fatal: boolean): never;
  /** $$, $!, $-: the values only the interpreter knows. */
  special(name: string, ctx: Ctx): string | undefined;
  /** ~user: the home directory of `user`, when known. */
  homeOf(user: string): string | undefined;
}

type Seg = { text: string; quoted: boolean };

const MAX_BRACE_WORDS = 100_000;

const ifsCache = new Map<string, RegExp | null>();

function ifsRegex(ifs: string): RegExp | null {
  let re = ifsCache.get(ifs);
  if (re === undefined) {
    re = ifs === '' ? null : new RegExp(`[${ifs.replace(/[\\\]^-]/g, '\\$&')}]+`);
    if (ifsCache.size < 64) ifsCache.set(ifs, re);
  }
  return re;
}

/** A word that expands to itself (no expansions, globs or braces): the common case, kept off the expansion path. */
export function plainWord(w: Word): string | null {
  let out = '';
  let any = false;
  for (const p of w.parts) {
    if (p.k === 'q') {
      out += p.v;
      any = true;
    } else if (p.k === 'lit' && !/[*?[{]/.test(p.v)) {
      out += p.v;
      if (p.v !== '') any = true;
    } else return null;
  }
  return any ? out : null;
}

export class Expander {
  constructor(private readonly host: ExpandHost) {}

  /** Expands a word into fields: braces, parameters, substitutions, splitting, then globbing. */
  *word(w: Word, ctx: Ctx, onSubst: (s: number) => void): Task<string[]> {
    if (this.host.voice.personality === 'bash' && w.parts.some((p) => p.k === 'lit' && p.v.includes('{'))) {
      const variants = braceExpand(w.parts, { left: MAX_BRACE_WORDS });
      if (variants.length > 1 || variants[0] !== w.parts) {
        const out: string[] = [];
        for (const parts of variants) out.push(...(yield* this.fields({ parts, raw: w.raw }, ctx, onSubst)));
        return out;
      }
    }
    return yield* this.fields(w, ctx, onSubst);
  }

  private *fields(w: Word, ctx: Ctx, onSubst: (s: number) => void): Task<string[]> {
    const fields: Seg[][] = [];
    let cur: Seg[] = [];
    let present = false;
    const end = (): void => {
      if (present || cur.some((s) => s.text !== '')) fields.push(cur);
      cur = [];
      present = false;
    };
    const ifs = ctx.state.vars.has('IFS') ? ctx.state.vars.get('IFS')! : ' \t\n';
    const splitRe = ifsRegex(ifs);
    const addSplit = (value: string): void => {
      if (value === '') return;
      if (splitRe === null) {
        cur.push({ text: value, quoted: false });
        return;
      }
      const parts = value.split(splitRe);
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) end();
        if (parts[i] !== '') cur.push({ text: parts[i]!, quoted: false });
      }
    };
    for (const part of w.parts) {
      if (part.k === 'lit') cur.push({ text: part.v, quoted: false });
      else if (part.k === 'q') {
        cur.push({ text: part.v, quoted: true });
        present = true;
      } else if (part.k === 'tilde') cur.push({ text: this.tilde(part.user, ctx), quoted: true });
      else if (part.k === 'param' && (part.name === '@' || part.name === '*') && part.op === null && part.quoted) {
        const pos = ctx.state.positional;
        if (part.name === '*') {
          cur.push({ text: pos.join(ifs[0] ?? ''), quoted: true });
          present = true;
        } else {
          pos.forEach((p, i) => {
            if (i > 0) end();
            cur.push({ text: p, quoted: true });
            present = true;
          });
        }
      } else {
        const value = yield* this.part(part, ctx, onSubst);
        if ('quoted' in part && part.quoted) {
          cur.push({ text: value, quoted: true });
          present = true;
        } else addSplit(value);
      }
    }
    end();
    const out: string[] = [];
    for (const f of fields) {
      const text = f.map((s) => s.text).join('');
      if (f.some((s) => !s.quoted && /[*?[]/.test(s.text))) {
        const pattern = f.map((s) => (s.quoted ? s.text.replace(/[\\*?[\]]/g, '\\$&') : s.text)).join('');
        if (hasGlobChars(pattern)) {
          const matches = this.glob(pattern, ctx.state.cwd);
          if (matches.length > 0) {
            out.push(...matches);
            continue;
          }
        }
      }
      out.push(text);
    }
    return out;
  }

  /** Expands without splitting or globbing (assignments, here-documents, `case` words). */
  *noSplit(w: Word, ctx: Ctx, onSubst: (s: number) => void): Task<string> {
    let out = '';
    for (const part of w.parts) {
      if (part.k === 'lit' || part.k === 'q') out += part.v;
      else if (part.k === 'tilde') out += this.tilde(part.user, ctx);
      else out += yield* this.part(part, ctx, onSubst);
    }
    return out;
  }

  /** A `case` pattern: expanded, with quoted characters made literal for matching. */
  *pattern(w: Word, ctx: Ctx): Task<string> {
    let out = '';
    const literal = (s: string): string => s.replace(/[\\*?[\]]/g, '\\$&');
    for (const part of w.parts) {
      if (part.k === 'lit') out += part.v;
      else if (part.k === 'q') out += literal(part.v);
      else if (part.k === 'tilde') out += literal(this.tilde(part.user, ctx));
      else {
        const v = yield* this.part(part, ctx, () => {});
        out += 'quoted' in part && part.quoted ? literal(v) : v;
      }
    }
    return out;
  }

  private tilde(user: string, ctx: Ctx): string {
    if (user === '') return ctx.state.vars.get('HOME') ?? '/root';
    return this.host.homeOf(user) ?? '~' + user;
  }

  private *part(part: WordPart, ctx: Ctx, onSubst: (s: number) => void): Task<string> {
    switch (part.k) {
      case 'lit': case 'q': return part.v;
      case 'tilde': return this.tilde(part.user, ctx);
      case 'cmd': {
        const r = yield* this.host.substitute(part.list, ctx);
        onSubst(r.status);
        return r.text;
      }
      case 'arith': {
        let text = '';
        for (const p of part.parts) text += p.k === 'lit' || p.k === 'q' ? p.v : yield* this.part(p, ctx, onSubst);
        try {
          return String(evalArith(text, (n) => ctx.state.vars.get(n), (n, v) => ctx.state.vars.set(n, v)));
        } catch (e) {
          if (e instanceof ArithError) {
            const voice = this.host.voice;
            return this.host.expansionError(ctx, voice.arithError(e.message), voice.personality === 'bash' ? 1 : 2, true);
          }
          throw e;
        }
      }
      case 'param': return yield* this.param(part, ctx, onSubst);
    }
  }

  /** A parameter's value; undefined when unset. */
  value(name: string, ctx: Ctx): string | undefined {
    const s = ctx.state;
    switch (name) {
      case '?': return String(s.status);
      case '#': return String(s.positional.length);
      case '@': case '*': return s.positional.join(' ');
      case '0': return s.arg0;
      case '$': case '!': case '-': return this.host.special(name, ctx);
    }
    if (/^\d+$/.test(name)) return s.positional[Number(name) - 1];
    return s.vars.get(name);
  }

  private *param(part: Extract<WordPart, { k: 'param' }>, ctx: Ctx, onSubst: (s: number) => void): Task<string> {
    const value = this.value(part.name, ctx);
    const op = part.op;
    const voice = this.host.voice;
    const bash = voice.personality === 'bash';
    if (value === undefined && ctx.state.flags.nounset && (op === null || op === 'len') && !/^[@*]$/.test(part.name)) {
      this.host.expansionError(ctx, `${part.name}: ${bash ? 'unbound variable' : 'parameter not set'}`, bash ? 127 : 2, true);
    }
    if (op === null) return value ?? '';
    if (op === 'len') return String([...(value ?? '')].length);
    const arg = function* (this: Expander): Task<string> {
      let out = '';
      for (const p of part.arg ?? []) out += yield* this.part(p, ctx, onSubst);
      return out;
    }.bind(this);
    const unsetOrNull = value === undefined || (op.startsWith(':') && value === '');
    switch (op) {
      case ':-': case '-': return unsetOrNull ? yield* arg() : value!;
      case ':=': case '=': {
        if (!unsetOrNull) return value!;
        const v = yield* arg();
        if (!/^[A-Za-z_]/.test(part.name)) {
          return this.host.expansionError(ctx, bash ? `$${part.name}: cannot assign in this way` : `$${part.name}: bad variable name`, bash ? 1 : 2, !bash);
        }
        ctx.state.vars.set(part.name, v);
        return v;
      }
      case ':+': case '+': return unsetOrNull ? '' : yield* arg();
      case ':?': case '?': {
        if (!unsetOrNull) return value!;
        const msg = yield* arg();
        const dflt = bash ? 'parameter null or not set' : op === '?' ? 'parameter not set' : 'parameter not set or null';
        return this.host.expansionError(ctx, `${part.name}: ${msg || dflt}`, bash ? (voice.interactive ? 1 : 127) : 2, true);
      }
      case '#': case '##': case '%': case '%%': {
        const v = value ?? '';
        const pat = yield* arg();
        const re = globToRegex(pat);
        const chars = [...v];
        const tryCut = (fromStart: boolean, longest: boolean): string => {
          const lens = chars.map((_, i) => i + 1);
          lens.unshift(0);
          const order = longest ? lens.reverse() : lens;
          for (const n of order) {
            const piece = fromStart ? chars.slice(0, n).join('') : chars.slice(chars.length - n).join('');
            if (re.test(piece)) return fromStart ? chars.slice(n).join('') : chars.slice(0, chars.length - n).join('');
          }
          return v;
        };
        return tryCut(op.startsWith('#'), op.length === 2);
      }
    }
    return value ?? '';
  }

  /** Pathname expansion over the filesystem; sorted; empty when nothing matches. */
  glob(pattern: string, cwd: string): string[] {
    const fs = this.host.fs;
    const absolute = pattern.startsWith('/');
    const segs = pattern.split('/').filter((s, i) => s !== '' || i === 0);
    let paths: string[] = [absolute ? '/' : ''];
    for (let i = absolute ? 1 : 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const last = i === segs.length - 1;
      const next: string[] = [];
      for (const p of paths) {
        const dirAbs = resolvePath(p === '' ? '.' : p, cwd);
        if (hasGlobChars(seg)) {
          const names = fs.readdir(dirAbs);
          if (typeof names === 'string') continue;
          const re = globToRegex(seg, seg.startsWith('.'));
          for (const n of names) {
            if (!re.test(n)) continue;
            const full = p === '' ? n : p.endsWith('/') ? p + n : `${p}/${n}`;
            if (!last && !fs.isDir(resolvePath(full, cwd))) continue;
            next.push(full);
          }
        } else {
          const lit = seg.replace(/\\(.)/g, '$1');
          const full = p === '' ? lit : p.endsWith('/') ? p + lit : `${p}/${lit}`;
          if (fs.exists(resolvePath(full, cwd))) next.push(full);
        }
      }
      paths = next;
      if (paths.length === 0) return [];
    }
    if (pattern.endsWith('/')) paths = paths.filter((p) => fs.isDir(resolvePath(p, cwd))).map((p) => p + '/');
    return paths.sort(compareBytes);
  }
}

/** Brace expansion (`{a,b}`, `{1..5}`, `{a..e}`) within unquoted text, as bash does before anything else. */
function braceExpand(parts: WordPart[], budget: { left: number }): WordPart[][] {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.k !== 'lit') continue;
    const b = findBrace(p.v);
    if (!b) continue;
    const out: WordPart[][] = [];
    for (const alt of b.alts) {
      if (--budget.left < 0) return [parts];
      const np: WordPart[] = [...parts.slice(0, i), { k: 'lit', v: b.pre + alt + b.post }, ...parts.slice(i + 1)];
      out.push(...braceExpand(np, budget));
    }
    return out;
  }
  return [parts];
}

function findBrace(s: string): { pre: string; alts: string[]; post: string } | null {
  for (let start = s.indexOf('{'); start >= 0; start = s.indexOf('{', start + 1)) {
    if (s[start - 1] === '$') continue;
    let depth = 0;
    const commas: number[] = [];
    let end = -1;
    for (let j = start; j < s.length; j++) {
      const c = s[j];
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (depth === 0) {
          end = j;
          break;
        }
      } else if (c === ',' && depth === 1) commas.push(j);
    }
    if (end < 0) return null;
    const body = s.slice(start + 1, end);
    const pre = s.slice(0, start);
    const post = s.slice(end + 1);
    if (commas.length > 0) {
      const alts: string[] = [];
      let from = start + 1;
      for (const c of [...commas, end]) {
        alts.push(s.slice(from, c));
        from = c + 1;
      }
      return { pre, alts, post };
    }
    const num = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(body);
    if (num) {
      const a = Number(num[1]);
      const z = Number(num[2]);
      const step = Math.abs(Number(num[3] ?? 1)) || 1;
      const width = /^-?0\d/.test(num[1]!) || /^-?0\d/.test(num[2]!) ? Math.max(num[1]!.length, num[2]!.length) : 0;
      const alts: string[] = [];
      for (let v = a; a <= z ? v <= z : v >= z; v += a <= z ? step : -step) {
        alts.push(width ? (v < 0 ? '-' + String(-v).padStart(width - 1, '0') : String(v).padStart(width, '0')) : String(v));
        if (alts.length > MAX_BRACE_WORDS) break;
      }
      return { pre, alts, post };
    }
    const chr = /^([A-Za-z])\.\.([A-Za-z])$/.exec(body);
    if (chr) {
      const a = chr[1]!.charCodeAt(0);
      const z = chr[2]!.charCodeAt(0);
      const alts: string[] = [];
      for (let v = a; a <= z ? v <= z : v >= z; v += a <= z ? 1 : -1) alts.push(String.fromCharCode(v));
      return { pre, alts, post };
    }
  }
  return null;
}
