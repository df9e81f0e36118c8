/**
 * The diagram panel's zoom, as plain arithmetic: a diagram is drawn at the
 * scale that fits the panel times the user's zoom, and never below the scale
 * that keeps its smallest label at `minLabelPx` on screen (presenter mode).
 * The panel scrolls when that is larger than the panel.
 */

export const MIN_ZOOM = 0.5;
export const MAX_ZOOM = 4;
/** One press of + or −. */
export const ZOOM_STEP = 1.25;

export function clampZoom(zoom: number): number {
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoom));
}

/** The next zoom in (`direction` 1) or out (−1), snapping to 1 when it passes it, so "fit" is always reachable. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const next = clampZoom(direction > 0 ? zoom * ZOOM_STEP : zoom / ZOOM_STEP);
  if ((zoom < 1 && next > 1) || (zoom > 1 && next < 1)) return 1;
  return Math.round(next * 1000) / 1000;
}

/**
 * The scale that fits a `view` (the SVG's viewBox) into a `box` (the panel):
 * by width only for the diagrams that scroll down (`byWidth`), otherwise by
 * whichever side is tighter, as `preserveAspectRatio="… meet"` does.
 */
export function fitScale(box: { width: number; height: number }, view: { width: number; height: number }, byWidth: boolean): number {
  if (view.width <= 0 || view.height <= 0 || box.width <= 0) return 1;
  const w = box.width / view.width;
  return byWidth || box.height <= 0 ? w : Math.min(w, box.height / view.height);
}

/**
 * The scale to draw at. Without a label minimum: fit × zoom. With one
 * (presenter mode), the base is the larger of fit and the scale that shows
 * text of `smallestFont` (user units) at `minLabelPx`; zoom multiplies that
 * base, and zooming out stops at the readable scale.
 */
export function drawScale(fit: number, zoom: number, smallestFont: number | null, minLabelPx: number | null): number {
  if (minLabelPx === null || smallestFont === null || smallestFont <= 0) return fit * zoom;
  const readable = minLabelPx / smallestFont;
  return Math.max(Math.max(fit, readable) * zoom, readable);
}
