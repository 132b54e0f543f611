// Run statistics over a window (dashboard job-stats, jobs' stats_24h).

import type { RunStats } from "#schemas/answers.ts";
import type { Run } from "#schemas/run.ts";

export type { RunStats };

/** Nearest-rank percentile of an ascending-sorted list. */
export function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export function computeStats(runs: readonly Run[]): RunStats {
  let succeeded = 0;
  let failed = 0;
  let skipped = 0;
  let cancelled = 0;
  let inserted = 0;
  let costUsd = 0;
  let costed = 0;
  const durations: number[] = [];
  let lastFailure: Run | null = null;
  for (const r of runs) {
    inserted += r.inserted_count;
    if (r.cost) {
      costUsd += r.cost.usd;
      costed++;
    }
    if (r.status === "SUCCESS") succeeded++;
    else if (r.status === "FAILURE" || r.status === "TIMED_OUT") {
      failed++;
      if (!lastFailure || r.started_at > lastFailure.started_at) lastFailure = r;
    } else if (r.status === "SKIPPED") skipped++;
    else if (r.status === "CANCELLED") cancelled++;
    if (r.duration_seconds !== null && r.status !== "SKIPPED") durations.push(r.duration_seconds);
  }
  durations.sort((a, b) => a - b);
  // Success rate over runs that actually ran to an end (skips are policy, not outcomes).
  const decided = succeeded + failed + cancelled;
  return {
    total: runs.length,
    succeeded,
    failed,
    skipped,
    cancelled,
    success_rate: decided ? round(succeeded / decided) : null,
    avg_duration_seconds: durations.length
      ? round(durations.reduce((a, b) => a + b, 0) / durations.length)
      : null,
    p95_duration_seconds: percentile(durations, 95),
    inserted_total: inserted,
    cost_usd: Math.round(costUsd * 1e8) / 1e8,
    costed_runs: costed,
    last_failure: lastFailure
      ? {
          execution_uuid: lastFailure.execution_uuid,
          started_at: lastFailure.started_at,
          error_summary: lastFailure.error_summary,
        }
      : null,
  };
}
