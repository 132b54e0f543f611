// Lambda entry of the every-minute EventBridge rule (kind "sweeper"):
// ends runs left active past their job's time budget and records missed schedule fires, counted
// in the MissedFires metric that the missed-fires alarm watches; and every
// SCHEDULE_RECONCILE_INTERVAL_MINUTES reconciles EventBridge Scheduler with the schedules table
// (functions/domain/schedules/schedule-sync.ts says why here), counting what it repaired in
// ScheduleDriftRepaired and what it could not in ScheduleReconcileFailures. With a cluster of
// fargate jobs (JOBDECK_CLUSTER_ARN) it also stops tasks whose run has ended (StoppedOrphanTasks).
import type { Metrics } from "@aws-lambda-powertools/metrics";
import type { Context } from "aws-lambda";
import { createMetrics } from "#adapters/powertools-logger.ts";
import { RunSweeper, SWEEP_METRICS } from "#domain/runs/run-sweeper.ts";
import {
  SCHEDULE_SYNC_METRICS,
  ScheduleSync,
  type ScheduleSyncResult,
} from "#domain/schedules/schedule-sync.ts";
import { awsApp, once } from "#lambda/aws-host.ts";
import { ecsTaskFleet } from "#lambda/ecs-fleet.ts";
import { withInvocation } from "#lambda/invocation.ts";
import { snsAlerts } from "#lambda/sns-alerts.ts";

const ready = once(async () => {
  // The ECS client only when a fargate job has a cluster (JOBDECK_CLUSTER_ARN).
  const app = await awsApp("sweeper", { alerts: snsAlerts, taskFleet: ecsTaskFleet });
  return { app, metrics: createMetrics() };
});

export type SweeperResult = {
  ended: number;
  missed: number;
  /** Orphaned fargate tasks stopped (0 without a cluster). */
  stopped: number;
  /** null when no reconcile was due this minute. */
  schedules: { created: number; updated: number; deleted: number; failed: number } | null;
};

/** One EMF record with the total (the alarm's series), one per kind of change (dimension `change`). */
function publishSync(metrics: Metrics, sync: ScheduleSyncResult): void {
  const { repaired, failed, changeDimension } = SCHEDULE_SYNC_METRICS;
  const total = sync.created.length + sync.updated.length + sync.deleted.length;
  metrics.addMetric(repaired, "Count", total);
  metrics.addMetric(failed, "Count", sync.failed);
  metrics.publishStoredMetrics();
  for (const change of ["created", "updated", "deleted"] as const) {
    metrics.addDimension(changeDimension, change);
    metrics.addMetric(repaired, "Count", sync[change].length);
    metrics.publishStoredMetrics();
  }
}

export async function handler(_event: unknown, context?: Context): Promise<SweeperResult> {
  const { app, metrics } = await ready();
  const result: SweeperResult = { ended: 0, missed: 0, stopped: 0, schedules: null };
  await withInvocation(app.logger, context, "sweeper", {}, async () => {
    try {
      const swept = await new RunSweeper(app.deps, { fleet: app.taskFleet ?? undefined }).sweep();
      result.ended = swept.ended.length;
      result.missed = swept.missed.length;
      result.stopped = swept.stopped.length;
      // Always emitted (0 included), so the alarm sees data and "no missed fires" is a fact, not a gap.
      metrics.addMetric(SWEEP_METRICS.missed, "Count", swept.missed.length);
      metrics.addMetric(SWEEP_METRICS.swept, "Count", swept.ended.length);
      if (app.taskFleet) metrics.addMetric(SWEEP_METRICS.stoppedTasks, "Count", swept.stopped.length);
      metrics.publishStoredMetrics();
    } finally {
      // Even when the sweep failed: the two passes do not depend on each other. Never throws.
      const sync = await new ScheduleSync(app.deps).reconcileIfDue();
      if (sync) {
        result.schedules = {
          created: sync.created.length,
          updated: sync.updated.length,
          deleted: sync.deleted.length,
          failed: sync.failed,
        };
        publishSync(metrics, sync);
      }
    }
  });
  return result;
}
