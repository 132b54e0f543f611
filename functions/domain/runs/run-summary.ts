import type { RunListItem, RunListProgress, RunSummary } from "#schemas/answers.ts";
import type { Run } from "#schemas/run.ts";

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
    attempt: run.attempt,
    retry_at: run.retry_at,
    max_attempts: run.max_attempts,
  };
}

/** The compact progress of a history row: the current stage and its position, the counter, the message. */
export function listProgress(progress: NonNullable<Run["progress"]>): RunListProgress {
  const index = progress.stages.findIndex((s) => s.name === progress.stage);
  return {
    stage: progress.stage,
    stage_index: index >= 0 ? index : null,
    stage_count: progress.stages.length,
    current: progress.current,
    total: progress.total,
    message: progress.message,
    // issue 14 part C: the message's key and values, so a page can say it in its language
    message_key: progress.message_key ?? null,
    message_params: progress.message_params ?? null,
    updated_at: progress.updated_at,
  };
}

/** A run as GET /v1/runs lists it (RunListItemSchema): the full record stays in GET /v1/runs/{id}. */
export function listItem(run: Run): RunListItem {
  const {
    progress,
    workflow_execution_arn: _arn,
    console_url: _console,
    logs_url: _logs,
    concurrency_key: _key,
    ...rest
  } = run;
  return { ...rest, progress: progress ? listProgress(progress) : null };
}
