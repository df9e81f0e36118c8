import type { PullMessage } from '../../engine/imageService';

/**
 * The client's rendering of a daemon's progress stream (moby's
 * jsonmessage.DisplayJSONMessagesStream), for `docker pull`, the pull before
 * `docker run`/`create` and a build's FROM.
 *
 * Not on a terminal, each message is a line: "<id>: <status>". On a terminal,
 * each layer keeps one line that every update of it rewrites in place (cursor
 * up to it, erase the line, the new status, cursor back down), so the screen
 * ends with one line per layer, as in "0e03bdcc26d7: Pull complete". The
 * progress bars of Downloading and Extracting are not in the stream the
 * simulator makes; they would be overwritten by the final status anyway.
 */
export function displayJsonMessages(messages: readonly PullMessage[], isTerminal: boolean): string {
  let out = '';
  // Each layer's line, counted from the first after the last message without one.
  let lines = new Map<string, number>();
  for (const m of messages) {
    let diff = 0;
    if (m.id !== undefined && m.progress) {
      let line = lines.get(m.id);
      if (line === undefined) {
        line = lines.size;
        lines.set(m.id, line);
        if (isTerminal) out += '\n';
      }
      diff = lines.size - line;
      if (isTerminal) out += cursorUp(diff);
    } else {
      lines = new Map();
    }
    out += display(m, isTerminal);
    if (m.id !== undefined && isTerminal) out += cursorDown(diff);
  }
  return out;
}

/** JSONMessage.Display for a status message: on a terminal a progress update erases its line and ends with "\r". */
function display(m: PullMessage, isTerminal: boolean): string {
  const redraw = isTerminal && m.progress === true;
  const prefix = m.id !== undefined ? `${m.id}: ` : '';
  // "%s %s%s": the status, a space, the (empty) progress bar and the carriage return.
  if (redraw) return `\x1b[2K\r${prefix}${m.status} \r`;
  return `${prefix}${m.status}\n`;
}

/** aec.Up / aec.Down: nothing for zero lines. */
function cursorUp(n: number): string {
  return n === 0 ? '' : `\x1b[${n}A`;
}

function cursorDown(n: number): string {
  return n === 0 ? '' : `\x1b[${n}B`;
}
