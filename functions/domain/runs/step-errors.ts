// Reading a Task state's `{Error, Cause}`: whether it is the store failing rather than the job, and
// one readable line for error_summary. Pure; apart from the steps so the wording is tested alone.
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import { describeEcsTaskStop } from "./ecs-stop-reasons.ts";
import { errorParts } from "./run-attempts.ts";
import type { StepError, WorkflowState } from "./workflow-state.ts";

/** A step error that is the store failing (down, slow, 5xx, disk full), not the job's own error. */
export function isStoreFailure(err: StepError | undefined): boolean {
  if (!err) return false;
  let cause = err.Cause;
  if (typeof cause === "string") {
    try {
      cause = JSON.parse(cause);
    } catch {
      // plain text cause
    }
  }
  if (cause && typeof cause === "object") {
    const c = cause as { errorType?: unknown; errorMessage?: unknown };
    if (isStoreUnavailable({ name: c.errorType, message: c.errorMessage }) || isStoreUnavailable(cause))
      return true;
  }
  return isStoreUnavailable({ name: err.Error, message: typeof cause === "string" ? cause : undefined });
}

/** What the wording may use of the run's job (its runtime and limits); absent, it stays generic. */
export type StepErrorJob = Pick<JobDefinition, "runtime" | "timeout_seconds" | "fargate">;

/** Step Functions' errors that end a run TIMED_OUT: the state's budget, or a task's heartbeat. */
export const TIMEOUT_ERRORS: readonly string[] = ["States.Timeout", "States.HeartbeatTimeout"];

/** Whether the step error is a timeout (the run ends TIMED_OUT, the attempt is not retried). */
export const isTimeout = (err: StepError | undefined): boolean =>
  err !== undefined && TIMEOUT_ERRORS.includes(err.Error);

/** Turns a `{Error, Cause}` from Step Functions (or the local interpreter) into one readable line. */
export function describeStepError(err: StepError | undefined, job?: StepErrorJob): string {
  if (!err) return "unknown error";
  // errorParts drops a repeated "Error: " (a message made from String(error)): no "Error: Error: …".
  const { type, message } = errorParts(err);
  const extra = (m: string) => (m === err.Error ? "" : m);
  // the host's own words about the stop, if any, after a summary that ends a sentence: "… (no heartbeat from task …)"
  const aside = (m: string) => (m && m !== err.Error ? `(${m})` : "");
  if (err.Error === "States.HeartbeatTimeout") {
    const n = job?.fargate ? `${job.fargate.heartbeat_seconds} s` : "longer than heartbeat_seconds";
    return (
      `States.HeartbeatTimeout: no heartbeat for ${n}: the task stopped reporting progress (it hangs, ` +
      "or one step runs that long without ctx.progress); Step Functions stopped waiting for it " +
      aside(message)
    ).trim();
  }
  if (err.Error === "States.Timeout") {
    if (job?.runtime === "fargate")
      return `States.Timeout: the task ran longer than the job's timeout (${job.timeout_seconds} s) and was stopped ${aside(message)}`.trim();
    return `States.Timeout: the job worker ran longer than its timeout ${extra(message)}`.trim();
  }
  // A task that died without reporting (fargate): ECS's description of it as the Cause.
  const stop = describeEcsTaskStop(err.Cause, {
    memoryMb: job?.fargate?.memory_mb,
    stopTimeoutSeconds: job?.fargate?.stop_timeout_seconds,
  });
  if (stop) return `${type}: ${stop}`;
  return message ? `${type}: ${message}` : type;
}

/** The error_summary of a failed run: the job's own error, or the store failing, said as such. */
export function failureSummary(state: WorkflowState, job?: StepErrorJob): string {
  const text = describeStepError(state.error, job);
  if (!isStoreFailure(state.error) || isTimeout(state.error)) return text;
  const when = state.result
    ? "recording its end"
    : state.slot?.outcome === "acquired"
      ? "recording its progress"
      : "starting";
  return `the store failed while the run was ${when}: ${text}`;
}
