/**
 * Redirections as the shells apply them, in order: files opened for
 * writing or reading, here-documents and here-strings, `n>&m` duplication,
 * /dev/null, /dev/stdout and /dev/stderr; the failures worded per shell
 * (bash `f: No such file or directory`, ash `can't create f: nonexistent
 * directory`, dash `cannot create f: Directory nonexistent`).
 */
import { resolvePath } from './filesystem';
import { NULL_SINK, TextInput, type Sink } from './io';
import type { Redirect } from './syntax';
import type { Task } from './task';
import type { Interpreter } from './interp';
import { errText } from './interp';
import { ExpansionError, type Ctx, type Fds } from './shellTypes';

export function* applyRedirects(sh: Interpreter, redirects: Redirect[], ctx: Ctx): Task<Fds | number> {
  if (redirects.length === 0) return ctx.fds;
  const fds: Fds = { ...ctx.fds };
  const bash = sh.voice.personality === 'bash';
  const dash = sh.voice.personality === 'dash';
  const fail = (msg: string): number => {
    ctx.fds.err.write(sh.message(msg));
    return dash ? 2 : 1;
  };
  for (const r of redirects) {
    let target: string;
    try {
      if (r.op === '<<<' || r.op === '<<') target = yield* sh.expand.noSplit(r.target, ctx, () => {});
      else {
        const words = yield* sh.expand.word(r.target, ctx, () => {});
        if (words.length !== 1 && bash) return fail(`${r.target.raw}: ambiguous redirect`);
        target = words.join(' ');
      }
    } catch (e) {
      if (e instanceof ExpansionError) return sh.expansionFailed(e);
      throw e;
    }
    if (r.op === '<<<' || r.op === '<<') {
      if (r.fd === 0) {
        fds.stdin = new TextInput(r.op === '<<' ? target : target + '\n');
        fds.stdinIsTTY = false;
      }
      continue;
    }
    if (r.op === '<' || r.op === '<>') {
      const abs = resolvePath(target, ctx.state.cwd);
      if (r.op === '<>' && !sh.fs.exists(abs)) sh.fs.touch(abs);
      const data = sh.fs.tryRead(abs);
      if ('error' in data) {
        if (bash) return fail(`${target}: ${errText(data.error)}`);
        const why = data.error === 'ENOENT' ? (dash ? 'No such file' : 'no such file') : errText(data.error).toLowerCase();
        return fail(`${dash ? 'cannot' : "can't"} open ${target}: ${why}`);
      }
      if (r.fd === 0) {
        fds.stdin = new TextInput(data.data);
        fds.stdinIsTTY = target === '/dev/tty' ? ctx.fds.stdinIsTTY : false;
      }
      continue;
    }
    if (r.op === '<&') continue;
    if (r.op === '>&' && (/^\d+$/.test(target) || target === '-')) {
      if (target === '-') {
        if (r.fd === 1) fds.out = NULL_SINK;
        if (r.fd === 2) {
          fds.err = NULL_SINK;
          fds.errIsTTY = false;
        }
        continue;
      }
      const src = Number(target);
      if (src !== 1 && src !== 2) return fail(bash ? `${target}: Bad file descriptor` : `${target}: bad file descriptor`);
      const sink = src === 1 ? fds.out : fds.err;
      const tty = src === 1 ? fds.outIsTTY : fds.errIsTTY;
      if (r.fd === 1) {
        fds.out = sink;
        fds.outIsTTY = tty;
      } else if (r.fd === 2) {
        fds.err = sink;
        fds.errIsTTY = tty;
      }
      continue;
    }
    // Output to a file: >, >>, >|, &>, &>>, and `>&file` (same as &>).
    const both = r.op === '&>' || r.op === '&>>' || (r.op === '>&' && r.fd === 1);
    const append = r.op === '>>' || r.op === '&>>';
    const sink = openSink(sh, target, append, fds, ctx);
    if (typeof sink === 'string') {
      if (bash) return fail(`${target}: ${errText(sink)}`);
      const why = sink === 'ENOENT' ? (dash ? 'Directory nonexistent' : 'nonexistent directory') : errText(sink);
      return fail(`${dash ? 'cannot' : "can't"} create ${target}: ${why}`);
    }
    if (both || r.fd === 1) {
      fds.out = sink.sink;
      fds.outIsTTY = sink.tty;
    }
    if (both || r.fd === 2) {
      fds.err = sink.sink;
      fds.errIsTTY = sink.tty;
    }
  }
  return fds;
}

function openSink(sh: Interpreter, target: string, append: boolean, fds: Fds, ctx: Ctx): { sink: Sink; tty: boolean } | string {
  if (target === '') return 'ENOENT';
  const abs = resolvePath(target, ctx.state.cwd);
  if (abs === '/dev/null') return { sink: NULL_SINK, tty: false };
  if (abs === '/dev/stdout') return { sink: fds.out, tty: fds.outIsTTY };
  if (abs === '/dev/stderr') return { sink: fds.err, tty: fds.errIsTTY };
  if (abs === '/dev/tty') return { sink: fds.out, tty: true };
  const writer = sh.fs.openWrite(abs, append);
  if (typeof writer === 'string') return writer;
  const sink: Sink = {
    write: (text) => {
      const e = writer.write(text);
      if (typeof e === 'string') sink.refused = e;
    },
  };
  return { sink, tty: false };
}
