// The logic behind each Task state of statemachines/run-job.asl.json. Every step takes the
// execution's state and returns the next state, and is safe to repeat (Step Functions retries).
// The state they pass is in workflow-state.ts, the reading of step errors in step-errors.ts, and
// the end of a run (status, slot, store retries) in run-finisher.ts.

import type { CoreDeps } from "#domain/core-deps.ts";
import { issuesToFields } from "#domain/errors.ts";
import { skipSummary } from "#domain/jobs/job-definition.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import type { Run, RunStatus } from "#schemas/run.ts";
import type { ExecutionPolicy } from "#schemas/schedule.ts";
import { concurrencyKey } from "./concurrency-key.ts";
import { runUuidFor } from "./execution-identity.ts";
import { logicalTime } from "./logical-time.ts";
import { ManualCooldown } from "./manual-cooldown.ts";
import { failedAttempt, withAttempt } from "./run-attempts.ts";
import { recordRunCost } from "./run-cost.ts";
import { RunFinisher } from "./run-finisher.ts";
import { newRun } from "./run-lifecycle.ts";
import { SlotQueue } from "./slot-queue.ts";
import { describeStepError, failureSummary, isTimeout } from "./step-errors.ts";
import { overrideSize } from "./task-override-size.ts";
import { isTaskResult, taskEndedUnreported } from "./task-results.ts";
import {
  type ExecutionRef,
  idleContext,
  type RunContext,
  requireRun,
  type WorkflowState,
} from "./workflow-state.ts";

export class WorkflowSteps {
  private readonly finisher: RunFinisher;

  constructor(private readonly deps: CoreDeps) {
    this.finisher = new RunFinisher(deps);
  }

  /**
   * BeginRun (issue 16: one Lambda call and one state instead of StartRun, ShouldRun, TakeSlot):
   * startRun, then, if there is a run to run, takeSlot. An error of startRun fails the state (the
   * run context does not exist yet; FailRun ends the run from the input, as before). An error of
   * takeSlot (e.g. ParamsTooLarge) comes back as `error` with slot outcome "failed", so FailRun
   * gets the run context, as when TakeSlot was its own state; the shape is Step Functions' own
   * for a Lambda error ({Error: errorType, Cause: JSON}).
   */
  async begin(state: WorkflowState, execution: ExecutionRef): Promise<WorkflowState> {
    const started = await this.startRun(state, execution);
    if (!started.run?.proceed) return started;
    try {
      return await this.takeSlot(started);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      return {
        ...started,
        slot: { outcome: "failed" },
        error: {
          Error: err.name,
          Cause: JSON.stringify({ errorType: err.name, errorMessage: err.message }),
        },
      };
    }
  }

  /** Ensures the run record exists; API-started runs already have one (RUNNING, slot held). */
  async startRun(state: WorkflowState, execution: ExecutionRef): Promise<WorkflowState> {
    const { registry, runs, clock, workflow, logger } = this.deps;
    const input = state.input;
    const job = registry.get(input.job_name);
    const executionUuid = runUuidFor(input, execution.name, execution.arn);
    const stop = (why: string): WorkflowState => {
      logger.info("schedule fire ends without a run", {
        execution_uuid: executionUuid,
        reason: why,
        schedule_id: input.schedule_id,
      });
      return { ...state, run: { ...idleContext(job.name, executionUuid), proceed: false } };
    };
    let params = (input.params ?? {}) as Record<string, unknown>;
    let policy: ExecutionPolicy = "skip";
    let queueTimeout = 3600;
    let scheduleName = input.schedule_name ?? null;
    // A backfill's runs wait their turn behind whatever holds the slot rather than being skipped.
    if (input.trigger_source === "backfill") policy = "queue";
    if (input.trigger_source === "schedule" && input.schedule_id) {
      // The table is the source of truth: a fire of a schedule that was since deleted, disabled,
      // or paused (EventBridge may lag behind) starts nothing.
      const schedule = await this.deps.schedules.get(input.schedule_id);
      if (!schedule) return stop("schedule no longer exists");
      if (!schedule.enabled) return stop("schedule is disabled");
      if ((await this.deps.schedulerState.getSettings()).paused) return stop("scheduler is paused");
      if (!(await this.deps.control.getJobEnabled(job.name))) return stop("job is disabled");
      params = schedule.params;
      policy = schedule.execution_policy;
      queueTimeout = schedule.queue_timeout_seconds;
      scheduleName = schedule.name;
    }
    let run = await runs.get(executionUuid);
    if (!run) {
      const parsed = job.parameters.safeParse(params);
      const valid = (parsed.success ? parsed.data : params) as Record<string, unknown>;
      const fresh = newRun({
        execution_uuid: executionUuid,
        job_name: job.name,
        params: valid,
        data_source: job.data_sources,
        concurrency_key: concurrencyKey(job.name, job.concurrency, valid),
        trigger_source: (input.trigger_source as "schedule") ?? "schedule",
        triggered_by: input.triggered_by ?? null,
        schedule_id: input.schedule_id ?? null,
        schedule_name: scheduleName,
        // Waits for its slot as QUEUED; take_slot makes it RUNNING (API starts pre-claim and write RUNNING).
        status: "QUEUED",
        now: clock.now(),
        workflow_execution_arn: execution.arn,
        ...logicalTime(input, clock.now()),
      });
      if (await runs.create(fresh)) {
        await runs.noteCreated(fresh);
        run = fresh;
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
      } else {
        run = await runs.get(executionUuid);
        if (!run) throw new Error(`run ${executionUuid} vanished while starting`);
      }
    }
    // Another execution already owns this run: a redelivered fire. It must not run twice.
    if (run.workflow_execution_arn && run.workflow_execution_arn !== execution.arn) {
      return stop(`duplicate delivery; the run belongs to ${run.workflow_execution_arn}`);
    }
    // Issue 16 part 6: a scheduled fire inside the cooldown after a manual run ends SKIPPED here.
    const fireAt = input.scheduled_time ? new Date(input.scheduled_time) : clock.now();
    run =
      (await new ManualCooldown(this.deps).skipFire(
        run,
        job,
        Number.isNaN(fireAt.getTime()) ? clock.now() : fireAt,
        this.finisher,
      )) ?? run;
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
        execution_policy: policy,
        queue_timeout_seconds: queueTimeout,
        queued_at: run.started_at,
        scheduled_for: run.scheduled_for ?? run.started_at,
      },
    };
  }

  /**
   * Takes the run's concurrency slot (already held when the API pre-claimed it). When another run
   * holds the key, the execution policy decides: skip → SKIPPED; queue → wait as QUEUED (the state
   * machine loops back here) until queue_timeout_seconds, then SKIPPED queue_timeout; allow → run.
   */
  async takeSlot(state: WorkflowState): Promise<WorkflowState> {
    const run = requireRun(state);
    const now = this.deps.clock.now();
    this.assertFitsTask(run, now.toISOString());
    // First queued, first served: a free slot is not taken while a run queued earlier still waits
    // (the slot is handed to it when the holder ends). A slot already handed to this run is its own.
    const slot =
      run.execution_policy === "queue" ? await this.deps.control.getSlot(run.concurrency_key) : null;
    const mustWait =
      run.execution_policy === "queue" &&
      slot?.execution_uuid !== run.execution_uuid &&
      (await new SlotQueue(this.deps).someoneBefore({ ...run, started_at: run.queued_at }));
    const result = mustWait
      ? { acquired: false, holder: slot }
      : await this.deps.control.acquireSlot(run.concurrency_key, {
          execution_uuid: run.execution_uuid,
          job_name: run.job_name,
          acquired_at: now.toISOString(),
        });
    if (result.acquired || run.execution_policy === "allow") {
      // allow without the slot: runs beside the holder and never releases someone else's slot.
      await this.deps.runs.patchActive(run.execution_uuid, { status: "RUNNING" });
      // The first attempt starts now (Run.attempts records each attempt's start).
      return {
        ...state,
        run: { ...run, attempt_started_at: now.toISOString() },
        slot: { outcome: "acquired" },
      };
    }
    const holder = result.holder?.execution_uuid ?? "?";
    if (run.execution_policy === "queue") {
      const waited = (now.getTime() - Date.parse(run.queued_at)) / 1000;
      const remaining = run.queue_timeout_seconds - waited;
      if (remaining > 0) {
        // Poll often at first, then less (each loop is a few state transitions in AWS).
        const wait = Math.max(
          1,
          Math.min(Math.ceil(remaining), Math.min(30, Math.max(2, Math.round(waited / 4)))),
        );
        return { ...state, slot: { outcome: "wait", wait_seconds: wait, holder } };
      }
      await this.finish(
        run,
        ["QUEUED"],
        "SKIPPED",
        `queue_timeout: run ${holder} of ${run.job_name} still active after ${run.queue_timeout_seconds} s`,
      );
      return { ...state, slot: { outcome: "skipped", holder } };
    }
    await this.finish(
      run,
      ["QUEUED"],
      "SKIPPED",
      `already_running: run ${holder} of ${run.job_name} is still active`,
    );
    return { ...state, slot: { outcome: "skipped", holder } };
  }

  /**
   * After a failed attempt: record it in the run (type, message, first stack frames) and decide
   * whether the job's retry policy allows another; a retry is announced with its start (retry_at).
   */
  async attemptFailed(state: WorkflowState): Promise<WorkflowState> {
    const run = requireRun(state);
    const { clock, logger, runs } = this.deps;
    // The attempt ended now, whatever the store does next: the run's real end if it is not retried.
    const endedAt = state.ended_at ?? clock.now().toISOString();
    state = { ...state, ended_at: endedAt };
    const job = this.deps.registry.get(run.job_name);
    const timedOut = isTimeout(state.error);
    const cancelled = state.error?.Error === "JobCancelled";
    // The job says this error fails the same way on every attempt (a rejected key): no retry.
    const permanent = (job.retry.non_retryable_errors ?? []).includes(state.error?.Error ?? "");
    if (permanent && run.attempt < run.max_attempts) {
      logger.warn("attempt failed with an error the job never retries", {
        execution_uuid: run.execution_uuid,
        attempt: run.attempt,
        error_type: state.error?.Error,
      });
    }
    const noRetry = { ...state, retry: { again: false, wait_seconds: 0 } };
    const record = failedAttempt(state.error, run.attempt, run.attempt_started_at ?? null, endedAt);
    let current: Run | null;
    try {
      current = await runs.get(run.execution_uuid);
    } catch (e) {
      if (!isStoreUnavailable(e)) throw e;
      // The store is down: no retry (it could not be recorded), and the job's own error stays the reason.
      logger.warn("store unavailable after a failed attempt; not retrying", {
        execution_uuid: run.execution_uuid,
        error: String(e),
      });
      return noRetry;
    }
    const attempts = withAttempt(current?.attempts, record);
    if (
      timedOut ||
      cancelled ||
      permanent ||
      run.attempt >= run.max_attempts ||
      current?.status !== "RUNNING"
    ) {
      if (current && !cancelled && (current.status === "RUNNING" || current.status === "QUEUED")) {
        // The last attempt is recorded before FailRun ends the run; a failed write only loses the detail.
        await runs.patchActive(run.execution_uuid, { attempts }).catch((e: unknown) => {
          if (!isStoreUnavailable(e)) throw e;
          logger.warn("could not record the last attempt", {
            execution_uuid: run.execution_uuid,
            error: String(e),
          });
        });
      }
      return noRetry;
    }
    const wait = Math.round(job.retry.backoff_seconds * job.retry.backoff_rate ** (run.attempt - 1));
    const next = run.attempt + 1;
    const startsAt = new Date(clock.now().getTime() + wait * 1000).toISOString();
    logger.warn("attempt failed, retrying", {
      execution_uuid: run.execution_uuid,
      attempt: run.attempt,
      next_attempt: next,
      wait_seconds: wait,
      retry_at: startsAt,
      error: describeStepError(state.error, job),
    });
    await runs.patchActive(run.execution_uuid, {
      attempt: next,
      attempts,
      retry_at: startsAt,
      max_attempts: run.max_attempts,
    });
    const { error: _dropped, ended_at: _retried, ...rest } = state;
    return {
      ...rest,
      run: { ...run, attempt: next, attempt_started_at: startsAt },
      retry: { again: true, wait_seconds: wait },
    };
  }

  async finishRun(state: WorkflowState): Promise<WorkflowState> {
    const run = requireRun(state);
    if (state.result !== undefined && !isTaskResult(state.result)) {
      // A fargate task whose container exited 0 without SendTaskSuccess: runTask.sync then ends the
      // state with ECS's description of the stopped task as $.result, not the job's counts.
      const summary = taskEndedUnreported(state.result);
      this.deps.logger.error("the task ended without reporting its result", {
        execution_uuid: run.execution_uuid,
        job_name: run.job_name,
        error: summary,
      });
      await recordRunCost(this.deps, state, run.execution_uuid, {
        started_at: run.attempt_started_at ?? null,
        finished_at: state.ended_at ?? this.deps.clock.now().toISOString(),
      });
      await this.finish(run, ["RUNNING"], "FAILURE", summary, undefined, undefined, {
        endedAt: state.ended_at,
        retry: true,
      });
      return state;
    }
    await recordRunCost(this.deps, state, run.execution_uuid, {
      started_at: run.attempt_started_at ?? null,
      finished_at: state.result?.ended_at ?? this.deps.clock.now().toISOString(),
    });
    const skip = state.result?.skip;
    await this.finish(
      run,
      ["RUNNING"],
      skip ? "SKIPPED" : "SUCCESS",
      skip ? skipSummary(skip) : null,
      state.result?.counts,
      state.result?.progress,
      { endedAt: state.result?.ended_at, retry: true },
    );
    return state;
  }

  async failRun(state: WorkflowState): Promise<WorkflowState> {
    const input = state.input;
    const run = state.run;
    const job = this.deps.registry.find(run?.job_name ?? input.job_name);
    const summary = failureSummary(state, job);
    // A heartbeat that ran out is a timeout too: the task stopped reporting, not the job failing.
    const status: RunStatus = isTimeout(state.error) ? "TIMED_OUT" : "FAILURE";
    // The run ended when its worker did (or its last attempt failed), not when this write lands.
    const result = isTaskResult(state.result) ? state.result : undefined;
    const endedAt = result?.ended_at ?? state.ended_at;
    if (run) {
      await recordRunCost(this.deps, state, run.execution_uuid);
      await this.finish(run, ["RUNNING", "QUEUED"], status, summary, result?.counts, result?.progress, {
        endedAt,
        retry: true,
      });
    } else if (input.execution_uuid) {
      // Failed before the run context existed (e.g. the store was down in StartRun).
      const uuid = input.execution_uuid;
      const existing = await this.finisher.untilStored("read the run to end it", uuid, () =>
        this.deps.runs.get(uuid),
      );
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
          undefined,
          undefined,
          { endedAt, retry: true },
        );
      }
    }
    return state;
  }

  /**
   * The safety net behind the API's 400 (task-override-size.ts): a fargate run whose context would
   * not fit ECS's container override fails here, with the reason, instead of RunTask refusing it
   * (a schedule saved before the job moved to fargate, a write that bypassed the API).
   */
  private assertFitsTask(run: RunContext, attemptStartedAt: string): void {
    const job = this.deps.registry.find(run.job_name);
    if (job?.runtime !== "fargate") return;
    const measured = overrideSize({ ...run, attempt_started_at: attemptStartedAt });
    if (measured.fits) return;
    throw Object.assign(
      new Error(
        `the run's params are ${measured.paramsChars} characters once passed to the task, at most ` +
          `${measured.paramsBudget}: a fargate job's run reaches its task in ECS's container override ` +
          `(${measured.limit} characters in all); pass large inputs by reference (an S3 key, a URL)`,
      ),
      { name: "ParamsTooLarge" },
    );
  }

  /** Ends a run (see RunFinisher.finish): the workflow's own ends, cancellation, reconciler, sweeper. */
  finish(...args: Parameters<RunFinisher["finish"]>) {
    return this.finisher.finish(...args);
  }
}
