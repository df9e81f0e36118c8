import { z } from 'zod';
import { MAX_FAILING_LENGTH, MAX_NAME_LENGTH } from './joinCode';

/**
 * The classroom's wire protocol: JSON text frames over two WebSockets served by
 * `glassbox classroom`. Pure (zod only), so the page and the server share it.
 * Each student's simulator runs in their own browser; only progress crosses.
 *
 * Student socket: `STUDENT_PATH?code=<join code>` (a wrong code is refused on the upgrade).
 *   student → server  {type:'hello', key, name}    first frame: who this is. `key` is a random
 *                                                   secret the browser keeps, so a reload is the
 *                                                   same student; it is never shown to anyone
 *                     {type:'progress', lesson, step, stepIndex, passed, failing, at}
 *                                                   the student's own progress, nothing else
 *   server → student  {type:'welcome', name}        the hello was accepted
 *                     {type:'goto', lesson, stepIndex}  the teacher moved everyone there
 *                     {type:'error', message}       a refused frame
 *
 * Teacher socket: `TEACHER_PATH`, the teacher token as the subprotocol
 * `glassbox.token.<hex>` (beside CLASSROOM_SUBPROTOCOL), never in the URL.
 *   server → teacher  {type:'roster', code, students}  on connect: every student of this class
 *                     {type:'student', student}        one student's row changed
 *   teacher → server  {type:'goto', lesson, stepIndex}  move every connected student there
 *
 * Students never receive another student's progress.
 */

// The names and join-code rules the page needs before (and without) a class live apart from the schemas,
// so the page's first load carries no zod; they are re-exported here for the server.
export {
  CLASSROOM_SUBPROTOCOL,
  EXPORT_PATH,
  isJoinCode,
  JOIN_ALPHABET,
  JOIN_CODE_LENGTH,
  makeJoinCode,
  MAX_FAILING_LENGTH,
  MAX_FRAME_BYTES,
  MAX_NAME_LENGTH,
  normalizeJoinCode,
  STUDENT_PATH,
  TEACHER_PATH,
} from './joinCode';

// Control and bidirectional-override characters would let a name hide or reorder text on the teacher's page.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;

const displayName = z
  .string()
  .transform((s) => s.trim().replace(/\s+/g, ' '))
  .pipe(z.string().min(1).max(MAX_NAME_LENGTH).refine((s) => !UNPRINTABLE.test(s), 'unprintable characters'));

/** Lesson and step ids: the lessons' own (lowercase words with dashes), bounded. */
const id = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/);

const progressFields = {
  lesson: id,
  step: id,
  stepIndex: z.number().int().min(0).max(999),
  passed: z.boolean(),
  /** The last failing check's why-not sentence, when a check said why. */
  failing: z.string().max(MAX_FAILING_LENGTH).nullable(),
  /** The student's clock (ms since the epoch) when it happened. */
  at: z.number().finite().nonnegative(),
};

export const studentMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hello'), key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/), name: displayName }),
  z.strictObject({ type: z.literal('progress'), ...progressFields }),
]);
export type StudentMessage = z.infer<typeof studentMessage>;
export type ProgressMessage = Extract<StudentMessage, { type: 'progress' }>;

export const gotoMessage = z.strictObject({ type: z.literal('goto'), lesson: id, stepIndex: z.number().int().min(0).max(999) });
export type GotoMessage = z.infer<typeof gotoMessage>;

export const teacherMessage = gotoMessage;
export type TeacherMessage = GotoMessage;

/** One student as the teacher sees them: their latest progress, if any. */
export const studentRow = z.strictObject({
  /** The server's id for the student (not their key). */
  id: z.string(),
  name: z.string(),
  online: z.boolean(),
  /** Server time (ms) of the latest progress or join. */
  seen: z.number(),
  progress: z.strictObject({ ...progressFields }).nullable(),
});
export type StudentRow = z.infer<typeof studentRow>;

export const toTeacher = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('roster'), code: z.string(), students: z.array(studentRow) }),
  z.strictObject({ type: z.literal('student'), student: studentRow }),
  z.strictObject({ type: z.literal('error'), message: z.string() }),
]);
export type ToTeacher = z.infer<typeof toTeacher>;

export const toStudent = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('welcome'), name: z.string() }),
  gotoMessage,
  z.strictObject({ type: z.literal('error'), message: z.string() }),
]);
export type ToStudent = z.infer<typeof toStudent>;

/** Parses one frame of text with `schema`; a string says why it was refused. */
export function parseFrame<T>(schema: z.ZodType<T>, text: string): T | { refused: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { refused: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return { refused: issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid message' };
}
