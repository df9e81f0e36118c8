import { describe, expect, it } from 'vitest';
import { displayJsonMessages } from './jsonMessages';
import type { PullMessage } from '../../engine/imageService';

const layer = (id: string, status: string): PullMessage => ({ id, status, progress: true });

/** What a terminal shows after the bytes: \r returns to column 0, ESC[nA/B move rows, ESC[2K erases the row. */
function screen(bytes: string): string[] {
  const rows: string[] = [''];
  let row = 0;
  let col = 0;
  for (let i = 0; i < bytes.length; i++) {
    const esc = /^\x1b\[(\d*)([ABK])/.exec(bytes.slice(i));
    if (esc) {
      const n = Number(esc[1] || '1');
      if (esc[2] === 'A') row -= n;
      else if (esc[2] === 'B') row += n;
      else rows[row] = '';
      while (rows.length <= row) rows.push('');
      i += esc[0].length - 1;
      continue;
    }
    const c = bytes[i]!;
    if (c === '\r') col = 0;
    else if (c === '\n') {
      row++;
      col = 0;
      while (rows.length <= row) rows.push('');
    } else {
      const line = rows[row]!.padEnd(col);
      rows[row] = line.slice(0, col) + c + line.slice(col + 1);
      col++;
    }
  }
  return rows.map((r) => r.trimEnd());
}

describe('displayJsonMessages', () => {
  const pull: PullMessage[] = [
    { id: 'latest', status: 'Pulling from library/hello-world' },
    layer('aaaaaaaaaaaa', 'Pulling fs layer'),
    layer('bbbbbbbbbbbb', 'Already exists'),
    layer('aaaaaaaaaaaa', 'Verifying Checksum'),
    layer('aaaaaaaaaaaa', 'Download complete'),
    layer('aaaaaaaaaaaa', 'Pull complete'),
    { status: 'Digest: sha256:1234' },
    { status: 'Status: Downloaded newer image for hello-world:latest' },
  ];

  it('prints one line per message when not on a terminal', () => {
    expect(displayJsonMessages(pull, false)).toBe(
      'latest: Pulling from library/hello-world\naaaaaaaaaaaa: Pulling fs layer\nbbbbbbbbbbbb: Already exists\naaaaaaaaaaaa: Verifying Checksum\n' +
        'aaaaaaaaaaaa: Download complete\naaaaaaaaaaaa: Pull complete\nDigest: sha256:1234\nStatus: Downloaded newer image for hello-world:latest\n',
    );
  });

  it('on a terminal rewrites each layer’s line in place, as moby’s jsonmessage does', () => {
    const bytes = displayJsonMessages(pull, true);
    // The first layer update: a new line, up one, erase, the status with its (empty) progress bar, back down.
    expect(bytes.startsWith('latest: Pulling from library/hello-world\n\n\x1b[1A\x1b[2K\raaaaaaaaaaaa: Pulling fs layer \r\x1b[1B')).toBe(true);
    // A later update of the first of two layers goes up two rows.
    expect(bytes).toContain('\x1b[2A\x1b[2K\raaaaaaaaaaaa: Verifying Checksum \r\x1b[2B');
    expect(screen(bytes)).toEqual([
      'latest: Pulling from library/hello-world',
      'aaaaaaaaaaaa: Pull complete',
      'bbbbbbbbbbbb: Already exists',
      'Digest: sha256:1234',
      'Status: Downloaded newer image for hello-world:latest',
      '',
    ]);
  });
});
