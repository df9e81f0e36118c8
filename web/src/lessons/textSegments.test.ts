import { describe, expect, it } from 'vitest';
import { textSegments } from './textSegments';

describe('textSegments', () => {
  it.each([
    ['plain text', 'no code here', [{ text: 'no code here', code: false }]],
    ['one span', 'run `sleep 300` now', [{ text: 'run ', code: false }, { text: 'sleep 300', code: true }, { text: ' now', code: false }]],
    ['span at both ends', '`a` and `b`', [{ text: 'a', code: true }, { text: ' and ', code: false }, { text: 'b', code: true }]],
    ['an unpaired backtick stays literal', 'a ` b', [{ text: 'a ` b', code: false }]],
    ['a pair then a stray', '`x` y ` z', [{ text: 'x', code: true }, { text: ' y ` z', code: false }]],
    ['an empty pair is text', 'a `` b', [{ text: 'a `` b', code: false }]],
    ['markup is just text', '<b>`<i>x</i>`</b>', [{ text: '<b>', code: false }, { text: '<i>x</i>', code: true }, { text: '</b>', code: false }]],
    ['Chinese prose', '`docker pause` 冻结容器', [{ text: 'docker pause', code: true }, { text: ' 冻结容器', code: false }]],
    ['empty', '', []],
  ])('%s', (_what, text, expected) => {
    expect(textSegments(text)).toEqual(expected);
  });
});
