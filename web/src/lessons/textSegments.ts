/**
 * Lesson text marks commands and names with backticks, as Markdown does. The
 * page renders them as `<code>` from these segments, never as HTML, so lesson
 * text cannot inject markup.
 */
export interface TextSegment {
  text: string;
  code: boolean;
}

/** Splits `text` at backtick pairs; a backtick without a partner stays literal text. */
export function textSegments(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  const push = (piece: string, code: boolean): void => {
    if (!piece) return;
    const last = out[out.length - 1];
    if (last && !last.code && !code) last.text += piece;
    else out.push({ text: piece, code });
  };
  let rest = text;
  for (;;) {
    const open = rest.indexOf('`');
    const close = open < 0 ? -1 : rest.indexOf('`', open + 1);
    if (close < 0) {
      push(rest, false);
      return out;
    }
    push(rest.slice(0, open), false);
    // An empty pair (``) is just two backticks in prose.
    if (close === open + 1) push('``', false);
    else push(rest.slice(open + 1, close), true);
    rest = rest.slice(close + 1);
  }
}
