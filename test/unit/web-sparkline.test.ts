// The dashboard's duration sparkline is drawn from this geometry: each run where its time and
// duration put it, the longest below the top edge, failed runs (and only they) as dots.
import { describe, expect, it } from "vitest";
import { type SparkPoint, sparkGeometry } from "#web/sparkline-geometry.ts";

const pts = (...vs: Array<[number, number, boolean?]>): SparkPoint[] =>
  vs.map(([t, v, failed]) => ({ t, v, failed: failed ?? false }));

const coords = (line: string) => line.split(" ").map((p) => p.split(",").map(Number) as [number, number]);

describe("sparkGeometry", () => {
  it("spreads the runs over the width by time, not by index", () => {
    const g = sparkGeometry(pts([0, 10], [10, 10], [100, 10]), 206, 40);
    expect(coords(g.line).map(([x]) => x)).toEqual([3, 23, 203]);
  });

  it("puts 0 s on the baseline and the longest run at 1/1.1 of the height, never on the edge", () => {
    const g = sparkGeometry(pts([0, 0], [1, 55], [2, 110]), 100, 116);
    const ys = coords(g.line).map(([, y]) => y);
    expect(ys[0]).toBe(113); // height - pad
    expect(ys[2]).toBeCloseTo(113 - (110 / 121) * 110, 1);
    expect(Math.min(...ys)).toBeGreaterThan(3);
  });

  it("closes the filled area on the baseline under the first and last run", () => {
    const g = sparkGeometry(pts([0, 5], [1, 7]), 100, 40);
    const area = coords(g.area);
    expect(area[0]).toEqual([3, 37]);
    expect(area.at(-1)).toEqual([97, 37]);
    expect(area.slice(1, -1)).toEqual(coords(g.line));
  });

  it("marks the failed runs and only them", () => {
    const g = sparkGeometry(pts([0, 5], [1, 9, true], [2, 7], [3, 1, true]), 100, 40);
    const line = coords(g.line);
    expect(g.dots.map((d) => [d.x, d.y])).toEqual([line[1], line[3]]);
  });

  it("draws runs that all took 0 s, or all started at once, without dividing by zero", () => {
    for (const g of [
      sparkGeometry(pts([0, 0], [5, 0]), 100, 40),
      sparkGeometry(pts([7, 3], [7, 4]), 100, 40),
    ]) {
      expect(g.line).not.toMatch(/NaN|Infinity/);
    }
  });
});
