// The sparkline's drawing as numbers, kept apart from the component so it is tested without a DOM.

export type SparkPoint = { t: number; v: number; failed: boolean };

/**
 * The points in the box's coordinates: x by time (first run at the left edge, last at the right),
 * y from 0 at the bottom to 110 % of the longest run at the top, as uPlot's range did, so the
 * longest run never touches the edge. Rounded to 0.1 px to keep the markup short.
 */
export function sparkGeometry(points: readonly SparkPoint[], width: number, height: number) {
  const pad = 3; // half a dot, so dots at the edges are drawn whole
  const t0 = points[0]?.t ?? 0;
  const span = (points.at(-1)?.t ?? 0) - t0 || 1;
  const top = Math.max(...points.map((p) => p.v)) * 1.1 || 1;
  const round = (n: number) => Math.round(n * 10) / 10;
  const xy = points.map((p) => ({
    x: round(pad + ((p.t - t0) / span) * (width - 2 * pad)),
    y: round(height - pad - (p.v / top) * (height - 2 * pad)),
    failed: p.failed,
  }));
  const line = xy.map((p) => `${p.x},${p.y}`).join(" ");
  const base = round(height - pad);
  const area = `${xy[0]?.x ?? 0},${base} ${line} ${xy.at(-1)?.x ?? 0},${base}`;
  return { line, area, dots: xy.filter((p) => p.failed) };
}
