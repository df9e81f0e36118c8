import { describe, expect, it } from 'vitest';
import { madeByLine } from './session';

describe('madeByLine: which containers created during a line a lesson reset may remove', () => {
  it.each<[string, string, boolean]>([
    ['docker run -d --name web-ab12 busybox sleep 600', 'web-ab12', true],
    ['docker run hello-world', 'eager_turing', true],
    ['docker container create busybox', 'happy_hopper2', true],
    ['docker run -d busybox sleep 1 && docker ps', 'quirky_lamport', true],
    // Someone else's container, created in the same moment: a name of its own, not in this line.
    ['docker run -d --name web-ab12 busybox sleep 600', 'gbconf-1a2b-ex', false],
    ['docker run hello-world', 'gbconf-1a2b-ex', false],
    // A generated name while this line named its own container: someone else's.
    ['docker run -d --name web-ab12 busybox', 'eager_turing', false],
    ['docker ps -a', 'eager_turing', false],
    ['docker rm -f web-ab12', 'web', false],
  ])('%s → %s: %s', (line, name, mine) => {
    expect(madeByLine(line, name)).toBe(mine);
  });
});
