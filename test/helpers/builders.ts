// Shared test data builders: a valid Run (functions/schemas/run.ts) with any field overridden.
import type { Run, RunStatus } from "#schemas/run.ts";
import type { Schedule } from "#schemas/schedule.ts";

let seq = 0;

/** A fresh, valid v4-shaped UUID, in order of creation (00000000-0000-4000-8000-000000000001, …). */
export function nextUuid(): string {
  seq++;
  return `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`;
}

const STARTED = "2025-07-10T00:00:00.000Z";

/**
 * A valid run: RUNNING of job "sync.jobs" started 2025-07-10T00:00Z, manual, zero counts, no
 * progress, attempt 1. `created_at` / `updated_at` follow `started_at` unless given.
 */
export function aRun(over: Partial<Run> = {}): Run {
  const startedAt = over.started_at ?? STARTED;
  const jobName = over.job_name ?? "sync.jobs";
  return {
    execution_uuid: nextUuid(),
    job_name: jobName,
    schedule_id: null,
    schedule_name: null,
    trigger_source: "manual",
    triggered_by: null,
    data_source: [],
    params: {},
    status: "RUNNING",
    started_at: startedAt,
    finished_at: null,
    duration_seconds: null,
    input_count: 0,
    inserted_count: 0,
    updated_count: 0,
    skipped_count: 0,
    error_count: 0,
    skip_breakdown: null,
    error_summary: null,
    progress: null,
    attempt: 1,
    attempts: [],
    retry_at: null,
    max_attempts: null,
    next_scheduled_for: null,
    workflow_execution_arn: null,
    task: null,
    scheduled_for: null,
    backfill_id: null,
    anomalies: null,
    cost: null,
    console_url: null,
    logs_url: null,
    concurrency_key: jobName,
    created_at: startedAt,
    updated_at: startedAt,
    ...over,
  };
}

/** A run that ended with `status` `seconds` after it started (finished_at, duration set). */
export function aFinishedRun(status: RunStatus, over: Partial<Run> = {}, seconds = 10): Run {
  const base = aRun({ status, ...over });
  const finishedAt = new Date(Date.parse(base.started_at) + seconds * 1000).toISOString();
  return {
    ...base,
    finished_at: over.finished_at !== undefined ? over.finished_at : finishedAt,
    duration_seconds: over.duration_seconds !== undefined ? over.duration_seconds : seconds,
    updated_at: over.updated_at ?? finishedAt,
  };
}

/** A valid schedule of `job_name` (default "sync.jobs"): every day at 02:30 in Asia/Tokyo, enabled. */
export function aSchedule(over: Partial<Schedule> = {}): Schedule {
  const id = over.id ?? `sch-${nextUuid().slice(-6)}`;
  return {
    id,
    name: over.name ?? `schedule-${id}`,
    auto_generated_name: false,
    job_name: "sync.jobs",
    schedule_expression: "cron(30 2 * * ? *)",
    timezone: "Asia/Tokyo",
    start_date: null,
    end_date: null,
    description: null,
    category: null,
    tags: [],
    params: {},
    enabled: true,
    execution_policy: "skip",
    queue_timeout_seconds: 3600,
    created_at: "2025-07-01T00:00:00.000Z",
    updated_at: "2025-07-01T00:00:00.000Z",
    created_by: null,
    updated_by: null,
    ...over,
  };
}
