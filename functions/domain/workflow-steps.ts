// The logic behind each Task state of statemachines/run-job.asl.json. Every step takes the
// execution's state and returns the next state, and is safe to repeat (Step Functions retries).
import type { WorkflowInput } from "../ports/workflow-starter.ts";
import type { Progress, RunCounts, RunStatus } from "../schemas/run.ts";
import { concurrencyKey } from "./concurrency.ts";
import { type CoreDeps, expiresAt } from "./deps.ts";
import { issuesToFields } from "./errors.ts";
import { runUuidForExecution } from "./execution-identity.ts";
import { durationSeconds, newRun, summarizeError } from "./run-lifecycle.ts";

/** What the workflow carries about its run between states. */
export type RunContext = {
  execution_uuid: string;
  job_name: string;
  concurrency_key: string;
  params: Record<string, unknown>;
  attempt: number;
  max_attempts: number;
  timeout_seconds: number;
  /** false: nothing to do (e.g. a redelivered start of a run that already ended) */
  proceed: boolean;
};

export type StepError = { Error: string; Cause?: unknown };

export type WorkflowState = {
  input: WorkflowInput;
  run?: RunContext;
  slot?: { outcome: "acquired" | "skipped" | "wait"; wait_seconds?: number; holder?: string | null };
  result?: { counts: RunCounts; progress: Progress };
  retry?: { again: boolean; wait_seconds: number };
  error?: StepError;
};

export type ExecutionRef = { name: string; arn: string };

/** Turns a `{Error, Cause}` from Step Functions (or the local interpreter) into one readable line. */
export function describeStepError(err: StepError | undefined): string {
  if (!err) return "unknown error";
  let cause = err.Cause;
  if (typeof cause === "string") {
    try {
      cause = JSON.parse(cause);
    } catch {
      // plain text cause
    }
  }
  let message: string;
  if (cause && typeof cause === "object" && "errorMessage" in cause) {
    message = String((cause as { errorMessage: unknown }).errorMessage);
  } else if (typeof cause === "string") {
    message = cause;
  } else if (cause instanceof Error) {
    message = cause.message;
  } else {
    message = cause === undefined || cause === null ? "" : JSON.stringify(cause);
  }
  if (err.Error === "States.Timeout")
    return `States.Timeout: the job worker ran longer than its timeout ${message}`.trim();
  return message ? `${err.Error}: ${message}` : err.Error;
}

export class WorkflowSteps {
  constructor(private readonly deps: CoreDeps) {}

  /** Ensures the run record exists and is RUNNING; API-started runs already have one. */
  async startRun(state: WorkflowState, execution: ExecutionRef): Promise<WorkflowState> {
    const { registry, runs, clock, workflow } = this.deps;
    const input = state.input;
    const job = registry.get(input.job_name);
    const executionUuid = input.execution_uuid ?? runUuidForExecution(execution.name, execution.arn);
    let run = await runs.get(executionUuid);
    if (!run) {
      const parsed = job.parameters.safeParse(input.params ?? {});
      const params = (parsed.success ? parsed.data : (input.params ?? {})) as Record<string, unknown>;
      run = newRun({
        execution_uuid: executionUuid,
        job_name: job.name,
        params,
        data_source: job.data_sources,
        concurrency_key: concurrencyKey(job.name, job.concurrency, params),
        trigger_source: (input.trigger_source as "schedule") ?? "schedule",
        triggered_by: input.triggered_by ?? null,
        schedule_id: input.schedule_id ?? null,
        schedule_name: input.schedule_name ?? null,
        // Waits for its slot as QUEUED; take_slot makes it RUNNING (API starts pre-claim and write RUNNING).
        status: "QUEUED",
        now: clock.now(),
        workflow_execution_arn: execution.arn,
      });
      await runs.create(run);
      if (!parsed.success) {
        // Saved params that no longer fit the job's schema: record why instead of running blind.
        const fields = issuesToFields(parsed.error.issues, "params");
        throw Object.assign(
          new Error(`invalid params: ${fields.map((f) => `${f.field} ${f.message}`).join("; ")}`),
          {
            name: "InvalidParams",
          },
        );
      }
    }
    const active = run.status === "RUNNING" || run.status === "QUEUED";
    if (active) {
      const links = workflow.links(execution.arn, executionUuid);
      await runs.patchActive(executionUuid, { workflow_execution_arn: execution.arn, ...links });
    }
    return {
      ...state,
      run: {
        execution_uuid: executionUuid,
        job_name: job.name,
        concurrency_key: run.concurrency_key,
        params: run.params,
        attempt: run.attempt,
        max_attempts: job.retry.attempts,
        timeout_seconds: job.timeout_seconds,
        proceed: active,
      },
    };
  }

  /** Takes the run's concurrency slot (already held when the API pre-claimed it). */
  async takeSlot(state: WorkflowState): Promise<WorkflowState> {
    const run = requireRun(state);
    const result = await this.deps.control.acquireSlot(run.concurrency_key, {
      execution_uuid: run.execution_uuid,
      job_name: run.job_name,
      acquired_at: this.deps.clock.now().toISOString(),
    });
    if (result.acquired) {
      await this.deps.runs.patchActive(run.execution_uuid, { status: "RUNNING" });
      return { ...state, slot: { outcome: "acquired" } };
    }
    // Another run holds the key: the default policy is to skip (schedules add allow/queue).
    const holder = result.holder?.execution_uuid ?? "?";
    await this.finish(
      run,
      ["QUEUED"],
      "SKIPPED",
      `skipped: run ${holder} of ${run.job_name} is still active`,
    );
    return { ...state, slot: { outcome: "skipped", holder: result.holder?.execution_uuid ?? null } };
  }

  /** After a failed attempt: count it and decide whether the job's retry policy allows another. */
  async attemptFailed(state: WorkflowState): Promise<WorkflowState> {
    const run = requireRun(state);
    const job = this.deps.registry.get(run.job_name);
    const timedOut = state.error?.Error === "States.Timeout";
    const cancelled = state.error?.Error === "JobCancelled";
    const current = await this.deps.runs.get(run.execution_uuid);
    const stillRunning = current?.status === "RUNNING";
    if (timedOut || cancelled || !stillRunning || run.attempt >= run.max_attempts) {
      return { ...state, retry: { again: false, wait_seconds: 0 } };
    }
    const wait = Math.round(job.retry.backoff_seconds * job.retry.backoff_rate ** (run.attempt - 1));
    const next = run.attempt + 1;
    this.deps.logger.warn("attempt failed, retrying", {
      execution_uuid: run.execution_uuid,
      attempt: run.attempt,
      next_attempt: next,
      wait_seconds: wait,
      error: describeStepError(state.error),
    });
    await this.deps.runs.patchActive(run.execution_uuid, { attempt: next });
    const { error: _dropped, ...rest } = state;
    return { ...rest, run: { ...run, attempt: next }, retry: { again: true, wait_seconds: wait } };
  }

  async finishRun(state: WorkflowState): Promise<WorkflowState> {
    const run = requireRun(state);
    await this.finish(run, ["RUNNING"], "SUCCESS", null, state.result?.counts, state.result?.progress);
    return state;
  }

  async failRun(state: WorkflowState): Promise<WorkflowState> {
    const input = state.input;
    const run = state.run;
    const summary = describeStepError(state.error);
    const status: RunStatus = state.error?.Error === "States.Timeout" ? "TIMED_OUT" : "FAILURE";
    if (run) {
      await this.finish(run, ["RUNNING", "QUEUED"], status, summary);
    } else if (input.execution_uuid) {
      // Failed before the run context existed (e.g. the store was down in StartRun).
      const existing = await this.deps.runs.get(input.execution_uuid);
      if (existing) {
        await this.finish(
          {
            execution_uuid: existing.execution_uuid,
            job_name: existing.job_name,
            concurrency_key: existing.concurrency_key,
          },
          ["RUNNING", "QUEUED"],
          status,
          summary,
        );
      }
    }
    return state;
  }

  /** Moves the run to a finished status (only from `from`), then frees its slot. */
  async finish(
    run: Pick<RunContext, "execution_uuid" | "job_name" | "concurrency_key">,
    from: RunStatus[],
    status: RunStatus,
    errorSummary: string | null,
    counts?: RunCounts,
    progress?: Progress,
  ) {
    const { runs, control, clock, nextFire, settings, logger } = this.deps;
    const now = clock.now();
    const existing = await runs.get(run.execution_uuid);
    const finishedAt = now.toISOString();
    const updated = existing
      ? await runs.finish(run.execution_uuid, from, {
          status,
          finished_at: finishedAt,
          duration_seconds: durationSeconds(existing.started_at, finishedAt),
          error_summary: errorSummary === null ? null : summarizeError(errorSummary),
          next_scheduled_for: await nextFire.nextFor(run.job_name),
          counts,
          progress,
          expires_at: expiresAt(now, settings.retentionDays),
        })
      : null;
    await control.releaseSlot(run.concurrency_key, run.execution_uuid);
    if (updated) {
      logger.info("run finished", {
        execution_uuid: run.execution_uuid,
        job_name: run.job_name,
        status,
        duration_seconds: updated.duration_seconds,
        inserted_count: updated.inserted_count,
        error_summary: updated.error_summary,
      });
    }
    return updated;
  }
}

function requireRun(state: WorkflowState): RunContext {
  if (!state.run) throw new Error("workflow state has no run context");
  return state.run;
}
