// Issue 16 part 2: moves a backfill on. Starts its next pending times, oldest first, while fewer
// than `concurrency` of its runs are started and not ended. Called when the backfill is created, when
// one of its runs ends (the run finisher) and by the every-minute sweeper (a safety net for an end
// whose call was lost): never a loop that waits. Every start is claimed first by a conditional move
// of the backfill's cursor, so callers racing each other never start one time twice; and a time's
// run has a fixed id (backfill + time), created only if absent, so a repeated start is a no-op.
import { type CoreDeps, expiresAt } from "#domain/core-deps.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { concurrencyKey } from "#domain/runs/concurrency-key.ts";
import { durationSeconds, isFinished, newRun } from "#domain/runs/run-lifecycle.ts";
import type { Backfill } from "#schemas/backfill.ts";
import type { Run } from "#schemas/run.ts";
import { backfillRunUuid } from "./backfill-plan.ts";

/**
 * The slot of a backfill's run. A "params" job keeps runs of equal params apart because they would
 * write the same data; runs for different logical times write different periods, so the time is
 * part of the key and up to `concurrency` of them run side by side. A "job" job runs one at a time
 * whatever the period (its backfills run one by one: see BackfillService).
 */
export function backfillRunKey(job: JobDefinition, params: Record<string, unknown>, time: string): string {
  return job.concurrency === "params"
    ? concurrencyKey(job.name, "params", { params, scheduled_for: time })
    : concurrencyKey(job.name, job.concurrency, params);
}

/** Rounds of claim-and-start per call: each either starts something or finds nothing to do. */
const MAX_ROUNDS = 10;
/** Parallel reads of a backfill's runs. */
const READS_AT_ONCE = 25;

export class BackfillAdvancer {
  constructor(private readonly deps: CoreDeps) {}

  /** The run of each started time (null: claimed but not recorded yet), in `times` order. */
  async startedRuns(b: Backfill): Promise<Array<Run | null>> {
    const ids = b.times.slice(0, b.started).map((t) => backfillRunUuid(b.id, t));
    const out: Array<Run | null> = [];
    for (let i = 0; i < ids.length; i += READS_AT_ONCE) {
      out.push(...(await Promise.all(ids.slice(i, i + READS_AT_ONCE).map((id) => this.deps.runs.get(id)))));
    }
    return out;
  }

  /** A run of a backfill ended: its next pending times may start. Never fails the run's end. */
  async afterRun(run: Pick<Run, "backfill_id" | "execution_uuid">): Promise<void> {
    if (!run.backfill_id) return;
    try {
      await this.advance(run.backfill_id);
    } catch (e) {
      // The sweeper tries again within a minute.
      this.deps.logger.warn("backfill not advanced after its run ended", {
        execution_uuid: run.execution_uuid,
        backfill_id: run.backfill_id,
        error: String(e),
      });
    }
  }

  /** The sweeper's pass: every running backfill. */
  async advanceAll(): Promise<void> {
    for (const b of await this.deps.backfills.list()) {
      if (b.status !== "running") continue;
      try {
        await this.advance(b.id);
      } catch (e) {
        this.deps.logger.warn("backfill not advanced", { backfill_id: b.id, error: String(e) });
      }
    }
  }

  async advance(id: string): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const b = await this.deps.backfills.get(id);
      if (b?.status !== "running") return;
      const runs = await this.startedRuns(b);
      // A claimed time without its run (its starter died in between) is started again: same id.
      const unrecorded = b.times.slice(0, b.started).filter((_t, i) => runs[i] === null);
      for (const t of unrecorded) await this.start(b, t);
      const inFlight = runs.filter((r) => r === null || !isFinished(r.status)).length;
      if (b.started >= b.times.length) {
        if (inFlight === 0) {
          await this.deps.backfills.end(b.id, "done", this.deps.clock.now().toISOString(), null);
          this.deps.logger.info("backfill done", { backfill_id: b.id, job_name: b.job_name });
        }
        return;
      }
      const free = b.concurrency - inFlight;
      if (free <= 0) return;
      const to = Math.min(b.times.length, b.started + free);
      // Lost: someone else moved the cursor (or cancelled); look again.
      if (!(await this.deps.backfills.advance(b.id, b.started, to))) continue;
      let startedAny = false;
      for (const t of b.times.slice(b.started, to)) startedAny = (await this.start(b, t)) || startedAny;
      // Starts that all failed at once ended their runs already: the next round fills their places.
      if (startedAny) return;
    }
  }

  /** Creates the time's run (QUEUED, if absent) and starts its workflow; false when it could not start. */
  private async start(b: Backfill, time: string): Promise<boolean> {
    const { registry, runs, workflow, clock, logger, settings } = this.deps;
    const job = registry.get(b.job_name);
    const executionUuid = backfillRunUuid(b.id, time);
    const run = newRun({
      execution_uuid: executionUuid,
      job_name: job.name,
      params: b.params,
      data_source: job.data_sources,
      concurrency_key: backfillRunKey(job, b.params, time),
      trigger_source: "backfill",
      triggered_by: b.created_by,
      status: "QUEUED",
      now: clock.now(),
      scheduled_for: time,
      backfill_id: b.id,
    });
    if (!(await runs.create(run))) return true; // started by someone else
    await runs.noteCreated(run);
    try {
      await workflow.start(job.name, executionUuid, {
        job_name: job.name,
        execution_uuid: executionUuid,
        params: b.params,
        trigger_source: "backfill",
        triggered_by: b.created_by,
        scheduled_for: time,
        backfill_id: b.id,
      });
      logger.info("backfill run started", {
        execution_uuid: executionUuid,
        backfill_id: b.id,
        scheduled_for: time,
      });
      return true;
    } catch (e) {
      // The run ends with what happened; the backfill moves on to its next time.
      logger.error("backfill run not started", {
        execution_uuid: executionUuid,
        backfill_id: b.id,
        error: String(e),
      });
      const now = clock.now();
      await runs.finish(executionUuid, ["QUEUED"], {
        status: "FAILURE",
        finished_at: now.toISOString(),
        duration_seconds: durationSeconds(run.started_at, now.toISOString()),
        error_summary: `could not start the workflow: ${String(e)}`.slice(0, 512),
        next_scheduled_for: null,
        expires_at: expiresAt(now, settings.retentionDays),
      });
      return false;
    }
  }
}
