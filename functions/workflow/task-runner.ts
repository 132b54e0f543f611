// One attempt of a job whose runtime is "fargate", inside its task (an ECS Fargate container in
// AWS, a child process locally): the same run worker as the Lambda path (progress, cancel watch,
// counters), plus the task's side of the workflow: heartbeats with progress (at most one per
// `heartbeatEveryMs`), and the state's end through the reporter. SIGTERM (ECS stopping the task
// after a cancel, the local runner's stop) aborts the job's signal; the final flush then has the
// task's stop timeout to land.
import { bindLogger } from "#domain/logging.ts";
import { lambdaCause } from "#domain/runs/run-attempts.ts";
import type { RunContext } from "#domain/runs/workflow-state.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import { TaskNoLongerWaitedError, type TaskReporter } from "#ports/task-reporter.ts";
import type { RunTask } from "#schemas/run.ts";
import { createRunWorker, type RunWorkerDeps } from "./worker-handler.ts";

/** Step Functions' advice: heartbeats well inside HeartbeatSeconds, not per progress tick. */
export const HEARTBEAT_EVERY_MS = 60_000;

export type TaskAttemptOptions = {
  /** Aborts the attempt (SIGTERM of the task). */
  signal: AbortSignal;
  /** Spacing of heartbeats; HEARTBEAT_EVERY_MS unless a test needs it faster. */
  heartbeatEveryMs?: number;
  /** Where this attempt runs (the host knows: ECS task metadata, or its own pid): shown on the run page. */
  task: Pick<RunTask, "id" | "pid" | "console_url" | "log_stream_url">;
};

export type TaskAttemptOutcome = "succeeded" | "failed";

/** Runs `run`'s attempt and reports its end; never throws for the job's own failure. */
export async function runTaskAttempt(
  deps: RunWorkerDeps,
  run: RunContext,
  reporter: TaskReporter,
  opts: TaskAttemptOptions,
): Promise<TaskAttemptOutcome> {
  const logger = bindLogger(deps.logger, {
    execution_uuid: run.execution_uuid,
    job_name: run.job_name,
    attempt: run.attempt,
  });
  const every = opts.heartbeatEveryMs ?? HEARTBEAT_EVERY_MS;
  const lost = new AbortController();
  let lastBeat = 0;
  let beating: Promise<void> | null = null;
  const beat = () => {
    if (beating || Date.now() - lastBeat < every) return;
    lastBeat = Date.now();
    beating = reporter
      .heartbeat()
      .catch((e: unknown) => {
        // The state stopped waiting (heartbeat or budget ran out, execution stopped): stop the job.
        if (e instanceof TaskNoLongerWaitedError) {
          logger.warn("the workflow no longer waits for this task: stopping the job", { error: e.message });
          lost.abort(e);
        } else logger.warn("heartbeat failed", { error: String(e) });
      })
      .finally(() => {
        beating = null;
      });
  };
  const worker = createRunWorker({ ...deps, onProgressWritten: beat });
  beat();
  const task: RunTask = { ...opts.task, attempt: run.attempt, started_at: deps.clock.now().toISOString() };
  logger.info("task started", { task_id: task.id, pid: task.pid });
  try {
    await deps.runs.patchActive(run.execution_uuid, { task });
  } catch (e) {
    // The link is a nicety: a store that is down does not stop the attempt.
    if (!isStoreUnavailable(e)) throw e;
    logger.warn("could not record the task on the run", { error: String(e) });
  }
  try {
    const state = await worker(
      { input: { job_name: run.job_name, params: run.params, trigger_source: "task" }, run },
      AbortSignal.any([opts.signal, lost.signal]),
    );
    const result = state.result;
    if (!result) throw new Error("the worker ended without a result");
    await reporter.succeeded({
      counts: result.counts,
      progress: result.progress,
      ended_at: result.ended_at ?? new Date().toISOString(),
      ...(result.skip ? { skip: result.skip } : {}),
    });
    return "succeeded";
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    if (!lost.signal.aborted) await reporter.failed(err.name, lambdaCause(err));
    return "failed";
  }
}
