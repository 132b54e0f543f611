// A run as a runs-table item and back: the feed's month buckets and the active flag the indexes key
// on. Pure mapping, shared by the run store, the start-claim transaction and the audit log's feed.
import { ACTIVE_STATUSES, type Run } from "#schemas/run.ts";

/** Month bucket of the all-jobs feed index: spreads writes over partitions, keeps queries cheap. */
export function feedBucket(startedAt: string): string {
  return startedAt.slice(0, 7);
}

/** The month before a "yyyy-mm" bucket ("2026-01" → "2025-12"). */
export function previousBucket(bucket: string): string {
  const [y, m] = bucket.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** Set on QUEUED and RUNNING items only: the active index holds just the runs still going. */
export const ACTIVE_FLAG = "1";

const RUN_FIELDS: readonly (keyof Run)[] = [
  "execution_uuid",
  "job_name",
  "schedule_id",
  "schedule_name",
  "trigger_source",
  "triggered_by",
  "data_source",
  "params",
  "status",
  "started_at",
  "finished_at",
  "duration_seconds",
  "input_count",
  "inserted_count",
  "updated_count",
  "skipped_count",
  "error_count",
  "skip_breakdown",
  "error_summary",
  "progress",
  "attempt",
  "attempts",
  "retry_at",
  "max_attempts",
  "next_scheduled_for",
  "workflow_execution_arn",
  "task",
  "scheduled_for",
  "backfill_id",
  "anomalies",
  "cost",
  "console_url",
  "logs_url",
  "concurrency_key",
  "created_at",
  "updated_at",
];

export function toRunItem(run: Run): Record<string, unknown> {
  const item: Record<string, unknown> = { ...run, feed_bucket: feedBucket(run.started_at) };
  if ((ACTIVE_STATUSES as readonly string[]).includes(run.status)) item.active_flag = ACTIVE_FLAG;
  return item;
}

export function fromRunItem(item: Record<string, unknown>): Run {
  const run: Record<string, unknown> = {};
  for (const f of RUN_FIELDS) run[f] = item[f] ?? null;
  // Runs recorded before attempts were kept have none.
  run.attempts = item.attempts ?? [];
  return run as Run;
}
