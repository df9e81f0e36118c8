/**
 * docker's `--format`: the Go text/template engine (core/cli/gotemplate.ts)
 * plus docker/cli's conventions around it (`table` prefix, the `\t` and `\n`
 * escapes, header rows rendered with the header functions).
 */
import { HEADER_FUNCS, Template, TemplateError } from '../gotemplate';

export { TemplateError };

/** Go's encoding/json output as the docker client writes it (SetEscapeHTML(false): `<`, `>` and `&` stay as they are). */
export function goJson(value: unknown, indent?: string): string {
  const text = indent === undefined ? JSON.stringify(value) : JSON.stringify(value, null, indent);
  return (text ?? 'null').replace(/[\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** A parsed `--format` template. Throws TemplateError (phase 'parse') with Go's message. */
export function parseFormat(template: string): Template {
  return Template.parse(template);
}

/** Executes a row; `missingKeyError` is docker inspect's missingkey=error. */
export function executeRow(t: Template, data: unknown, opts: { missingKeyError?: boolean } = {}): string {
  return t.execute(data, opts.missingKeyError ? { missingKey: 'error' } : {});
}

/** Executes the header row of a table format over the header names. */
export function executeHeader(t: Template, headers: Record<string, string>): string {
  return t.execute(headers, { funcs: HEADER_FUNCS });
}
