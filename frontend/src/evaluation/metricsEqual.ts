// The server's metric comparison uses the same tolerances, so the web app and the API agree on ties.
const RELATIVE_TOLERANCE = 1e-9;
const ABSOLUTE_TOLERANCE = 1e-12;

/** Returns whether two values of one metric are equal within a small tolerance, so neither counts as better. */
export function metricsEqual(a: number, b: number): boolean {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= Math.max(RELATIVE_TOLERANCE * scale, ABSOLUTE_TOLERANCE);
}
