// What a run used and what that cost (issue 16), from the one price table (prices.ts).
//
// State transitions are counted by the workflow itself: each step of the steps Lambda adds the
// states of statemachines/run-job.asl.json it stands for (the Task itself and the fixed states
// the path takes around it, see STEP_TRANSITIONS) to `usage.transitions`, a counter the workflow
// state carries from BeginRun to its end. The same ASL and the same handler run on AWS and in the
// local interpreter, so the count is the same on both; test/integration checks it against the
// interpreter's own event log. Not counted: Step Functions' own retries of a Task after a
// Lambda/ECS service error (each one more transition on the bill; rare, and invisible to the steps).
import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { Attempt, Run, RunCost } from "#schemas/run.ts";
import { DEPLOYED_ARCHITECTURE, PRICES_AS_OF, pricesFor, regionOfArn } from "./prices.ts";
import type { WorkflowState, WorkflowUsage } from "./workflow-state.ts";

/** Memory of the deployed functions (lib/lambda-catalog.ts reads these: one number, one place). */
export const WORKER_MEMORY_MB = 1024;
export const STEPS_MEMORY_MB = 512;

/**
 * The transitions each step accounts for, counted when it starts (so a step that throws has
 * already counted itself and what led to it):
 * - begin: BeginRun, SlotOutcome
 * - take_slot: WaitForSlot, TakeSlot, SlotOutcome (one loop of a queued run)
 * - attempt_failed: RunWorker, AttemptFailed, ShouldRetry (+ WaitBeforeRetry when retried: RETRY_WAIT)
 * - finish_run: RunWorker, FinishRun, Done
 * - fail_run: FailRun, RunFailed (+ BeginRun, BeginFailed when BeginRun itself failed: no counter yet)
 */
export const STEP_TRANSITIONS = {
  begin: 2,
  take_slot: 3,
  attempt_failed: 3,
  finish_run: 3,
  fail_run: 2,
} as const;
export const RETRY_WAIT_TRANSITIONS = 1;
const BEGIN_FAILED_TRANSITIONS = 2;

export type CountedStep = keyof typeof STEP_TRANSITIONS;

/** The state with `step`'s transitions and its invocation counted; `region` is where it runs. */
export function countStep(state: WorkflowState, step: CountedStep, region: string | null): WorkflowState {
  const before = state.usage;
  const extra = step === "fail_run" && !before ? BEGIN_FAILED_TRANSITIONS : 0;
  return {
    ...state,
    usage: {
      transitions: (before?.transitions ?? 0) + STEP_TRANSITIONS[step] + extra,
      steps_invocations: (before?.steps_invocations ?? 0) + 1,
      steps_ms: before?.steps_ms ?? 0,
      region: before?.region ?? region,
    },
  };
}

/** Adds the time a step took (the steps Lambda's billed duration, ms) to the state's usage. */
export function addStepTime(state: WorkflowState, ms: number): WorkflowState {
  if (!state.usage) return state;
  return { ...state, usage: { ...state.usage, steps_ms: state.usage.steps_ms + Math.max(0, Math.ceil(ms)) } };
}

/** One more transition: the retry's Wait state (after attempt_failed decided to retry). */
export function countRetryWait(state: WorkflowState): WorkflowState {
  if (!state.usage || !state.retry?.again) return state;
  return {
    ...state,
    usage: { ...state.usage, transitions: state.usage.transitions + RETRY_WAIT_TRANSITIONS },
  };
}

export type WorkerSpan = { started_at: string | null; finished_at: string | null | undefined };

/** Seconds of each attempt that has both ends (the worker ran from start to end). */
export function attemptSeconds(spans: readonly WorkerSpan[]): number[] {
  const out: number[] = [];
  for (const s of spans) {
    if (!s.started_at || !s.finished_at) continue;
    const ms = Date.parse(s.finished_at) - Date.parse(s.started_at);
    if (Number.isFinite(ms) && ms >= 0) out.push(ms / 1000);
  }
  return out;
}

/** Fargate bills each task per second, rounded up, with a one-minute minimum (Linux). */
export const fargateBilledSeconds = (seconds: number) => Math.max(60, Math.ceil(seconds));
/** Lambda bills duration rounded up to the millisecond. */
export const lambdaBilledSeconds = (seconds: number) => Math.ceil(seconds * 1000) / 1000;

export const lambdaGbSeconds = (seconds: number, memoryMb: number) => seconds * (memoryMb / 1024);

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The cost of a run from what it used; `attempts`: the worker's seconds per attempt. */
export function computeRunCost(input: {
  job: Pick<JobDefinition, "runtime" | "fargate">;
  usage: Pick<WorkflowUsage, "transitions" | "steps_ms" | "steps_invocations">;
  attempts: readonly number[];
  region: string | null;
}): RunCost {
  const { region, prices } = pricesFor(input.region);
  const arch = DEPLOYED_ARCHITECTURE;
  const onFargate = input.job.runtime === "fargate" && input.job.fargate;
  const workerSeconds = onFargate ? 0 : input.attempts.reduce((a, s) => a + lambdaBilledSeconds(s), 0);
  const lambdaGbS =
    lambdaGbSeconds(workerSeconds, WORKER_MEMORY_MB) +
    lambdaGbSeconds(input.usage.steps_ms / 1000, STEPS_MEMORY_MB);
  const requests = input.usage.steps_invocations + (onFargate ? 0 : input.attempts.length);
  const taskSeconds = onFargate ? input.attempts.reduce((a, s) => a + fargateBilledSeconds(s), 0) : 0;
  const vcpuS = onFargate ? taskSeconds * (input.job.fargate!.cpu / 1024) : 0;
  const gbS = onFargate ? taskSeconds * (input.job.fargate!.memory_mb / 1024) : 0;
  const usd =
    input.usage.transitions * prices.stepFunctionsPerTransition +
    lambdaGbS * prices.lambdaPerGbSecond[arch] +
    requests * prices.lambdaPerRequest +
    (vcpuS / 3600) * prices.fargatePerVcpuHour[arch] +
    (gbS / 3600) * prices.fargatePerGbHour[arch];
  return {
    state_transitions: input.usage.transitions,
    lambda_gb_seconds: round(lambdaGbS, 3),
    fargate_vcpu_seconds: round(vcpuS, 3),
    fargate_gb_seconds: round(gbS, 3),
    usd: round(usd, 8),
    prices_as_of: PRICES_AS_OF,
    region,
    basis: "counted",
  };
}

/**
 * The cost of a run ended outside its workflow (a cancel, the reconciler, the sweeper), whose usage
 * counter the workflow never got to write. Inferred from the record: BeginRun and SlotOutcome once
 * the execution began, each failed attempt's RunWorker, AttemptFailed, ShouldRetry and retry wait,
 * the RunWorker state of the attempt still going; the worker billed from the attempt's start (the
 * run's start, or the end of the failed attempt before) to `endedAt`. A lower bound: Step Functions'
 * own retries and the steps Lambda's milliseconds are not known here.
 */
export function estimateRunCost(
  run: Pick<Run, "status" | "started_at" | "attempts" | "retry_at" | "workflow_execution_arn">,
  job: Pick<JobDefinition, "runtime" | "fargate">,
  endedAt: string,
): RunCost {
  const began = run.workflow_execution_arn !== null;
  const failed = run.attempts.length;
  const running = run.status === "RUNNING" && run.retry_at === null;
  const last = run.attempts.at(-1)?.finished_at ?? null;
  const spans: WorkerSpan[] = [...run.attempts];
  if (running) spans.push({ started_at: last ?? run.started_at, finished_at: endedAt });
  const transitions = began
    ? STEP_TRANSITIONS.begin +
      failed * (STEP_TRANSITIONS.attempt_failed + RETRY_WAIT_TRANSITIONS) +
      (running ? 1 : 0)
    : 0;
  return {
    ...computeRunCost({
      job,
      usage: { transitions, steps_ms: 0, steps_invocations: began ? 1 + failed : 0 },
      attempts: attemptSeconds(spans),
      region: regionOfArn(run.workflow_execution_arn ?? undefined),
    }),
    basis: "estimated",
  };
}

/**
 * Writes the cost of the run the workflow is ending, while it is still active (just before the
 * finish write). Best effort: a cost that cannot be written never keeps a run from ending.
 * `lastAttempt`: the successful attempt (not among the failed ones in Run.attempts).
 */
export async function recordRunCost(
  deps: Pick<CoreDeps, "runs" | "registry" | "logger">,
  state: WorkflowState,
  executionUuid: string,
  lastAttempt?: WorkerSpan,
): Promise<RunCost | null> {
  if (!state.usage) return null;
  try {
    const run = await deps.runs.get(executionUuid);
    const job = run ? deps.registry.find(run.job_name) : undefined;
    if (!run || !job) return null;
    const spans: WorkerSpan[] = [...(run.attempts as Attempt[])];
    if (lastAttempt) spans.push(lastAttempt);
    const cost = computeRunCost({
      job,
      usage: state.usage,
      attempts: attemptSeconds(spans),
      region: state.usage.region,
    });
    await deps.runs.patchActive(executionUuid, { cost });
    return cost;
  } catch (e) {
    deps.logger.warn("could not record the run's cost", { execution_uuid: executionUuid, error: String(e) });
    return null;
  }
}
