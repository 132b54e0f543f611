// Thin handler of the RunWorker Task: runs one attempt of the job and returns its counts.
//
// Cancel, the same in both hosts: a cancel marks the run CANCELLED first and then stops the
// execution. Stopping a Step Functions execution does not stop the Lambda invocation that runs the
// worker, and a job that writes no progress would never hear of it; so while the job runs, the
// worker reads its run's status every CANCEL_POLL_MS and aborts the job's signal once the run is
// no longer RUNNING. The local interpreter's own AbortSignal stays, as an extra (it is faster).

import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobDefinition, JobLogger, JobStoresOf } from "#domain/jobs/job-definition.ts";
import { bindLogger } from "#domain/logging.ts";
import { executeJob, JobCancelledError } from "#domain/runs/job-attempt.ts";
import { maskFields, maskSecrets, stackFrames } from "#domain/runs/run-attempts.ts";
import type { WorkflowState } from "#domain/runs/workflow-state.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import type { SecretReader } from "#ports/secret-reader.ts";
import type { Progress, Run } from "#schemas/run.ts";

/** The worker is called with the whole workflow state (direct Lambda ARN resource, no Parameters). */
export type WorkerPayload = WorkflowState;

/** Opens the stores `job` declares (the host knows their tables and its DynamoDB client). */
export type StoreOpener = (job: JobDefinition) => JobStoresOf;

/**
 * How often a running attempt reads its run's status to learn of a cancel. Each read is one
 * GetItem of one run item (RunStore.get: strongly consistent, 1 read unit up to 4 KB), 720 per
 * run-hour: on demand, well under a thousandth of a dollar per run-hour, beside a Lambda whose
 * duration is billed anyway. 5 s keeps a cancel felt within seconds of the click (the issue's
 * bound) without a read per second; a progress write that found the run RUNNING within the
 * interval stands in for the read (it checks the same condition), so a job that reports progress
 * costs no extra read at all.
 */
export const CANCEL_POLL_MS = 5000;

export type RunWorkerDeps = CoreDeps & {
  openStores: StoreOpener;
  minWriteIntervalMs?: number;
  /** The status read's spacing; CANCEL_POLL_MS unless a test needs it faster. */
  cancelPollMs?: number;
  /** Called after each progress write that found the run RUNNING (a task's heartbeat rides on it). */
  onProgressWritten?: () => void;
  /** Where the job's declared secrets are read (ctx.secret); none configured when absent. */
  secrets?: SecretReader;
};

/** A logger that masks secrets (the values jobs read, credentials by their look) in every line. */
export function maskingLogger(base: JobLogger): JobLogger {
  const wrap =
    (level: keyof JobLogger) =>
    (message: string, extra?: Record<string, unknown>): void =>
      base[level](maskSecrets(message), extra === undefined ? undefined : maskFields(extra));
  return { debug: wrap("debug"), info: wrap("info"), warn: wrap("warn"), error: wrap("error") };
}

/**
 * The error as it leaves the worker, with secrets masked in its message and stack: Lambda turns it
 * into the Task state's Cause, which becomes the run's error summary in another function.
 */
export function maskedError(err: Error): Error {
  const message = maskSecrets(err.message);
  if (message === err.message && maskSecrets(err.stack ?? "") === (err.stack ?? "")) return err;
  const out = new Error(message);
  out.name = err.name;
  out.stack = maskSecrets(err.stack ?? `${err.name}: ${message}`);
  return out;
}

export function createRunWorker(deps: RunWorkerDeps) {
  return async (payload: WorkerPayload, signal?: AbortSignal): Promise<WorkflowState> => {
    const state = payload;
    const run = state.run;
    if (!run) throw new Error("worker called without a run context");
    const job = deps.registry.get(run.job_name);
    const logger = bindLogger(maskingLogger(deps.logger), {
      execution_uuid: run.execution_uuid,
      job_name: run.job_name,
      attempt: run.attempt,
    });
    let previous: Progress | null = null;
    if (run.attempt > 1) {
      try {
        previous = (await deps.runs.get(run.execution_uuid))?.progress ?? null;
      } catch (e) {
        // The earlier attempt's stages are a nicety: a store that is down does not stop the attempt.
        if (!isStoreUnavailable(e)) throw e;
        logger.warn("could not read the earlier attempt's progress", { error: String(e) });
      }
    }
    logger.info("worker started");
    const watch = watchRunStatus({
      read: () => deps.runs.get(run.execution_uuid),
      intervalMs: deps.cancelPollMs ?? CANCEL_POLL_MS,
      logger,
    });
    const stopped = signal ? AbortSignal.any([signal, watch.signal]) : watch.signal;
    let result: Awaited<ReturnType<typeof executeJob>>;
    try {
      result = await executeJob(
        {
          job,
          executionUuid: run.execution_uuid,
          attempt: run.attempt,
          params: run.params,
          scheduledFor: run.scheduled_for ? new Date(run.scheduled_for) : undefined,
          timeoutSeconds: run.timeout_seconds,
          previous,
        },
        {
          sink: {
            write: async (snap) => {
              const running = await deps.runs.writeProgress(run.execution_uuid, snap);
              if (running) {
                watch.confirmed();
                deps.onProgressWritten?.();
              }
              return running;
            },
            writeCancelledCounts: (counts) => deps.runs.writeCancelledCounts(run.execution_uuid, counts),
          },
          stores: deps.openStores(job),
          secrets: deps.secrets,
          logger,
          signal: stopped,
          now: () => deps.clock.now(),
          minWriteIntervalMs: deps.minWriteIntervalMs,
        },
      );
    } catch (e) {
      // The attempt's own log line, with the run's id (Lambda's "Invoke Error" line carries none).
      const err = e instanceof Error ? e : new Error(String(e));
      if (err instanceof JobCancelledError) logger.info("attempt stopped", { reason: err.message });
      else
        logger.error("attempt failed", {
          error_type: err.name,
          error: maskSecrets(err.message).slice(0, 1000),
          stack: stackFrames(err.stack),
        });
      throw err instanceof JobCancelledError ? err : maskedError(err);
    } finally {
      watch.stop();
    }
    // The run's real end: the final record may land later if the store is slow or down.
    const ended_at = deps.clock.now().toISOString();
    logger.info("worker finished", { ...result.counts });
    return { ...state, result: { ...result, ended_at } };
  };
}

/**
 * Reads the run every `intervalMs` (never two reads at once) until stopped, and aborts `signal`
 * when the run is no longer RUNNING. A failed read (the store is down) is logged and the next one
 * tries again: the job is not failed for it. A run that is not found (expired, removed by hand) is
 * no news here; the progress write, conditional on RUNNING, settles that case.
 */
export function watchRunStatus(opts: {
  read: () => Promise<Run | null>;
  intervalMs: number;
  logger: Pick<JobLogger, "warn" | "info">;
}): { signal: AbortSignal; confirmed(): void; stop(): void } {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let done = false;
  let confirmedAt = Number.NEGATIVE_INFINITY;
  let failures = 0;
  const arm = () => {
    if (done) return;
    timer = setTimeout(tick, opts.intervalMs);
    timer.unref?.();
  };
  const tick = async () => {
    timer = null;
    if (done) return;
    // A progress write found the run RUNNING within the interval: that is the same answer.
    if (Date.now() - confirmedAt < opts.intervalMs) return arm();
    try {
      const run = await opts.read();
      if (failures > 0) opts.logger.info("run status readable again", { failed_reads: failures });
      failures = 0;
      if (!done && run && run.status !== "RUNNING") {
        done = true;
        opts.logger.info("run is no longer RUNNING: cancelling the job", { status: run.status });
        abort.abort(new JobCancelledError(`run is ${run.status} (cancelled or ended elsewhere)`));
        return;
      }
    } catch (e) {
      failures++;
      if (failures === 1) opts.logger.warn("could not read the run's status", { error: String(e) });
    }
    arm();
  };
  arm();
  return {
    signal: abort.signal,
    confirmed: () => {
      confirmedAt = Date.now();
    },
    stop: () => {
      done = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
