import { describe, expect, it } from 'vitest';
import { buildArgs } from './buildContext';

describe('buildArgs: where docker build’s context and -f value sit', () => {
  it.each<[string, ReturnType<typeof buildArgs>]>([
    ['docker build .', { context: 2 }],
    ['docker build -t hello:v1 .', { context: 4 }],
    ['docker image build --tag=x -q ctx', { context: 5 }],
    ['docker build -f sub/Dockerfile --no-cache -t x .', { context: 7, file: 3 }],
    ['docker build --file Dockerfile.dev --build-arg A=1 dir', { context: 6, file: 3 }],
    ['docker build -', { context: 2 }],
    ['docker build', null],
    ['docker build a b', null],
    ['docker run busybox', null],
    ['docker builder build -- .', { context: 4 }],
  ])('%s', (line, expected) => {
    expect(buildArgs(line.split(' '))).toEqual(expected);
  });
});
