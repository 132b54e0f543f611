// Keeping the executor of schedules (EventBridge Scheduler in AWS) in line with the table, which is
// the source of truth (spec/architecture.md). A schedule write touches two systems: the executor
// first, the table item last (schedule-service.ts). A write that fails between the two, or a process
// that dies there, leaves them apart: an executor copy nothing in the table refers to (it keeps
// firing), or a table schedule the executor does not hold (it never fires, and the sweeper reports
// every fire missed). Two repairs close that gap:
//
// - At once, for one schedule (`followTable`): after a failed write the schedules service reads the
//   item back and puts or removes the executor's copy to match. Cheap (one consistent read, one
//   executor call), but it cannot help when the process dies, nor when the table is the part that
//   is down.
// - Periodically, for all (`ScheduleSync.reconcileIfDue`): the every-minute sweeper function runs
//   the backend's `reconcile` (create missing, delete orphans, fix drift) once every
//   SCHEDULE_RECONCILE_INTERVAL_MINUTES, and counts what it repaired (SCHEDULE_SYNC_METRICS).
//
// Why the sweeper and not a function of its own: the sweeper is already the periodic safety net
// (overdue runs, missed fires) with its rule, role and alarms; a second scheduled function would
// add a rule, a role, a log group and alarms for a pass that runs in well under a second. The pass
// is isolated from the sweep (its errors are counted, never thrown) so neither can stop the other.
// Why every 10 minutes and not every minute: a pass that finds nothing costs one table query plus
// one ListSchedules page per 100 schedules and one GetSchedule per schedule (drift is read
// field by field), and Scheduler's API quotas are per account, shared with the API's writes; the
// immediate repair covers the common failure, so the periodic pass only bounds how long a crash
// between the two writes can last (≤ 10 minutes + one sweep).
//
// A pass works from a snapshot of the table, so an API write that lands during it (its executor
// step after the snapshot) looks like drift and would be undone: a schedule created meanwhile looks
// like an orphan, one deleted meanwhile looks missing. So every schedule the pass changed is read
// again afterwards; one whose item changed since the snapshot is made to follow the table once more
// and is not counted as drift (`settleRaces`). One consistent read per repaired schedule, usually none.
//
// Locally there is nothing to reconcile: the local scheduler reads the table itself at every tick,
// so it has no second copy that could drift (localScheduleBackend.reconcile is a no-op and the local
// host does not run this pass).
import type { CoreDeps } from "#domain/core-deps.ts";
import type { ReconcileReport } from "#ports/schedule-backend.ts";
import type { Schedule } from "#schemas/schedule.ts";

/** How often the sweeper reconciles the executor with the table. */
export const SCHEDULE_RECONCILE_INTERVAL_MINUTES = 10;
/** The marker (scheduler state) holding the end of the last complete pass. */
export const SCHEDULE_RECONCILE_MARKER = "schedule-reconcile-at";

/**
 * Metrics of each reconcile pass in AWS, published by the sweeper function (0 included, so that
 * "nothing drifted" is a data point). ScheduleDriftRepaired: total, and per `change` dimension
 * (created / updated / deleted); ScheduleReconcileFailures: schedules the pass could not repair, or
 * 1 when the pass itself failed.
 */
export const SCHEDULE_SYNC_METRICS = {
  repaired: "ScheduleDriftRepaired",
  failed: "ScheduleReconcileFailures",
  changeDimension: "change",
} as const;

export type ScheduleSyncResult = {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: number;
  /** Schedules (or 1 for the whole pass) that could not be brought in line. */
  failed: number;
};

/** What a backend's reconcile error may carry: the part of the work it did (ReconcileError). */
function partialReport(err: unknown): ReconcileReport | null {
  const report = (err as { report?: unknown } | null)?.report as Partial<ReconcileReport> | undefined;
  if (!report || !Array.isArray(report.created) || !Array.isArray(report.updated)) return null;
  if (!Array.isArray(report.deleted) || typeof report.unchanged !== "number") return null;
  return report as ReconcileReport;
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Makes the executor's copy of one schedule follow the table now: put when the item exists,
 * removed when it does not. Throws what the store or the executor throws.
 */
export async function followTable(deps: CoreDeps, scheduleId: string): Promise<"put" | "removed"> {
  const current = await deps.schedules.get(scheduleId);
  if (current) {
    await deps.scheduleBackend.put(current);
    return "put";
  }
  await deps.scheduleBackend.remove(scheduleId);
  return "removed";
}

export class ScheduleSync {
  constructor(private readonly deps: CoreDeps) {}

  /** The whole reconcile when the last complete one is SCHEDULE_RECONCILE_INTERVAL_MINUTES old; never throws. */
  async reconcileIfDue(): Promise<ScheduleSyncResult | null> {
    const { clock, schedulerState, logger } = this.deps;
    const now = clock.now();
    let last: string | null;
    try {
      last = await schedulerState.getMarker(SCHEDULE_RECONCILE_MARKER);
    } catch (e) {
      logger.warn("schedule reconcile skipped: its marker could not be read", { error: messageOf(e) });
      return { created: [], updated: [], deleted: [], unchanged: 0, failed: 1 };
    }
    const lastAt = last ? Date.parse(last) : Number.NaN;
    const age = now.getTime() - lastAt;
    // A marker in the future (clock skew, hand edit) never holds the pass off: it runs and resets it.
    const due = Number.isNaN(age) || age < 0 || age >= SCHEDULE_RECONCILE_INTERVAL_MINUTES * 60_000;
    if (!due) return null;
    return this.reconcile();
  }

  /**
   * Brings the executor in line with every schedule of the table; never throws. The marker is set
   * once the pass has run through (some schedules may still have failed: they are counted and
   * tried again at the next pass); a pass that could not run at all is tried again next minute.
   */
  async reconcile(): Promise<ScheduleSyncResult> {
    const { schedules, scheduleBackend, schedulerState, clock, logger } = this.deps;
    let report: ReconcileReport;
    let failed = 0;
    let snapshot: Schedule[] = [];
    try {
      snapshot = await schedules.list();
      report = await scheduleBackend.reconcile(snapshot);
    } catch (e) {
      const partial = partialReport(e);
      if (!partial) {
        logger.error("schedule reconcile failed", { error: messageOf(e) });
        return { created: [], updated: [], deleted: [], unchanged: 0, failed: 1 };
      }
      report = partial;
      const errors = (e as { errors?: unknown }).errors;
      failed = Array.isArray(errors) ? errors.length : 1;
      logger.error("schedule reconcile: some schedules could not be repaired", {
        failed,
        error: messageOf(e),
      });
    }
    const settled = await this.settleRaces(snapshot, report);
    failed += settled.failed;
    report = settled.report;
    const result: ScheduleSyncResult = { ...report, failed };
    const repaired = report.created.length + report.updated.length + report.deleted.length;
    if (repaired > 0) {
      // Each one is a write that failed halfway, a crash between the two writes, or a hand edit.
      logger.warn("schedule drift repaired", {
        created: report.created,
        updated: report.updated,
        deleted: report.deleted,
      });
    }
    try {
      await schedulerState.putMarker(SCHEDULE_RECONCILE_MARKER, clock.now().toISOString());
    } catch (e) {
      logger.warn("schedule reconcile marker not written; the next sweep reconciles again", {
        error: messageOf(e),
      });
    }
    return result;
  }

  /**
   * Schedules the pass changed whose table item changed since the snapshot (an API write during the
   * pass): the executor follows the table again, and they are not reported as drift.
   */
  private async settleRaces(
    snapshot: readonly Schedule[],
    report: ReconcileReport,
  ): Promise<{ report: ReconcileReport; failed: number }> {
    const before = new Map(snapshot.map((s) => [s.id, s.updated_at]));
    const raced = new Set<string>();
    let failed = 0;
    for (const id of [...report.created, ...report.updated, ...report.deleted]) {
      try {
        const current = await this.deps.schedules.get(id);
        const unchanged = current ? before.get(id) === current.updated_at : !before.has(id);
        if (unchanged) continue;
        raced.add(id);
        await followTable(this.deps, id);
        this.deps.logger.info("schedule written during the reconcile: its executor copy follows the table", {
          schedule_id: id,
        });
      } catch (e) {
        failed++;
        this.deps.logger.error(
          "schedule reconcile: a schedule written during the pass could not be checked",
          {
            schedule_id: id,
            error: messageOf(e),
          },
        );
      }
    }
    const keep = (ids: string[]) => ids.filter((id) => !raced.has(id));
    return {
      report: {
        ...report,
        created: keep(report.created),
        updated: keep(report.updated),
        deleted: keep(report.deleted),
      },
      failed,
    };
  }
}
