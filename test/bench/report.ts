// The bench's result table: each section contributes rows; a row may carry a goal (PASS/FAIL)
// or be informational. Sections added later (bundle sizes, web bundle) only return more rows.

export type Goal = { text: string; met: boolean };

export type Row = {
  /** Section name in the first column: "history", "sync", … */
  section: string;
  /** What was measured. */
  what: string;
  /** The figures, already formatted. */
  figures: string;
  /** Absent for informational rows. */
  goal?: Goal;
};

export function goal(value: number, max: number, text: string): Goal {
  return { text, met: Number.isFinite(value) && value <= max };
}

export function formatTable(title: string, rows: readonly Row[]): string {
  const w = (f: (r: Row) => string) => Math.max(0, ...rows.map((r) => f(r).length));
  const ws = w((r) => r.section);
  const ww = w((r) => r.what);
  const wf = w((r) => r.figures);
  const wg = w((r) => (r.goal ? `(goal ${r.goal.text})` : ""));
  const lines = [title];
  for (const r of rows) {
    const g = r.goal ? `(goal ${r.goal.text})` : "";
    const mark = r.goal ? (r.goal.met ? "PASS" : "FAIL") : "info";
    lines.push(
      `${r.section.padEnd(ws)}  ${r.what.padEnd(ww)}  ${r.figures.padEnd(wf)}  ${g.padEnd(wg)}  ${mark}`.trimEnd(),
    );
  }
  const goals = rows.filter((r) => r.goal);
  const met = goals.filter((r) => r.goal?.met).length;
  lines.push(`goals met: ${met} / ${goals.length}`);
  return lines.join("\n");
}
