import type { Run, RunSummary } from "../schemas/run.ts";

/** The short form of a run inside other answers (last_run, active_runs, recent). */
export function summarize(run: Run): RunSummary {
  return {
    execution_uuid: run.execution_uuid,
    job_name: run.job_name,
    status: run.status,
    trigger_source: run.trigger_source,
    started_at: run.started_at,
    finished_at: run.finished_at,
    duration_seconds: run.duration_seconds,
    input_count: run.input_count,
    inserted_count: run.inserted_count,
    skipped_count: run.skipped_count,
    error_count: run.error_count,
    error_summary: run.error_summary,
    progress: run.progress,
  };
}
