/**
 * docker's `--format`: the Go text/template engine (core/cli/gotemplate.ts)
 * plus docker/cli's conventions around it (`table` prefix, `\t` and `\n`
 * escapes, the `json` output shortcut).
 *
 * Until the shared Go template engine lands, `execute` below understands the
 * subset lessons use: `{{.Field}}`, `{{.A.B}}`, `{{json .X}}` and `{{json .}}`.
 */

export class TemplateError extends Error {
  override name = 'TemplateError';
  constructor(
    message: string,
    readonly phase: 'parse' | 'execute',
  ) {
    super(message);
  }
}

/** Go's encoding/json output for a value: HTML-escaped like the Engine API's encoder. */
export function goJson(value: unknown, indent?: string): string {
  const text = indent === undefined ? JSON.stringify(value) : JSON.stringify(value, null, indent);
  return (text ?? 'null').replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Executes `template` against `data`; `typeName` names the data in Go's "can't evaluate field" error. */
export function execute(template: string, data: unknown, typeName: string): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    const close = template.indexOf('}}', open);
    if (close < 0) throw new TemplateError('template: :1: unclosed action', 'parse');
    const action = template.slice(open + 2, close).trim();
    const col = open + 2;
    let m: RegExpExecArray | null;
    if ((m = /^json\s+(\.[A-Za-z0-9_.]*)$/.exec(action))) out += goJson(resolve(data, m[1]!, typeName, col));
    else if ((m = /^(\.[A-Za-z0-9_.]*)$/.exec(action))) out += display(resolve(data, m[1]!, typeName, col));
    else throw new TemplateError(`template: :1: function "${action.split(/\s+/)[0]}" not defined`, 'parse');
    i = close + 2;
  }
  return out;
}

function resolve(data: unknown, path: string, typeName: string, col: number): unknown {
  let v: unknown = data;
  if (path === '.') return v;
  for (const key of path.slice(1).split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    const obj = v as Record<string, unknown>;
    if (!(key in obj)) {
      if (typeName === 'map') throw new TemplateError(`template: :1:${col}: executing "" at <${path}>: map has no entry for key "${key}"`, 'execute');
      throw new TemplateError(`template: :1:${col}: executing "" at <${path}>: can't evaluate field ${key} in type ${typeName}`, 'execute');
    }
    v = obj[key];
    if (typeof v === 'function') v = (v as () => unknown)();
  }
  return v;
}

/** How text/template prints a value with no function applied. */
function display(v: unknown): string {
  if (v === null || v === undefined) return '<no value>';
  if (Array.isArray(v)) return `[${v.map(display).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${display(x)}`).join(' ')}]`;
  }
  return String(v);
}

/** docker/cli's preFormat: trims, drops a leading `table`, turns the `\t` and `\n` escapes into characters. */
export function preFormat(format: string): { table: boolean; template: string } {
  let f = format.trim();
  let table = false;
  if (f.startsWith('table')) {
    table = true;
    f = f.slice('table'.length).trimStart();
  }
  return { table, template: f.replace(/\\t/g, '\t').replace(/\\n/g, '\n') };
}
