import { describe, expect, it } from 'vitest';
import { clampZoom, drawScale, fitScale, MAX_ZOOM, MIN_ZOOM, stepZoom } from './diagramZoom';

describe('diagram zoom', () => {
  it.each([
    [1, 1, 1.25],
    [1.25, 1, 1.563],
    [1, -1, 0.8],
    [0.8, 1, 1],
    [1.25, -1, 1],
    [MAX_ZOOM, 1, MAX_ZOOM],
    [MIN_ZOOM, -1, MIN_ZOOM],
  ] as const)('stepZoom(%s, %s) → %s', (zoom, dir, out) => expect(stepZoom(zoom, dir)).toBe(out));

  it('clamps to the bounds', () => {
    expect(clampZoom(100)).toBe(MAX_ZOOM);
    expect(clampZoom(0.01)).toBe(MIN_ZOOM);
  });

  it.each([
    // A wide panel and a tall diagram: the height is tighter unless the diagram scrolls down.
    [{ width: 600, height: 400 }, { width: 300, height: 400 }, false, 1],
    [{ width: 600, height: 400 }, { width: 300, height: 400 }, true, 2],
    [{ width: 600, height: 400 }, { width: 1200, height: 400 }, false, 0.5],
    [{ width: 600, height: 0 }, { width: 300, height: 400 }, false, 2],
    [{ width: 600, height: 400 }, { width: 0, height: 0 }, false, 1],
  ])('fitScale(%o, %o, byWidth %s) → %s', (box, view, byWidth, out) => expect(fitScale(box, view, byWidth)).toBe(out));

  it.each([
    [0.6, 1, 12, null, 0.6],
    [0.6, 2, 12, null, 1.2],
    // Presenter mode: 12-unit text at 0.6 would show at 7.2 px; raised to 14 px.
    [0.6, 1, 12, 14, 14 / 12],
    // Zooming in from there enlarges it; zooming out stops at the readable scale.
    [0.6, 1.25, 12, 14, (14 / 12) * 1.25],
    [0.6, 0.8, 12, 14, 14 / 12],
    [2, 1, 12, 14, 2],
    [2, 0.5, 12, 14, 14 / 12],
    [0.6, 1, null, 14, 0.6],
  ])('drawScale(fit %s, zoom %s, font %s, min %s) → %s', (fit, zoom, font, min, out) => expect(drawScale(fit, zoom, font, min)).toBeCloseTo(out, 6));
});
