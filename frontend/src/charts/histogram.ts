/** Bin edges and counts of a histogram; `edges` has one more entry than `counts`. */
export interface Bins {
  edges: number[];
  counts: number[];
}

/**
 * Returns the points of a histogram's outline for a line series with `step: "end"`: each bin's
 * left edge with its count, and the last edge again, so the last bin gets its width.
 */
export function stepPoints(bins: Bins): [number, number][] {
  const value = singleValue(bins);
  if (value !== null) {
    // All values are equal, so the one bin has no width and its outline would draw nothing. It is drawn
    // as a narrow bar at the value, a twentieth as wide as the axis range singleValueAxis gives it.
    const { min, max } = singleValueAxis(value);
    const halfWidth = (max - min) / 40;
    const total = bins.counts.reduce((sum, count) => sum + count, 0);
    return [
      [value - halfWidth, total],
      [value + halfWidth, total],
    ];
  }
  const points: [number, number][] = bins.counts.map((count, index) => [bins.edges[index] ?? 0, count]);
  const last = bins.edges[bins.edges.length - 1];
  const lastCount = bins.counts[bins.counts.length - 1];
  if (last !== undefined && lastCount !== undefined) {
    points.push([last, lastCount]);
  }
  return points;
}

/** Returns the value of a histogram whose values are all equal, or null when it has none or several. */
export function singleValue(bins: Bins): number | null {
  const low = bins.edges[0];
  const high = bins.edges[bins.edges.length - 1];
  const total = bins.counts.reduce((sum, count) => sum + count, 0);
  return low !== undefined && low === high && total > 0 ? low : null;
}

/**
 * Returns an x axis for a one-value histogram: 10 % of the value to each side, or 0.5 for a value of 0.
 * Its ticks are 10 % apart, so the middle tick names the value itself (398 between 358 and 438).
 */
export function singleValueAxis(value: number): { min: number; max: number; interval: number } {
  const halfRange = Math.abs(value) * 0.1 || 0.5;
  return { min: value - halfRange, max: value + halfRange, interval: halfRange };
}

/** Returns equal-width edges from low to high for `count` bins, as the residual histogram stores only its range. */
export function equalEdges(low: number, high: number, count: number): number[] {
  const width = count > 0 ? (high - low) / count : 0;
  return Array.from({ length: count + 1 }, (_, index) => low + index * width);
}

/** Returns a colour from light to dark blue for position `index` of `total`, as TensorBoard shades older steps lighter. */
export function shade(index: number, total: number): string {
  const fraction = total <= 1 ? 1 : index / (total - 1);
  const lightness = Math.round(80 - fraction * 45);
  return `hsl(212, 70%, ${lightness}%)`;
}
