// Run statuses and the transitions allowed between them (spec/model.md "Statuses").
import type { Run, RunCounts, RunStatus, TriggerSource } from "#schemas/run.ts";
import { FINISHED_STATUSES } from "#schemas/run.ts";

const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  QUEUED: ["RUNNING", "SKIPPED", "CANCELLED", "FAILURE", "TIMED_OUT"],
  // RUNNING → SKIPPED: the job found nothing to do (ctx.skip, e.g. a market holiday).
  RUNNING: ["SUCCESS", "FAILURE", "CANCELLED", "TIMED_OUT", "SKIPPED"],
  SUCCESS: [],
  FAILURE: [],
  CANCELLED: [],
  TIMED_OUT: [],
  SKIPPED: [],
};

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isFinished(status: RunStatus): boolean {
  return FINISHED_STATUSES.includes(status);
}

export const ERROR_SUMMARY_MAX = 512;

/** The first line(s) of an error, at most 512 characters (spec/model.md). */
export function summarizeError(text: string): string {
  const clean = text.replace(/\r/g, "").trim() || "unknown error";
  if (clean.length <= ERROR_SUMMARY_MAX) return clean;
  return `${clean.slice(0, ERROR_SUMMARY_MAX - 1)}…`;
}

export const ZERO_COUNTS: RunCounts = {
  input_count: 0,
  inserted_count: 0,
  updated_count: 0,
  skipped_count: 0,
  error_count: 0,
  skip_breakdown: null,
};

export type NewRunInput = {
  execution_uuid: string;
  job_name: string;
  params: Record<string, unknown>;
  data_source: string[];
  concurrency_key: string;
  trigger_source: TriggerSource;
  triggered_by: string | null;
  schedule_id?: string | null;
  schedule_name?: string | null;
  status: Extract<RunStatus, "RUNNING" | "QUEUED" | "SKIPPED">;
  now: Date;
  workflow_execution_arn?: string | null;
  /** Issue 16: the logical time the run is for, and its backfill. */
  scheduled_for?: string | null;
  backfill_id?: string | null;
};

export function newRun(input: NewRunInput): Run {
  const now = input.now.toISOString();
  return {
    execution_uuid: input.execution_uuid,
    job_name: input.job_name,
    schedule_id: input.schedule_id ?? null,
    schedule_name: input.schedule_name ?? null,
    trigger_source: input.trigger_source,
    triggered_by: input.triggered_by,
    data_source: input.data_source,
    params: input.params,
    status: input.status,
    started_at: now,
    finished_at: null,
    duration_seconds: null,
    ...ZERO_COUNTS,
    error_summary: null,
    progress: null,
    attempt: 1,
    attempts: [],
    retry_at: null,
    max_attempts: null,
    next_scheduled_for: null,
    workflow_execution_arn: input.workflow_execution_arn ?? null,
    task: null,
    scheduled_for: input.scheduled_for ?? null,
    backfill_id: input.backfill_id ?? null,
    anomalies: null,
    cost: null,
    console_url: null,
    logs_url: null,
    concurrency_key: input.concurrency_key,
    created_at: now,
    updated_at: now,
  };
}

/** Seconds between two ISO instants, to the millisecond. */
export function durationSeconds(startedAt: string, finishedAt: string): number {
  return Math.max(0, Math.round(Date.parse(finishedAt) - Date.parse(startedAt)) / 1000);
}
