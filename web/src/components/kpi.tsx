// One headline figure (label, value, sub-line) of the dashboard.

export function Kpi({
  label,
  value,
  sub,
  tone,
}: {
  label: string;
  value: string;
  sub?: string;
  tone?: "good" | "bad" | undefined;
}) {
  return (
    <div class={`kpi${tone ? ` kpi-${tone}` : ""}`}>
      <div class="kpi-label">{label}</div>
      <div class="kpi-value">{value}</div>
      {sub && <div class="kpi-sub">{sub}</div>}
    </div>
  );
}
