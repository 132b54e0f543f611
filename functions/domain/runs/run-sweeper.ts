// The safety net behind "runs always end" and "missed runs are seen" (issue: reliability).
// The workflow's Catch, the status-change rule (AWS) and the interpreter's end (local) end almost
// every run; this periodic sweep (every minute) ends what they could not — a run RUNNING past its
// job's whole time budget, a run QUEUED past the longest queue wait — records fire times of
// enabled schedules that produced no run at all, and (issue 15) stops fargate tasks whose run has
// ended (SweepHooks.fleet).

import { BackfillAdvancer } from "#domain/backfills/backfill-advancer.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { PauseService } from "#domain/pauses/pause-service.ts";
import { fireTimesOrSkip } from "#domain/schedules/schedule-times.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import type { MissedFire } from "#ports/schedule-store.ts";
import type { TaskFleet } from "#ports/task-fleet.ts";
import type { Run } from "#schemas/run.ts";
import { runUuidForFire } from "./execution-identity.ts";
import { WorkflowSteps } from "./workflow-steps.ts";

/** After its budget a RUNNING run gets this long for the normal paths to end it. */
export const SWEEP_GRACE_SECONDS = 60;
/** Longest queue wait a schedule may ask for (queue_timeout_seconds ≤ 24 h), plus the grace. */
const QUEUE_LIMIT_SECONDS = 24 * 3600;
/** A fire time with no run this long after it is missed (EventBridge's delivery plus the start). */
export const MISSED_GRACE_SECONDS = 300;
/**
 * The latest a fire may still start (the local scheduler after an outage of its store): a fire
 * found later than this after its time is recorded missed instead. It ends a minute before the
 * sweeper's grace, so a late fire's run exists before the sweeper looks for it: each fire is
 * either run or recorded missed, never both.
 */
export const LATE_FIRE_WINDOW_SECONDS = MISSED_GRACE_SECONDS - 60;
/** How far back the first scan looks; later scans start where the last one stopped. */
const MISSED_LOOKBACK_SECONDS = 24 * 3600;
const MISSED_SCAN_MARKER = "missed-scan-until";
const MAX_FIRES_PER_SCHEDULE = 500;

/** Metrics of each sweep in AWS (the missed-fires alarm watches MissedFires). */
export const SWEEP_METRICS = {
  missed: "MissedFires",
  swept: "SweptRuns",
  stoppedTasks: "StoppedOrphanTasks",
} as const;

/**
 * A task younger than this is left alone even when its run is not found or not active: the run
 * record of a starting run may not be readable yet, and a task just started for a retry carries
 * the new attempt while its run is being updated.
 */
export const ORPHAN_GRACE_SECONDS = 60;

/** All the time a run may take: every attempt up to its timeout, plus the waits between them. */
export function runBudgetSeconds(job: Pick<JobDefinition, "timeout_seconds" | "retry">): number {
  let total = job.timeout_seconds * job.retry.attempts;
  for (let i = 0; i < job.retry.attempts - 1; i++)
    total += job.retry.backoff_seconds * job.retry.backoff_rate ** i;
  return total;
}

/** A run of a job no longer in the registry: defineJob's default timeout (900 s), one attempt. */
const UNKNOWN_JOB_BUDGET_SECONDS = 900;
const budgetOf = (job: JobDefinition | undefined) =>
  job ? runBudgetSeconds(job) : UNKNOWN_JOB_BUDGET_SECONDS;
const deadlineAfter = (startedAt: string, budgetSeconds: number) =>
  Date.parse(startedAt) + (budgetSeconds + SWEEP_GRACE_SECONDS) * 1000;

/** When the sweep ends a RUNNING run of this job (the scheduler status calls such runs stale). */
export function sweepDeadline(run: Pick<Run, "started_at">, job: JobDefinition | undefined): number {
  return deadlineAfter(run.started_at, budgetOf(job));
}

export type SweepResult = {
  ended: string[];
  missed: MissedFire[];
  /** Ids of the tasks stopped because their run had ended (or is gone). */
  stopped: string[];
  /** Issue 16 part 5: the pause targets resumed because their `until` came. */
  resumed: string[];
};

export type SweepHooks = {
  onMissed?: (missed: MissedFire[]) => void | Promise<void>;
  /**
   * The tasks fargate jobs run in (ECS in AWS when JOBDECK_CLUSTER_ARN is set, the local
   * runner's children locally); absent, no task is looked at.
   */
  fleet?: TaskFleet;
};

export class RunSweeper {
  private readonly steps: WorkflowSteps;

  constructor(
    private readonly deps: CoreDeps,
    private readonly hooks: SweepHooks = {},
  ) {
    this.steps = new WorkflowSteps(deps);
  }

  async sweep(): Promise<SweepResult> {
    const ended = await this.endOverdueRuns();
    // After the overdue runs are ended, so their tasks go in the same sweep.
    const stopped = await this.stopOrphanedTasks();
    const missed = await this.recordMissedFires();
    if (missed.length) await this.hooks.onMissed?.(missed);
    // Issue 16 part 5: pauses whose `until` has come resume (actor "system").
    const resumed = await this.resumeExpiredPauses();
    // Issue 16 part 2: the safety net of backfills whose run-end call was lost.
    await this.advanceBackfills();
    return { ended, missed, stopped, resumed };
  }

  /** Never throws: a store outage leaves the pauses for the next sweep. */
  private async resumeExpiredPauses(): Promise<string[]> {
    try {
      return await new PauseService(this.deps).resumeExpired();
    } catch (e) {
      this.deps.logger.warn("expired pauses not read", { error: e instanceof Error ? e.message : String(e) });
      return [];
    }
  }

  /** Never throws either: backfills left for the next sweep when the store is down. */
  private async advanceBackfills(): Promise<void> {
    try {
      await new BackfillAdvancer(this.deps).advanceAll();
    } catch (e) {
      this.deps.logger.warn("backfills not advanced", { error: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * Stops the tasks whose run is finished or missing: an attempt's task can outlive its run (the
   * execution was stopped while ECS was still starting it, the reconciler or this sweeper ended the
   * run, the stop did not reach it). A task costs money by the second, and its late writes are
   * refused anyway. A task younger than ORPHAN_GRACE_SECONDS, or whose run cannot be read (the
   * store is down), is left for the next sweep: nothing is stopped on a guess. Never throws.
   */
  async stopOrphanedTasks(): Promise<string[]> {
    const fleet = this.hooks.fleet;
    if (!fleet) return [];
    const { runs, clock, logger } = this.deps;
    const now = clock.now().getTime();
    const stopped: string[] = [];
    let tasks: Awaited<ReturnType<TaskFleet["listRunning"]>>;
    try {
      tasks = await fleet.listRunning();
    } catch (e) {
      logger.warn("could not list the running tasks", { error: errorText(e) });
      return stopped;
    }
    for (const task of tasks) {
      const started = task.started_at ? Date.parse(task.started_at) : Number.NaN;
      if (Number.isNaN(started) || now - started < ORPHAN_GRACE_SECONDS * 1000) continue;
      let run: Run | null;
      try {
        run = await runs.get(task.execution_uuid);
      } catch (e) {
        if (!isStoreUnavailable(e)) logger.warn("could not read a task's run", { error: errorText(e) });
        continue;
      }
      if (run && (run.status === "RUNNING" || run.status === "QUEUED")) continue;
      const why = run ? `its run ended ${run.status}` : "its run does not exist";
      const reason = `jobdeck sweeper: ${why} (execution_uuid ${task.execution_uuid})`;
      try {
        await fleet.stop(task.id, reason);
      } catch (e) {
        logger.warn("could not stop an orphaned task", {
          execution_uuid: task.execution_uuid,
          task_id: task.id,
          error: errorText(e),
        });
        continue;
      }
      stopped.push(task.id);
      logger.warn("stopped an orphaned task", {
        execution_uuid: task.execution_uuid,
        task_id: task.id,
        run_status: run?.status ?? null,
        started_at: task.started_at,
      });
    }
    return stopped;
  }

  /** Ends runs the normal paths left active past any time they could legitimately take. */
  async endOverdueRuns(): Promise<string[]> {
    const { runs, registry, clock, logger, workflow } = this.deps;
    const now = clock.now().getTime();
    const ended: string[] = [];
    for (const run of await runs.listActive()) {
      const job = registry.find(run.job_name);
      let outcome: { status: "TIMED_OUT" | "SKIPPED"; summary: string } | null = null;
      const budget = budgetOf(job);
      if (run.status === "RUNNING" && now > deadlineAfter(run.started_at, budget)) {
        outcome = {
          status: "TIMED_OUT",
          summary: `no end was recorded within the job's time budget (${budget} s for ${job?.retry.attempts ?? 1} attempt(s)) plus ${SWEEP_GRACE_SECONDS} s; ended by the sweeper`,
        };
      } else if (
        run.status === "QUEUED" &&
        now > Date.parse(run.started_at) + (QUEUE_LIMIT_SECONDS + SWEEP_GRACE_SECONDS) * 1000
      ) {
        outcome = {
          status: "SKIPPED",
          summary: "queued longer than any queue timeout; ended by the sweeper",
        };
      }
      if (!outcome) continue;
      const done = await this.steps.finish(run, [run.status], outcome.status, outcome.summary);
      if (!done) continue; // ended meanwhile by another path
      ended.push(run.execution_uuid);
      logger.warn("swept an overdue run", {
        execution_uuid: run.execution_uuid,
        job_name: run.job_name,
        run_status: outcome.status,
      });
      if (run.workflow_execution_arn) {
        try {
          await workflow.stop(run.workflow_execution_arn, outcome.summary);
        } catch (e) {
          // Already ended, or not stoppable: the run record is final either way.
          logger.warn("stop of a swept execution failed", {
            execution_uuid: run.execution_uuid,
            error: e instanceof Error ? e.message : String(e),
          });
        }
      }
    }
    return ended;
  }

  /**
   * Fire times of enabled schedules (of enabled jobs, scheduler not paused) that have no run —
   * of any status — MISSED_GRACE_SECONDS after they were due. A fire's run has a fixed id
   * (schedule id + scheduled time), so the check is one read per fire, no index needed.
   */
  async recordMissedFires(): Promise<MissedFire[]> {
    const { clock, schedules, schedulerState, control, runs } = this.deps;
    const now = clock.now();
    const until = new Date(now.getTime() - MISSED_GRACE_SECONDS * 1000);
    const marker = await schedulerState.getMarker(MISSED_SCAN_MARKER);
    const earliest = now.getTime() - MISSED_LOOKBACK_SECONDS * 1000;
    const since = new Date(Math.max(earliest, marker ? Date.parse(marker) || earliest : earliest));
    if (until <= since) return [];
    const settings = await schedulerState.getSettings();
    const missed: MissedFire[] = [];
    // While paused nothing is due: the window is passed over, not reported.
    if (!settings.paused) {
      const [list, flags] = await Promise.all([
        schedules.list({ enabled: true }),
        control.listJobEnabled(this.deps.registry.names()),
      ]);
      for (const s of list) {
        if (flags.get(s.job_name) === false) continue;
        // Fires before the schedule's last change may have followed another expression. A stored
        // time that does not parse (hand edit) says nothing about that, so it is passed over.
        const changed = [s.updated_at, s.created_at]
          .map((t) => Date.parse(t))
          .filter((t) => !Number.isNaN(t));
        const from = new Date(Math.max(since.getTime(), ...changed));
        // An item that cannot be evaluated never fires, so none of its fires is missed.
        const times = fireTimesOrSkip(
          s,
          from,
          MAX_FIRES_PER_SCHEDULE,
          this.deps.logger,
          "the missed-fire check",
        );
        const due = times.filter((t) => t <= until);
        for (const t of due) {
          const scheduled = t.toISOString();
          if (await runs.get(runUuidForFire(s.id, scheduled))) continue;
          const m: MissedFire = {
            schedule_id: s.id,
            schedule_name: s.name,
            job_name: s.job_name,
            scheduled_time: scheduled,
            reason: `no run ${MISSED_GRACE_SECONDS / 60} minutes after the fire time`,
            recorded_at: now.toISOString(),
          };
          // Decided once: a fire already recorded (by the local scheduler, or an earlier sweep that
          // stopped before its marker) keeps its first record and is not reported again.
          if (await schedulerState.recordMissed(m)) missed.push(m);
        }
      }
    }
    await schedulerState.putMarker(MISSED_SCAN_MARKER, until.toISOString());
    if (missed.length) this.deps.logger.warn("missed schedule fires", { count: missed.length });
    return missed;
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
