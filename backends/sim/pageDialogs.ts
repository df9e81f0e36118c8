import type { TerminalIO } from '../../core/backend';
import type { TerminalInput } from '../../core/process';

/** The page's answer to a dialog, as the journal keeps it: the editor pane's text (null: quit) or the Hub sign-in's username (null: closed). */
export type DialogAnswer = { t: number; edit: string | null } | { t: number; signIn: string | null };

export function isDialogAnswer(e: object): e is DialogAnswer {
  return 'edit' in e || 'signIn' in e;
}

/**
 * The page's dialogs a running line waits on (`vi FILE`'s editor pane,
 * `docker login`'s Hub sign-in). Each answer is journaled with its virtual
 * time, so a replay gives the program the same answer at the same moment
 * (SimHost.runToCompletion hands it over from the journal).
 */
export class PageDialogs {
  private pending: ((text: string | null) => void) | null = null;
  /** The caller's own dialog while it is open: a script's editor, which a scripted run waits for with time standing still. */
  opened: Promise<void> | null = null;

  constructor(
    private readonly record: (answer: DialogAnswer) => void,
    private readonly now: () => number,
  ) {}

  /** The terminal's dialogs for a line whose caller is `io` (none where the caller has none). */
  terminal(io: TerminalIO): Pick<TerminalInput, 'edit' | 'signIn'> {
    this.clear();
    const edit = io.edit?.bind(io);
    const signIn = io.signIn?.bind(io);
    return {
      ...(edit ? { edit: (request) => this.open('edit', edit(request)) } : {}),
      ...(signIn ? { signIn: (request) => this.open('signIn', signIn(request)) } : {}),
    };
  }

  /** Whether a dialog waits for its answer. */
  get waiting(): boolean {
    return this.pending !== null;
  }

  /** Answers the open dialog from the journal. */
  answer(e: DialogAnswer): void {
    this.pending?.('edit' in e ? e.edit : e.signIn);
  }

  clear(): void {
    this.pending = null;
    this.opened = null;
  }

  private open(dialog: 'edit' | 'signIn', answered: Promise<string | null>): Promise<string | null> {
    return new Promise((resolve) => {
      const answer = (text: string | null): void => {
        if (this.pending !== answer) return;
        this.clear();
        this.record(dialog === 'edit' ? { t: this.now(), edit: text } : { t: this.now(), signIn: text });
        resolve(text);
      };
      this.pending = answer;
      // A dialog that fails is one closed without an answer.
      this.opened = answered.then(answer, () => answer(null));
    });
  }
}

/** The caller's io for a replayed line: the dialogs the journal answers are open, but only the journal answers them. */
export function replayDialogs(io: TerminalIO, planned: readonly object[] | undefined): TerminalIO {
  if (!planned?.some(isDialogAnswer)) return io;
  const never = (): Promise<string | null> => new Promise<string | null>(() => {});
  return { ...io, ...(planned.some((e) => 'edit' in e) ? { edit: never } : {}), ...(planned.some((e) => 'signIn' in e) ? { signIn: never } : {}) };
}
