import { describe, expect, it } from 'vitest';
import { type RecordedTimeline, type Timeline, canRewind } from './backend';

const recorded: RecordedTimeline = { lines: async () => [], at: async () => null, layerEntriesAt: async () => ({}) };
const rewinding: Timeline = { ...recorded, fork: async () => {}, branches: async () => [], switchBranch: async () => {} };

describe('canRewind: whether the page offers "continue from here"', () => {
  it.each<[string, RecordedTimeline | Timeline | undefined, boolean]>([
    ['no timeline', undefined, false],
    ["the agent's recorded timeline (read-only)", recorded, false],
    ["the simulator's timeline", rewinding, true],
  ])('%s → %s', (_what, timeline, can) => {
    expect(canRewind(timeline)).toBe(can);
  });
});
