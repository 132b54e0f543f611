// Duration sparkline: one SVG polyline over the runs' durations, failed runs as red dots. No axes,
// legend or cursor, so a chart library (uPlot was ~22 KB gzipped, a quarter of the page) buys
// nothing here; an SVG also scales with the text and prints. The drawing is decorative for screen
// readers; the aria-label carries the same figures in words.

import { type SparkPoint, sparkGeometry } from "../sparkline-geometry.ts";

export function Sparkline({
  points,
  label,
  width = 220,
  height = 44,
}: {
  points: SparkPoint[];
  label: string;
  width?: number;
  height?: number;
}) {
  if (points.length < 2) return <span class="spark-empty muted">{label}</span>;
  const g = sparkGeometry(points, width, height);
  return (
    <svg
      class="spark"
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
    >
      <polygon points={g.area} fill="rgba(37,99,235,0.12)" />
      <polyline points={g.line} fill="none" stroke="#2563eb" stroke-width="1.5" />
      {g.dots.map((d) => (
        <circle key={`${d.x},${d.y}`} cx={d.x} cy={d.y} r="3" fill="#dc2626" />
      ))}
    </svg>
  );
}
