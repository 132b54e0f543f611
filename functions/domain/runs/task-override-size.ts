// A fargate job's run reaches its task through the RunTask container override (issue 15):
// statemachines/run-worker-fargate.state.json puts JOBDECK_RUN = States.JsonToString($.run) and
// JOBDECK_TASK_TOKEN = $$.Task.Token in the "job" container's environment. ECS allows 8192
// characters for all of a RunTask's overrides, JSON punctuation included ("A total of 8192
// characters are allowed for overrides. This limit includes the JSON formatting characters of the
// override structure": RunTask API reference, `overrides`), and refuses the whole RunTask beyond
// that. The params are the only part a client chooses, so they are measured here, where the API
// can still answer 400, rather than found out when the task does not start. Pure.
import { codedIssue, type FieldIssue } from "#domain/errors.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { RunContext } from "./workflow-state.ts";

/** ECS: all overrides of one RunTask, in characters. */
export const ECS_OVERRIDES_LIMIT = 8192;
/** The longest task token Step Functions hands out (SendTaskSuccess: taskToken, 1..2048). */
export const TASK_TOKEN_MAX = 2048;
/**
 * Room kept for what the run context gains after it is measured (a retry's higher attempt, a
 * field a later version adds) and for how Step Functions serializes the request: never cut close.
 */
export const OVERRIDE_HEADROOM = 512;

/**
 * Characters `text` takes in a JSON request in the worst case: every non-ASCII character written
 * as a \uXXXX escape (6 characters), as a serializer may.
 */
function jsonChars(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) n += text.charCodeAt(i) < 0x80 ? 1 : 6;
  return n;
}

/** The container override the RunWorker state sends, written out as RunTask receives it. */
function overridesJson(runJson: string, token: string): string {
  return JSON.stringify({
    containerOverrides: [
      {
        name: "job",
        environment: [
          { name: "JOBDECK_RUN", value: runJson },
          { name: "JOBDECK_TASK_TOKEN", value: token },
        ],
      },
    ],
  });
}

export type OverrideSize = {
  /** Characters the overrides take with this run and the longest task token, plus the headroom. */
  size: number;
  limit: number;
  fits: boolean;
  /** Characters the params take inside the override (their JSON, escaped once more). */
  paramsChars: number;
  /** The most characters the params may take there with the rest of this run unchanged. */
  paramsBudget: number;
};

/** Measures the override a run context makes. */
export function overrideSize(run: RunContext): OverrideSize {
  const json = overridesJson(JSON.stringify(run), "t".repeat(TASK_TOKEN_MAX));
  const size = jsonChars(json) + OVERRIDE_HEADROOM;
  // The params appear once in the run's JSON and once more escaped inside the override's string:
  // measured the same way, they take their own escaped length.
  const paramsInside = jsonChars(JSON.stringify(JSON.stringify(run.params))) - 2;
  return {
    size,
    limit: ECS_OVERRIDES_LIMIT,
    fits: size <= ECS_OVERRIDES_LIMIT,
    paramsChars: paramsInside,
    paramsBudget: Math.max(0, ECS_OVERRIDES_LIMIT - (size - paramsInside)),
  };
}

/**
 * The run context a run of `job` with `params` would carry at its largest (the last attempt,
 * every optional field set), before it exists: what the API measures.
 */
export function largestRunContext(
  job: Pick<JobDefinition, "name" | "retry" | "timeout_seconds">,
  params: Record<string, unknown>,
  concurrencyKey: string,
): RunContext {
  const at = "2000-01-01T00:00:00.000Z";
  return {
    execution_uuid: "00000000-0000-0000-0000-000000000000",
    job_name: job.name,
    concurrency_key: concurrencyKey,
    params,
    attempt: job.retry.attempts,
    max_attempts: job.retry.attempts,
    timeout_seconds: job.timeout_seconds,
    proceed: true,
    execution_policy: "queue",
    queue_timeout_seconds: 86_400,
    queued_at: at,
    attempt_started_at: at,
  };
}

/** The field issue of params too large for a fargate job's task; null when they fit (or the job is a Lambda one). */
export function taskParamsIssue(
  job: Pick<JobDefinition, "name" | "runtime" | "retry" | "timeout_seconds">,
  params: Record<string, unknown>,
  concurrencyKey: string,
  field: string,
): FieldIssue | null {
  if (job.runtime !== "fargate") return null;
  const measured = overrideSize(largestRunContext(job, params, concurrencyKey));
  if (measured.fits) return null;
  const size = measured.paramsChars;
  return codedIssue(
    field,
    `too large for a fargate job's task: ${size} characters once passed to the task, at most ` +
      `${measured.paramsBudget} (the run reaches the task in ECS's container override, limited to ` +
      `${ECS_OVERRIDES_LIMIT} characters); pass large inputs by reference (an S3 key, a URL) instead`,
    { code: "params_too_large", params: { size, max: measured.paramsBudget } },
  );
}
