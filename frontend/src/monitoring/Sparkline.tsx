const WIDTH = 120;
const HEIGHT = 28;

/**
 * Draws a small SVG line of recent values for the eye only, because the value is printed beside it.
 * Missing values break the line.
 */
export function Sparkline({ values, className }: { values: (number | null)[]; className?: string }) {
  const present = values.filter((value): value is number => value !== null);
  if (present.length < 2) {
    return <svg width={WIDTH} height={HEIGHT} aria-hidden="true" className={className} />;
  }
  const low = Math.min(...present);
  const high = Math.max(...present);
  const span = high - low || 1;
  const step = values.length > 1 ? WIDTH / (values.length - 1) : WIDTH;

  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((value, index) => {
    if (value === null) {
      if (current.length > 1) {
        segments.push(current.join(" "));
      }
      current = [];
      return;
    }
    const x = (index * step).toFixed(1);
    const y = (HEIGHT - 2 - ((value - low) / span) * (HEIGHT - 4)).toFixed(1);
    current.push(`${x},${y}`);
  });
  if (current.length > 1) {
    segments.push(current.join(" "));
  }

  return (
    <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} aria-hidden="true" className={className}>
      {segments.map((points, index) => (
        <polyline key={index} points={points} fill="none" stroke="currentColor" strokeWidth={2} />
      ))}
    </svg>
  );
}
