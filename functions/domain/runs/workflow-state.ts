// The state a run-job execution carries between its Task states (statemachines/run-job.asl.json),
// and the small readers of it every step shares. Types only the workflow Lambdas and steps agree on.
import type { WorkflowInput } from "#ports/workflow-starter.ts";
import type { Progress, RunCounts } from "#schemas/run.ts";
import type { ExecutionPolicy } from "#schemas/schedule.ts";

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
  /** What to do when another run holds the concurrency key (schedules; manual starts pre-claim). */
  execution_policy: ExecutionPolicy;
  queue_timeout_seconds: number;
  /** When the run began waiting for its slot. */
  queued_at: string;
  /** When the current attempt of the worker started (slot taken, or the end of the retry wait). */
  attempt_started_at?: string;
  /** Issue 16: the run's logical time (Run.scheduled_for), the job's ctx.scheduledFor. */
  scheduled_for?: string;
};

export type StepError = { Error: string; Cause?: unknown };

export type WorkflowState = {
  input: WorkflowInput;
  run?: RunContext;
  /** "failed": take_slot threw inside BeginRun; `error` says why and SlotOutcome goes to FailRun. */
  slot?: {
    outcome: "acquired" | "skipped" | "wait" | "failed";
    wait_seconds?: number;
    holder?: string | null;
  };
  /** The worker's outcome; `ended_at` is when the job itself ended (its run's real end). */
  result?: { counts: RunCounts; progress: Progress; ended_at?: string };
  /** When the failed attempt ended (stamped by attempt_failed before it reads the store). */
  ended_at?: string;
  retry?: { again: boolean; wait_seconds: number };
  error?: StepError;
  /** What the execution used so far (issue 16, run-cost.ts): counted by the steps themselves. */
  usage?: WorkflowUsage;
};

export type WorkflowUsage = {
  /** State transitions of this execution so far (run-cost.ts STEP_TRANSITIONS). */
  transitions: number;
  /** Invocations of the steps Lambda and their summed duration (ms). */
  steps_invocations: number;
  steps_ms: number;
  /** The AWS region of the execution (from its ARN); null on the local stack. */
  region: string | null;
};

export type ExecutionRef = { name: string; arn: string };

/** The context of a fire that ends without a run (nothing to do). */
export function idleContext(jobName: string, executionUuid: string): RunContext {
  return {
    execution_uuid: executionUuid,
    job_name: jobName,
    concurrency_key: jobName,
    params: {},
    attempt: 1,
    max_attempts: 1,
    timeout_seconds: 1,
    proceed: false,
    execution_policy: "skip",
    queue_timeout_seconds: 0,
    queued_at: new Date(0).toISOString(),
  };
}

/** The run context a step after StartRun needs; its absence is a bug in the state machine. */
export function requireRun(state: WorkflowState): RunContext {
  if (!state.run) throw new Error("workflow state has no run context");
  return state.run;
}
