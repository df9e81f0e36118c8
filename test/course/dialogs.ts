import type { EditRequest, SignInRequest } from '../../core/backend';

/**
 * What the course replay does in the page's dialogs, as a student following
 * the notes would: in the editor, save the file the notes show right after
 * the editor's line (a daemon.json block), or quit without saving where the
 * notes show no whole file; in the simulated Docker Hub sign-in, sign in.
 */

/** The username the replay signs in to the simulated Docker Hub as. */
export const COURSE_HUB_USER = 'course-student';

export interface ScriptedEdit {
  /** The text saved, or null for quit without saving. */
  text: string | null;
  /** How the report words it. */
  how: string;
}

/**
 * The text to save for the editor line at `line` (1-based) of the notes: the
 * JSON object that follows it in the same code block, without the lines the
 * notes comment out with `#` (JSON has no comments: dockerd would refuse the
 * file, where the notes mean them as remarks). Otherwise quit without saving.
 */
export function scriptedEdit(notes: readonly string[], line: number): ScriptedEdit {
  const quit: ScriptedEdit = { text: null, how: 'quit the editor without saving (the notes show no whole file to save)' };
  const body: string[] = [];
  let depth = 0;
  for (let i = line; i < notes.length; i++) {
    const l = notes[i]!;
    if (/^\s*```/.test(l)) break;
    if (body.length === 0 && l.trim() !== '{') return quit;
    body.push(l);
    depth += (l.match(/\{/g) ?? []).length - (l.match(/\}/g) ?? []).length;
    if (depth === 0) break;
  }
  if (body.length === 0 || depth !== 0) return quit;
  const kept = body.filter((l) => !l.trim().startsWith('#'));
  const text = kept.join('\n') + '\n';
  try {
    JSON.parse(text);
  } catch {
    return quit;
  }
  const dropped = body.length - kept.length;
  return { text, how: `saved in the editor: the JSON the notes show after it${dropped > 0 ? ` (without the ${dropped} line${dropped > 1 ? 's' : ''} they comment out with #, which dockerd would refuse)` : ''}` };
}

/** The page's dialogs for one line of the replay, and what was done in them. */
export function courseDialogs(notes: readonly string[], line: number): { edit: (r: EditRequest) => Promise<string | null>; signIn: (r: SignInRequest) => Promise<string | null>; done: string[] } {
  const done: string[] = [];
  return {
    done,
    edit: (r) => {
      const e = scriptedEdit(notes, line);
      done.push(`${e.how}${r.error !== undefined ? ` after the error “${r.error}”` : ''}`);
      // A save that failed is not tried twice.
      return Promise.resolve(r.error !== undefined ? null : e.text);
    },
    signIn: (r) => {
      done.push(`signed in to the simulated Docker Hub as ${COURSE_HUB_USER} (code ${r.code}) when the client opened it`);
      return Promise.resolve(COURSE_HUB_USER);
    },
  };
}
