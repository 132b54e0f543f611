// Anomaly flags (issue 16 part 3): the badge of a flagged run (history, dashboard) and the list of
// what was flagged (run page): which counter, its value against the baseline, and the rule.
import type { Anomaly } from "#schemas/run.ts";
import { useApp } from "../app-context.ts";
import { fmtNumber } from "../format.ts";
import { hasMessage } from "../i18n.ts";

/** "drop>=90%" / "rise>=10x" in the reader's language; an unknown rule as recorded. */
export function useAnomalyWords() {
  const { t } = useApp();
  const counter = (c: string) => {
    const key = `anomaly_counter_${c}`;
    return hasMessage(key) ? t(key) : c;
  };
  const rule = (r: string) => {
    const drop = /^drop>=([\d.]+)%$/.exec(r);
    if (drop) return t("anomaly_rule_drop", { pct: drop[1] ?? "" });
    const rise = /^rise>=([\d.]+)x$/.exec(r);
    if (rise) return t("anomaly_rule_rise", { x: rise[1] ?? "" });
    return r;
  };
  const line = (a: Anomaly) =>
    t("anomaly_line", {
      counter: counter(a.counter),
      value: fmtNumber(a.value),
      baseline: fmtNumber(a.baseline),
      rule: rule(a.rule),
    });
  return { counter, rule, line };
}

export function AnomalyBadge({ anomalies }: { anomalies: readonly Anomaly[] }) {
  const { t } = useApp();
  const words = useAnomalyWords();
  const detail = anomalies.map(words.line).join("\n");
  return (
    <span class="badge anomaly-badge" data-testid="anomaly-badge" title={detail}>
      <span aria-hidden="true">⚠ </span>
      {t("anomaly_badge")}
      <span class="sr-only">: {detail}</span>
    </span>
  );
}

export function AnomalyNote({ anomalies }: { anomalies: readonly Anomaly[] }) {
  const { t } = useApp();
  const words = useAnomalyWords();
  return (
    <div class="anomaly-note" role="status" data-testid="anomaly-note">
      <strong>
        <span aria-hidden="true">⚠ </span>
        {t("anomaly_title")}
      </strong>
      <ul>
        {anomalies.map((a) => (
          <li key={a.counter} data-counter={a.counter}>
            {words.line(a)}
          </li>
        ))}
      </ul>
    </div>
  );
}
