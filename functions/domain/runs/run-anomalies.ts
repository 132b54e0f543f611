// Anomaly flags on counters (issue 16 part 3, seed 000's 件数急減 alert): a successful run whose watched
// counter is far from the median of its job's recent successful runs is flagged in its final record
// and alerted once. Only SUCCESS is evaluated: a failed or timed-out run already alerts as a failure,
// and its partial counts would poison nothing (the baseline reads successful runs only) but would
// flag almost every failure as a "drop" — noise on top of the failure alert.
import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { FailureAlert } from "#ports/alert-publisher.ts";
import type { AnomalyWatch } from "#schemas/job.ts";
import type { Anomaly, Run, RunCounts } from "#schemas/run.ts";

/** The rule when a job declares none (the defaults). */
export const ANOMALY_DEFAULTS: AnomalyWatch = {
  counters: ["input_count", "inserted_count"],
  drop: 0.9,
  rise: 10,
  window_days: 7,
  min_history: 3,
};

/** The counters a watch may name: a run's numeric counts. */
export const WATCHABLE_COUNTERS = [
  "input_count",
  "inserted_count",
  "updated_count",
  "skipped_count",
  "error_count",
] as const;

/**
 * The most history runs read for one baseline: bounds the read (a job firing every minute has
 * ~10,000 runs a week); the median of the newest 200 is the recent normal all the same.
 */
export const MAX_HISTORY_RUNS = 200;

/** The job's watch with defaults filled in, or null when the job turned it off. */
export function watchFor(job: Pick<JobDefinition, "anomaly_watch"> | undefined): AnomalyWatch | null {
  const w = job?.anomaly_watch;
  if (w === false) return null;
  return { ...ANOMALY_DEFAULTS, ...(w ?? {}) };
}

/** What is wrong with a declared watch (empty when fine): defineJob refuses a job with any. */
export function anomalyWatchProblems(name: string, w: Partial<AnomalyWatch> | false | undefined): string[] {
  if (w === undefined || w === false) return [];
  if (typeof w !== "object" || w === null) return [`${name}: anomaly_watch must be an object or false`];
  const p: string[] = [];
  const full = { ...ANOMALY_DEFAULTS, ...w };
  if (!Array.isArray(full.counters) || full.counters.length === 0) {
    p.push(`${name}: anomaly_watch.counters must name at least one counter`);
  } else {
    for (const c of full.counters) {
      if (!(WATCHABLE_COUNTERS as readonly string[]).includes(c)) {
        p.push(`${name}: anomaly_watch.counters: ${c} is not one of ${WATCHABLE_COUNTERS.join(", ")}`);
      }
    }
  }
  if (!(Number.isFinite(full.drop) && full.drop > 0 && full.drop <= 1)) {
    p.push(`${name}: anomaly_watch.drop must be in (0, 1] (0.9 = a drop of 90 % or more)`);
  }
  if (!(Number.isFinite(full.rise) && full.rise > 1)) {
    p.push(`${name}: anomaly_watch.rise must be greater than 1 (10 = ten times or more)`);
  }
  if (!Number.isInteger(full.window_days) || full.window_days < 1 || full.window_days > 90) {
    p.push(`${name}: anomaly_watch.window_days must be an integer 1..90`);
  }
  if (!Number.isInteger(full.min_history) || full.min_history < 1) {
    p.push(`${name}: anomaly_watch.min_history must be an integer ≥ 1`);
  }
  return p;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The rule names as recorded (and shown): "drop>=90%", "rise>=10x". */
export const dropRule = (drop: number) => `drop>=${round(drop * 100)}%`;
export const riseRule = (rise: number) => `rise>=${round(rise)}x`;

/**
 * The pure rule: each watched counter against the median of `history` (the same counter of the
 * job's earlier successful runs). Fewer than min_history runs → nothing (no normal to compare with).
 * A baseline of 0 flags nothing: "0 → 5" has no ratio, and a job that usually finds nothing is
 * not anomalous when it finds something.
 */
export function evaluateAnomalies(
  watch: AnomalyWatch,
  counts: Partial<Record<string, number>>,
  history: Partial<Record<string, number>>[],
): Anomaly[] {
  if (history.length < watch.min_history) return [];
  const out: Anomaly[] = [];
  for (const counter of watch.counters) {
    const value = counts[counter];
    if (typeof value !== "number") continue;
    const past = history.map((h) => h[counter]).filter((v): v is number => typeof v === "number");
    if (past.length < watch.min_history) continue;
    const baseline = median(past);
    if (baseline <= 0) continue;
    const ratio = value / baseline;
    // ratio ≤ 1 − drop, with a little slack for floating point (1 − 0.9 is 0.09999…).
    if (ratio <= 1 - watch.drop + 1e-9) {
      out.push({ counter, value, baseline, ratio: round(ratio), rule: dropRule(watch.drop) });
    } else if (ratio >= watch.rise - 1e-9) {
      out.push({ counter, value, baseline, ratio: round(ratio), rule: riseRule(watch.rise) });
    }
  }
  return out;
}

/**
 * The anomalies of a run about to end SUCCESS, from its job's successful runs of the window before
 * its start (the by_job_started index, newest first, at most MAX_HISTORY_RUNS). null = not flagged
 * (the record keeps null, so `?anomaly=true` is "anomalies is a list"). Never throws: a run's end
 * must not wait on, or fail for, its flag — a failed read is logged and the run ends unflagged.
 */
export async function anomaliesForRun(
  deps: Pick<CoreDeps, "registry" | "runs" | "logger">,
  run: Pick<Run, "execution_uuid" | "job_name" | "started_at"> & RunCounts,
  counts: RunCounts | undefined,
): Promise<Anomaly[] | null> {
  const watch = watchFor(deps.registry.find(run.job_name));
  if (!watch) return null;
  try {
    const start = Date.parse(run.started_at);
    const from = new Date(start - watch.window_days * 86_400_000).toISOString();
    // started_before is inclusive: one millisecond earlier keeps the run itself (and any run started
    // the same instant, not "before" it) out of its own baseline.
    const before = new Date(start - 1).toISOString();
    const page = await deps.runs.list(
      { job_name: run.job_name, statuses: ["SUCCESS"], started_after: from, started_before: before },
      MAX_HISTORY_RUNS,
      null,
    );
    const history = page.runs.filter((r) => r.execution_uuid !== run.execution_uuid);
    const found = evaluateAnomalies(
      watch,
      { ...pickCounts(run), ...pickCounts(counts ?? {}) },
      history.map(pickCounts),
    );
    return found.length ? found : null;
  } catch (e) {
    deps.logger.warn("anomaly check skipped", {
      execution_uuid: run.execution_uuid,
      error: e instanceof Error ? e.message : String(e),
    });
    return null;
  }
}

function pickCounts(r: Partial<RunCounts>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of WATCHABLE_COUNTERS) {
    const v = (r as Record<string, unknown>)[c];
    if (typeof v === "number") out[c] = v;
  }
  return out;
}

/**
 * The alert of a flagged run (null when not flagged): names each counter, its value and baseline,
 * and links the run — on the failures' channel (failure-alerts.ts).
 */
export function anomalyAlertFor(run: Run, siteUrl: string | null): FailureAlert | null {
  if (!run.anomalies?.length) return null;
  const runUrl = siteUrl ? `${siteUrl.replace(/\/+$/, "")}/runs/${run.execution_uuid}` : null;
  const what = run.anomalies
    .map((a) => `${a.counter} ${a.value} vs baseline ${a.baseline} (${a.rule})`)
    .join("; ");
  return {
    subject: `[jobdeck] ${run.job_name} ANOMALY ${run.anomalies.map((a) => a.counter).join(", ")}`.slice(
      0,
      100,
    ),
    message: [
      `${run.job_name} ended ${run.status} with counters far from its recent normal.`,
      `Anomaly: ${what}`,
      `Run: ${runUrl ?? run.execution_uuid}`,
      `Started: ${run.started_at}  Finished: ${run.finished_at ?? "-"}`,
    ].join("\n"),
    job_name: run.job_name,
    status: run.status,
    execution_uuid: run.execution_uuid,
    run_url: runUrl,
    kind: "anomaly",
  };
}
