// Duration sparkline on uPlot (a ~20 KB gz canvas chart library, maintained, no dependencies).
// The canvas is decorative for screen readers; the aria-label carries the same figures in words.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";

export function Sparkline({
  points,
  label,
  width = 220,
  height = 44,
}: {
  points: Array<{ t: number; v: number; failed: boolean }>;
  label: string;
  width?: number;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || points.length < 2) return;
    const xs = points.map((p) => p.t);
    const ys = points.map((p) => p.v);
    const fails = points.map((p) => (p.failed ? p.v : null));
    const plot = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        axes: [{ show: false }, { show: false }],
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max * 1.1 || 1] } },
        series: [
          {},
          { stroke: "#2563eb", width: 1.5, fill: "rgba(37,99,235,0.12)", points: { show: false } },
          { stroke: "transparent", points: { show: true, size: 6, fill: "#dc2626", stroke: "#dc2626" } },
        ],
      },
      [xs, ys, fails],
      el,
    );
    return () => plot.destroy();
  }, [points, width, height]);
  if (points.length < 2) return <span class="spark-empty muted">{label}</span>;
  return <div ref={ref} class="spark" role="img" aria-label={label} />;
}
