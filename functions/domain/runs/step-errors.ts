// Reading a Task state's `{Error, Cause}`: whether it is the store failing rather than the job, and
// one readable line for error_summary. Pure; apart from the steps so the wording is tested alone.
import { isStoreUnavailable } from "#domain/store-failures.ts";
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

/** Turns a `{Error, Cause}` from Step Functions (or the local interpreter) into one readable line. */
export function describeStepError(err: StepError | undefined): string {
  if (!err) return "unknown error";
  // errorParts drops a repeated "Error: " (a message made from String(error)): no "Error: Error: …".
  const { type, message } = errorParts(err);
  if (err.Error === "States.Timeout")
    return `States.Timeout: the job worker ran longer than its timeout ${message === "States.Timeout" ? "" : message}`.trim();
  return message ? `${type}: ${message}` : type;
}

/** The error_summary of a failed run: the job's own error, or the store failing, said as such. */
export function failureSummary(state: WorkflowState): string {
  const text = describeStepError(state.error);
  if (!isStoreFailure(state.error) || state.error?.Error === "States.Timeout") return text;
  const when = state.result
    ? "recording its end"
    : state.slot?.outcome === "acquired"
      ? "recording its progress"
      : "starting";
  return `the store failed while the run was ${when}: ${text}`;
}
