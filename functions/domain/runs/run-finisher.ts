// Ending a run: the finished status written once (only from the expected statuses), the slot freed,
// and, for the workflow's own end of a run, the write retried while the store is down. Shared by the
// workflow steps, cancellation, the reconciler and the sweeper (through WorkflowSteps.finish).
import { BackfillAdvancer } from "#domain/backfills/backfill-advancer.ts";
import { type CoreDeps, expiresAt } from "#domain/core-deps.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import type { Progress, RunCounts, RunStatus } from "#schemas/run.ts";
import { anomaliesForRun } from "./run-anomalies.ts";
import { estimateRunCost } from "./run-cost.ts";
import { durationSeconds, summarizeError } from "./run-lifecycle.ts";
import { SlotQueue } from "./slot-queue.ts";
import type { RunContext } from "./workflow-state.ts";

/** How long the final write of a run is retried while the store is down, unless settings say otherwise. */
export const STORE_RETRY_SECONDS = 120;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RunFinisher {
  constructor(private readonly deps: CoreDeps) {}

  /**
   * Retries `write` with backoff while the store is unavailable (down, slow, 5xx, disk full), for at
   * most settings.storeRetrySeconds: the end of a run lands as soon as the store answers again.
   */
  async untilStored<T>(what: string, executionUuid: string, write: () => Promise<T>): Promise<T> {
    const budgetMs = (this.deps.settings.storeRetrySeconds ?? STORE_RETRY_SECONDS) * 1000;
    const deadline = Date.now() + budgetMs;
    let wait = 250;
    for (let failures = 0; failures < 10_000; failures++) {
      try {
        return await write();
      } catch (e) {
        if (!isStoreUnavailable(e) || Date.now() + wait > deadline) throw e;
        this.deps.logger.warn("store unavailable; retrying", {
          execution_uuid: executionUuid,
          what,
          failures: failures + 1,
          wait_ms: wait,
          error: String(e),
        });
        await sleep(wait);
        wait = Math.min(wait * 2, 5000);
      }
    }
    return write();
  }

  /**
   * Moves the run to a finished status (only from `from`), then frees its slot. `endedAt` is when
   * the run really ended (its worker's end). With `retry` (the workflow's own end of a run), the
   * write is retried while the store is down, so the run is not left RUNNING; API requests and the
   * sweeper do not wait (they answer 503 / try again at the next sweep).
   */
  async finish(
    run: Pick<RunContext, "execution_uuid" | "job_name" | "concurrency_key">,
    from: RunStatus[],
    status: RunStatus,
    errorSummary: string | null,
    counts?: RunCounts,
    progress?: Progress,
    opts: { endedAt?: string; retry?: boolean } = {},
  ) {
    const { runs, clock, nextFire, settings, logger } = this.deps;
    const endedAt = opts.endedAt && !Number.isNaN(Date.parse(opts.endedAt)) ? new Date(opts.endedAt) : null;
    const end = endedAt ?? clock.now();
    const finishedAt = end.toISOString();
    const write = async () => {
      const existing = await runs.get(run.execution_uuid);
      // Issue 16 part 3: a successful run's anomaly flags go into its final record (never throws).
      const anomalies =
        existing && status === "SUCCESS" ? await anomaliesForRun(this.deps, existing, counts) : undefined;
      // Issue 16 part 4: every finished run carries a cost. The workflow writes the one it counted
      // before it ends a run; an end from outside it (cancel, reconciler, sweeper) is estimated.
      const job = existing && !existing.cost ? this.deps.registry.find(existing.job_name) : undefined;
      const cost = existing && job ? estimateRunCost(existing, job, finishedAt) : undefined;
      const done = existing
        ? await runs.finish(run.execution_uuid, from, {
            status,
            finished_at: finishedAt,
            duration_seconds: durationSeconds(existing.started_at, finishedAt),
            error_summary: errorSummary === null ? null : summarizeError(errorSummary),
            next_scheduled_for: await nextFire.nextFor(run.job_name),
            counts,
            progress,
            expires_at: expiresAt(end, settings.retentionDays),
            ...(anomalies !== undefined ? { anomalies } : {}),
            ...(cost ? { cost } : {}),
          })
        : null;
      await new SlotQueue(this.deps).release(run);
      return done;
    };
    const updated = opts.retry
      ? await this.untilStored("record the run's end", run.execution_uuid, write)
      : await write();
    if (updated) {
      await this.deps.onRunFinished?.(updated);
      // Issue 16 part 2: a backfill's next pending time may start now that this one ended.
      await new BackfillAdvancer(this.deps).afterRun(updated);
      logger.info("run finished", {
        execution_uuid: run.execution_uuid,
        job_name: run.job_name,
        status,
        duration_seconds: updated.duration_seconds,
        inserted_count: updated.inserted_count,
        error_summary: updated.error_summary,
      });
    }
    return updated;
  }
}
