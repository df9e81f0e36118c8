import { describe, expect, it } from 'vitest';
import { chipMetrics, chipText, chipWidth, packChips } from './chips';

describe('packChips', () => {
  it('puts chips left to right in one row when they fit', () => {
    const p = packChips(['web', 'db'], 146, 1, 9, 32);
    expect(p.hidden).toBe(0);
    expect(p.chips.map((c) => [c.text, c.x, c.y])).toEqual([
      ['web', 9, 32],
      ['db', 9 + chipWidth('web') + chipMetrics.gap, 32],
    ]);
  });

  it('keeps what does not fit for a "+N more" note, leaving room for it', () => {
    const names = ['alpha1', 'beta22', 'gamma3', 'delta4'];
    const p = packChips(names, 146, 1, 0, 0);
    expect(p.hidden).toBe(names.length - p.chips.length);
    expect(p.hidden).toBeGreaterThan(0);
    const end = Math.max(...p.chips.map((c) => c.x + c.width));
    expect(end).toBeLessThanOrEqual(146 - chipMetrics.moreWidth);
    expect(p.moreX).toBeGreaterThanOrEqual(end);
  });

  it('shows at least one (shortened) chip beside the note when names are long', () => {
    const p = packChips(['gbtest-12345', 'gbtest-67890', 'gbtest-00000'], 134, 1, 0, 0);
    expect(p.chips).toHaveLength(1);
    expect(p.chips[0]!.text).toBe('gbtes…');
    expect(p.chips[0]!.width).toBeLessThanOrEqual(134 - chipMetrics.moreWidth);
    expect(p.hidden).toBe(2);
  });

  it('wraps into further rows when it has them', () => {
    const p = packChips(['alpha1', 'beta22', 'gamma3'], 146, 2, 0, 0);
    expect(p.hidden).toBe(0);
    expect(new Set(p.chips.map((c) => c.y)).size).toBe(2);
  });

  it('shortens long names, never wider than the box', () => {
    expect(chipText('quirky_shannon')).toBe('quirky_sh…');
    const p = packChips(['quirky_shannon'], 60, 1, 0, 0);
    expect(p.chips[0]!.width).toBeLessThanOrEqual(60);
  });

  it('packs nothing for no containers', () => {
    expect(packChips([], 146, 1, 0, 0)).toEqual({ chips: [], hidden: 0, moreX: 0, moreY: 0 });
  });
});
