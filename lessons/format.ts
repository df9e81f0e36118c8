import { CheckSyntaxError, parseChecks, type Check } from './checks';
import { parseView, VIEW_TABS, ViewSyntaxError, type StepView, type ViewTab } from './view';
import { LANGUAGES, type Language, type Lesson, type LessonStep, type Localized, type Prediction } from './lesson';

/**
 * Reads a lesson written as Markdown (lessons/AUTHORING.md describes the
 * format): front matter, then one `## Title {#id}` section per step, with the
 * text in the first language written plainly and each other language in a
 * `:::zh-CN Title` … `:::` block, the command in a ```cmd fence, checks in a
 * ```check fence, and an optional ```predict fence.
 */
export class LessonSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

interface Row {
  text: string;
  line: number;
}

/** Parses one lesson file; throws LessonSyntaxError with the line of the first problem. */
export function parseLesson(source: string): Lesson {
  const rows: Row[] = source.replace(/\r\n?/g, '\n').split('\n').map((text, i) => ({ text, line: i + 1 }));
  if (rows[0]?.text.trim() !== '---') throw new LessonSyntaxError('a lesson starts with front matter: a line "---"', 1);
  const end = rows.findIndex((r, i) => i > 0 && r.text.trim() === '---');
  if (end < 0) throw new LessonSyntaxError('the front matter has no closing "---"', 1);
  const meta = frontMatter(rows.slice(1, end));
  const languages = (meta.list('languages', ['en', 'zh-CN']) as string[]).map((l, i) => {
    if (!(LANGUAGES as readonly string[]).includes(l)) throw new LessonSyntaxError(`unknown language "${l}" (one of ${LANGUAGES.join(', ')})`, meta.lineOf('languages'));
    return { l: l as Language, i };
  }).map((x) => x.l);
  const simOnly = meta.has('sim-only') ? meta.localized('sim-only', languages) : undefined;
  const backends = meta.list('backends', simOnly ? ['sim'] : ['sim', 'real']).map((b) => {
    if (b !== 'sim' && b !== 'real') throw new LessonSyntaxError(`unknown backend "${b}" (sim or real)`, meta.lineOf('backends'));
    if (b === 'real' && simOnly) throw new LessonSyntaxError('a lesson with "sim-only:" (the reason it does not run on the real engine) cannot list the real backend', meta.lineOf('backends'));
    return b;
  });
  const lesson: Lesson = {
    id: meta.id('id'),
    title: meta.localized('title', languages),
    summary: meta.localized('summary', languages),
    languages,
    backends,
    setup: meta.list('setup', []),
    creates: meta.list('creates', []),
    steps: [],
  };
  if (simOnly) lesson.simOnly = simOnly;
  const body = rows.slice(end + 1);
  const starts = body.map((r, i) => (/^## /.test(r.text) ? i : -1)).filter((i) => i >= 0);
  const stray = body.slice(0, starts[0] ?? body.length).find((r) => /^#{3,} /.test(r.text) || /^(```|:::)/.test(r.text.trim()));
  if (stray) throw new LessonSyntaxError(`"${stray.text.trim()}" comes before the first step ("## Title {#id}")`, stray.line);
  starts.forEach((start, k) => lesson.steps.push(parseStep(body.slice(start, starts[k + 1] ?? body.length), languages)));
  if (lesson.steps.length === 0) throw new LessonSyntaxError('the lesson has no steps ("## Title {#id}" sections)', rows[end]!.line);
  const ids = new Set<string>();
  for (const s of lesson.steps) {
    if (ids.has(s.id)) throw new LessonSyntaxError(`two steps have the id "${s.id}"`, s.line);
    ids.add(s.id);
  }
  return lesson;
}

/** The YAML subset front matter uses: `key: value`, `key: [a, b]`, and a key with indented `lang: text` or `- item` lines. */
function frontMatter(rows: Row[]) {
  const values = new Map<string, { line: number; scalar?: string; list?: string[]; map?: Map<string, string> }>();
  let open: { line: number; list?: string[]; map?: Map<string, string> } | null = null;
  for (const r of rows) {
    if (r.text.trim() === '' || r.text.trim().startsWith('#')) continue;
    if (/^\s/.test(r.text)) {
      if (!open) throw new LessonSyntaxError(`indented line without a key above it: "${r.text.trim()}"`, r.line);
      const t = r.text.trim();
      if (t.startsWith('- ')) {
        if (open.map) throw new LessonSyntaxError('a key holds either "- item" lines or "lang: text" lines, not both', r.line);
        (open.list ??= []).push(unquote(t.slice(2).trim()));
      } else {
        const m = /^([\w-]+):\s*(.*)$/.exec(t);
        if (!m || open.list) throw new LessonSyntaxError(`expected "- item" or "lang: text", got "${t}"`, r.line);
        (open.map ??= new Map()).set(m[1]!, unquote(m[2]!));
      }
      continue;
    }
    const m = /^([\w-]+):\s*(.*)$/.exec(r.text);
    if (!m) throw new LessonSyntaxError(`expected "key: value" in the front matter, got "${r.text}"`, r.line);
    if (values.has(m[1]!)) throw new LessonSyntaxError(`"${m[1]}" is given twice`, r.line);
    const raw = m[2]!.trim();
    open = null;
    if (raw === '') values.set(m[1]!, (open = { line: r.line }));
    else if (raw.startsWith('[')) {
      if (!raw.endsWith(']')) throw new LessonSyntaxError(`"${m[1]}": a list in brackets ends with "]"`, r.line);
      values.set(m[1]!, { line: r.line, list: raw.slice(1, -1).split(',').map((x) => unquote(x.trim())).filter((x) => x !== '') });
    } else values.set(m[1]!, { line: r.line, scalar: unquote(raw) });
  }
  const known = ['id', 'title', 'summary', 'languages', 'backends', 'sim-only', 'setup', 'creates'];
  for (const [k, v] of values) if (!known.includes(k)) throw new LessonSyntaxError(`unknown front matter key "${k}" (known: ${known.join(', ')})`, v.line);
  const firstLine = rows[0]?.line ?? 2;
  return {
    lineOf: (key: string): number => values.get(key)?.line ?? firstLine,
    has: (key: string): boolean => values.has(key),
    id(key: string): string {
      const v = values.get(key);
      if (!v?.scalar) throw new LessonSyntaxError(`the front matter needs "${key}: …"`, v?.line ?? firstLine);
      if (!/^[a-z0-9][a-z0-9-]*$/.test(v.scalar)) throw new LessonSyntaxError(`"${key}" is lowercase letters, digits and dashes, got "${v.scalar}"`, v.line);
      return v.scalar;
    },
    list(key: string, dflt: string[]): string[] {
      const v = values.get(key);
      if (!v) return dflt;
      if (v.map) throw new LessonSyntaxError(`"${key}" is a list ("- item" lines or [a, b])`, v.line);
      return v.list ?? (v.scalar !== undefined ? [v.scalar] : []);
    },
    localized(key: string, languages: Language[]): Localized {
      const v = values.get(key);
      if (!v?.map) throw new LessonSyntaxError(`the front matter needs "${key}:" with one indented "lang: text" line per language`, v?.line ?? firstLine);
      const texts: Partial<Localized> = {};
      for (const [lang, text] of v.map) {
        if (!languages.includes(lang as Language)) throw new LessonSyntaxError(`"${key}" has text in "${lang}", which is not in languages (${languages.join(', ')})`, v.line);
        texts[lang as Language] = text;
      }
      return fill(texts, languages, key, v.line);
    },
  };
}

function unquote(s: string): string {
  return /^(["']).*\1$/.test(s) ? s.slice(1, -1) : s;
}

/** Every language the UI ships: the ones missing from the file read the first language's text. */
function fill(texts: Partial<Localized>, languages: Language[], what: string, line: number): Localized {
  for (const l of languages) if (!texts[l]?.trim()) throw new LessonSyntaxError(`${what} has no ${l} text`, line);
  const first = texts[languages[0]!]!;
  return Object.fromEntries(LANGUAGES.map((l) => [l, texts[l] ?? first])) as Localized;
}

/** What one language says in a step. */
interface Prose {
  title?: string;
  paragraphs: string[];
  hints: string[];
  question?: string;
  /** Why the step does not run on the real engine (`> sim-only: …`). */
  simOnly?: string;
  choices: { key: string; text: string }[];
  line: number;
}

function parseStep(rows: Row[], languages: Language[]): LessonStep {
  const head = rows[0]!;
  const hm = /^##\s+(.*?)\s*\{#([a-z0-9][a-z0-9-]*)\}\s*$/.exec(head.text);
  if (!hm || hm[1] === '') throw new LessonSyntaxError(`a step heading is "## Title {#id}" (id: lowercase letters, digits, dashes), got "${head.text}"`, head.line);
  const prose = new Map<Language, Prose>();
  const blank = (line: number, title?: string): Prose => ({ ...(title ? { title } : {}), paragraphs: [], hints: [], choices: [], line });
  prose.set(languages[0]!, blank(head.line, hm[1]!));
  let commands: string[] | null = null;
  let check: Check | null = null;
  let predict: { answer: string; confirm: Check; line: number } | null = null;
  let view: StepView | null = null;
  let lang: Language | null = null;
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) prose.get(lang ?? languages[0]!)!.paragraphs.push(para.join(' '));
    para = [];
  };
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i]!;
    const t = r.text.trim();
    const fence = /^```\s*([\w-]*)\s*$/.exec(t);
    if (fence) {
      flush();
      const close = rows.findIndex((x, j) => j > i && x.text.trim() === '```');
      if (close < 0) throw new LessonSyntaxError('this fence has no closing ```', r.line);
      const inner = rows.slice(i + 1, close);
      const text = inner.map((x) => x.text).join('\n');
      if (lang !== null) throw new LessonSyntaxError(`a \`\`\`${fence[1]} fence belongs to the step, not inside a :::${lang} block`, r.line);
      if (fence[1] === 'cmd') {
        if (commands) throw new LessonSyntaxError('a step has one ```cmd fence (put several lines in it)', r.line);
        commands = inner.map((x) => x.text.trim()).filter((x) => x !== '');
        if (commands.length === 0) throw new LessonSyntaxError('the ```cmd fence is empty', r.line);
      } else if (fence[1] === 'check') {
        if (check) throw new LessonSyntaxError('a step has one ```check fence', r.line);
        check = checks(text, r.line + 1);
      } else if (fence[1] === 'predict') {
        predict = predictBlock(inner, r.line);
      } else if (fence[1] === 'view') {
        if (view) throw new LessonSyntaxError('a step has one ```view fence', r.line);
        view = viewBlock(inner.map((x) => x.text), r.line + 1);
      } else throw new LessonSyntaxError(`unknown fence "${fence[1] || '(none)'}" (cmd, check, predict or view)`, r.line);
      i = close;
      continue;
    }
    const open = /^:::\s*([\w-]+)\s*(.*)$/.exec(t);
    if (open) {
      flush();
      if (lang !== null) throw new LessonSyntaxError(`:::${open[1]} opens inside :::${lang}; close it with ":::" first`, r.line);
      const l = open[1] as Language;
      if (!languages.includes(l)) throw new LessonSyntaxError(`:::${open[1]}: not one of the lesson's languages (${languages.join(', ')})`, r.line);
      const existing = prose.get(l);
      if (existing && (existing.paragraphs.length || existing.hints.length || l !== languages[0])) throw new LessonSyntaxError(`the step already has ${l} text`, r.line);
      prose.set(l, blank(r.line, open[2] || existing?.title));
      lang = l;
      continue;
    }
    if (t === ':::') {
      flush();
      if (lang === null) throw new LessonSyntaxError('":::" closes nothing', r.line);
      lang = null;
      continue;
    }
    if (/^#{1,6} /.test(t)) throw new LessonSyntaxError(`only "## Title {#id}" headings are allowed, got "${t}"`, r.line);
    const named = viewLine(t, r.line, view);
    if (named) {
      flush();
      view = named;
      continue;
    }
    const p = prose.get(lang ?? languages[0]!)!;
    const quote = /^>\s*(hint|predict|sim-only|([a-z])\))\s*:?\s*(.*)$/.exec(t);
    if (quote) {
      flush();
      if (quote[1] === 'hint') p.hints.push(quote[3]!);
      else if (quote[1] === 'predict') p.question = quote[3]!;
      else if (quote[1] === 'sim-only') p.simOnly = quote[3]!;
      else p.choices.push({ key: quote[2]!, text: quote[3]! });
      continue;
    }
    if (t === '') flush();
    else para.push(t);
  }
  flush();
  if (lang !== null) throw new LessonSyntaxError(`:::${lang} is not closed with ":::"`, rows[rows.length - 1]!.line);
  if (!commands) throw new LessonSyntaxError('the step has no ```cmd fence', head.line);
  if (!check) throw new LessonSyntaxError('the step has no ```check fence', head.line);
  for (const l of languages) {
    const p = prose.get(l);
    if (!p || !p.title) throw new LessonSyntaxError(`the step has no ${l} title (":::${l} Title")`, p?.line ?? head.line);
    if (p.paragraphs.length === 0) throw new LessonSyntaxError(`the step has no ${l} text`, p.line);
  }
  const texts = (f: (p: Prose) => string): Localized => fill(Object.fromEntries(languages.map((l) => [l, f(prose.get(l)!)])), languages, 'the step', head.line);
  const first = prose.get(languages[0]!)!;
  for (const l of languages) {
    const p = prose.get(l)!;
    if (p.hints.length !== first.hints.length) throw new LessonSyntaxError(`${l} has ${p.hints.length} hints, ${languages[0]} has ${first.hints.length}`, p.line);
  }
  const step: LessonStep = {
    id: hm[2]!,
    title: texts((p) => p.title!),
    body: texts((p) => p.paragraphs.join('\n\n')),
    commands,
    hints: first.hints.map((_, i) => texts((p) => p.hints[i]!)),
    check,
    line: head.line,
  };
  if (view) step.view = view;
  if (languages.some((l) => prose.get(l)!.simOnly !== undefined)) {
    const missing = languages.find((l) => !prose.get(l)!.simOnly?.trim());
    if (missing) throw new LessonSyntaxError(`the ${missing} text has no "> sim-only: reason" (every language says why)`, prose.get(missing)!.line);
    step.simOnly = texts((p) => p.simOnly!);
  }
  if (predict) step.predict = prediction(predict, prose, languages, head.line);
  else if (languages.some((l) => prose.get(l)!.question !== undefined)) throw new LessonSyntaxError('a "> predict:" question needs a ```predict fence (answer and confirm)', head.line);
  return step;
}

function checks(text: string, line: number): Check {
  try {
    return parseChecks(text, line);
  } catch (err) {
    if (err instanceof CheckSyntaxError) throw new LessonSyntaxError(err.message, err.line);
    throw err;
  }
}

function viewBlock(lines: string[], line: number): StepView {
  try {
    return parseView(lines, line);
  } catch (err) {
    if (err instanceof ViewSyntaxError) throw new LessonSyntaxError(err.reason, err.line);
    throw err;
  }
}

/** ```predict: `answer: b`, then `confirm:` and the check lines that prove it. */
function predictBlock(inner: Row[], fenceLine: number): { answer: string; confirm: Check; line: number } {
  const a = inner.find((r) => /^\s*answer:/.test(r.text));
  const c = inner.findIndex((r) => /^\s*confirm:/.test(r.text));
  if (!a) throw new LessonSyntaxError('the ```predict fence needs "answer: <letter>"', fenceLine);
  if (c < 0) throw new LessonSyntaxError('the ```predict fence needs "confirm:" and the checks that prove the answer', fenceLine);
  const answer = a.text.split(':')[1]!.trim();
  if (!/^[a-z]$/.test(answer)) throw new LessonSyntaxError(`the answer is one letter, got "${answer}"`, a.line);
  const rest = inner[c]!.text.replace(/^\s*confirm:/, '').trim();
  const lines = [rest, ...inner.slice(c + 1).map((r) => r.text)];
  return { answer, confirm: checks(lines.join('\n'), rest === '' ? inner[c]!.line + 1 : inner[c]!.line), line: fenceLine };
}

function prediction(p: { answer: string; confirm: Check; line: number }, prose: Map<Language, Prose>, languages: Language[], line: number): Prediction {
  const first = prose.get(languages[0]!)!;
  for (const l of languages) {
    const x = prose.get(l)!;
    if (x.question === undefined) throw new LessonSyntaxError(`the ${l} text has no "> predict: question"`, x.line);
    if (x.choices.map((c) => c.key).join() !== first.choices.map((c) => c.key).join()) throw new LessonSyntaxError(`the ${l} choices are not the same letters as the ${languages[0]} ones`, x.line);
  }
  if (first.choices.length < 2) throw new LessonSyntaxError('a prediction needs at least two choices ("> a) …")', first.line);
  if (!first.choices.some((c) => c.key === p.answer)) throw new LessonSyntaxError(`the answer "${p.answer}" is not one of the choices`, p.line);
  const texts = (f: (x: Prose) => string): Localized => fill(Object.fromEntries(languages.map((l) => [l, f(prose.get(l)!)])), languages, 'the prediction', line);
  return {
    question: texts((x) => x.question!),
    choices: first.choices.map((c, i) => ({ key: c.key, text: texts((x) => x.choices[i]!.text) })),
    answer: p.answer,
    confirm: p.confirm,
  };
}

/**
 * `> view: volumes`: the diagram a step is about, once per step, in any
 * language's text (it names a tab, not prose). Null when the line is not one.
 */
function viewLine(text: string, line: number, already: StepView | null): StepView | null {
  const m = /^>\s*view\s*:\s*(.*)$/i.exec(text);
  if (!m) return null;
  const name = m[1]!.trim().toLowerCase();
  if (!(VIEW_TABS as readonly string[]).includes(name)) throw new LessonSyntaxError(`unknown view "${m[1]!.trim()}" (one of ${VIEW_TABS.join(', ')})`, line);
  if (already !== null) throw new LessonSyntaxError(`the step already names its view ("${already.tab}"); a step has one`, line);
  return { tab: name as ViewTab };
}
