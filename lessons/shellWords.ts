/**
 * Shell lines cut into `docker …` commands' words, with where each word sits
 * in the line, so the lesson rewriters (suffix.ts, hostSide.ts) can change a
 * word in place and leave the rest of the line as the author wrote it.
 */

export interface Word {
  start: number;
  end: number;
  /** The word as the shell gives it to the program (quotes removed). */
  value: string;
  /** Unquoted and without `$`: the text is the value, so it can be rewritten in place. */
  plain: boolean;
}

/** Index of the `)` that closes a `$(` whose body starts at `i`. */
function closingParen(s: string, i: number): number {
  let depth = 1;
  let quote: string | null = null;
  for (; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return s.length;
}

/**
 * Splits a line into simple commands (at `&&`, `||`, `;`, `|`, `&`, newlines
 * and parentheses) of words; `$( … )` and backquoted commands inside a word
 * are commands of their own, handed to `nested`. A redirection's target is
 * not a word of its command.
 */
export function commands(s: string, nested: (start: number, end: number) => void): Word[][] {
  const out: Word[][] = [];
  let words: Word[] = [];
  let cur: Word | null = null;
  let redirect = false;
  const endWord = (i: number): void => {
    if (cur) {
      cur.end = i;
      if (!redirect) words.push(cur);
      redirect = false;
    }
    cur = null;
  };
  const endCommand = (i: number): void => {
    endWord(i);
    if (words.length) out.push(words);
    words = [];
  };
  const word = (i: number): Word => (cur ??= { start: i, end: i, value: '', plain: true });
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === ' ' || c === '\t') {
      endWord(i);
      i++;
    } else if (c === '\n' || c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      endCommand(i);
      i++;
    } else if (c === '>' || c === '<') {
      // `2>` was read as a word start: a redirection's fd is not a word either.
      const open = cur as Word | null;
      if (open && /^\d+$/.test(open.value)) cur = null;
      endWord(i);
      while (s[i] === '>' || s[i] === '<' || s[i] === '&') i++;
      redirect = true;
    } else if (c === "'") {
      const w = word(i);
      const close = s.indexOf("'", i + 1);
      const stop = close < 0 ? s.length : close;
      w.value += s.slice(i + 1, stop);
      w.plain = false;
      i = stop + 1;
    } else if (c === '"') {
      const w = word(i);
      w.plain = false;
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\') {
          w.value += s[i + 1] ?? '';
          i += 2;
        } else if (s.startsWith('$(', i)) {
          const close = closingParen(s, i + 2);
          nested(i + 2, close);
          i = close + 1;
        } else w.value += s[i++];
      }
      i++;
    } else if (s.startsWith('$(', i)) {
      const w = word(i);
      w.plain = false;
      const close = closingParen(s, i + 2);
      nested(i + 2, close);
      i = close + 1;
    } else if (c === '`') {
      const w = word(i);
      w.plain = false;
      const close = s.indexOf('`', i + 1);
      const stop = close < 0 ? s.length : close;
      nested(i + 1, stop);
      i = stop + 1;
    } else {
      const w = word(i);
      if (c === '\\') {
        w.value += s[i + 1] ?? '';
        w.plain = false;
        i += 2;
      } else {
        if (c === '$') w.plain = false;
        w.value += c;
        i++;
      }
    }
  }
  endCommand(s.length);
  return out;
}

/** Every `docker …` command in a line (also inside `$( … )`), as its words. */
export function dockerCommands(line: string, visit: (words: Word[], offset: number) => void, offset = 0): void {
  const inner: [number, number][] = [];
  for (const words of commands(line, (a, b) => inner.push([a, b]))) if (words[0]?.value === 'docker') visit(words, offset);
  for (const [a, b] of inner) dockerCommands(line.slice(a, b), visit, offset + a);
}

