import type { AuditLog } from "#ports/audit-log.ts";
import type { BackfillStore } from "#ports/backfill-store.ts";
import type { Clock, NextFireLookup } from "#ports/clock.ts";
import type { ControlStore } from "#ports/control-store.ts";
import type { PauseNoteStore } from "#ports/pause-notes.ts";
import type { RunLogReader } from "#ports/run-log-reader.ts";
import type { RunStore } from "#ports/run-store.ts";
import type { ScheduleBackend } from "#ports/schedule-backend.ts";
import type { SchedulerStateStore, ScheduleStore } from "#ports/schedule-store.ts";
import type { WorkflowStarter } from "#ports/workflow-starter.ts";
import type { Run } from "#schemas/run.ts";
import type { JobLogger } from "./jobs/job-definition.ts";
import type { JobRegistry } from "./jobs/job-registry.ts";

export type Settings = {
  /** IANA zone used to render times in answers (default Asia/Tokyo). */
  displayTimeZone: string;
  /** Finished runs expire after this many days; 0 keeps them forever. */
  retentionDays: number;
  /** Manual starts (trigger, rerun) per user per minute; 0 = no limit. */
  triggersPerMinute?: number;
  /** How long a run's final write (finish + slot release) is retried while the store is down (default 120). */
  storeRetrySeconds?: number;
};

/** Everything the domain services need; hosts (Lambda, local stack) build it from their adapters. */
export type CoreDeps = {
  registry: JobRegistry;
  runs: RunStore;
  control: ControlStore;
  workflow: WorkflowStarter;
  clock: Clock;
  nextFire: NextFireLookup;
  schedules: ScheduleStore;
  schedulerState: SchedulerStateStore;
  /** The executor of schedules (EventBridge Scheduler, or the local scheduler). */
  scheduleBackend: ScheduleBackend;
  settings: Settings;
  logger: JobLogger;
  /** Operator actions (functions/domain/audit.ts). */
  audit: AuditLog;
  /** A run's own log lines (the local stack's buffer; CloudWatch Logs in AWS). */
  runLogs: RunLogReader;
  /** Issue 16 part 5: who paused what, why, until when. */
  pauses: PauseNoteStore;
  /** Issue 16 part 2: backfills (control table). */
  backfills: BackfillStore;
  /** Called once when a run reaches a finished status (metrics in AWS; optional). */
  onRunFinished?: (run: Run) => void | Promise<void>;
};

export function expiresAt(finishedAt: Date, retentionDays: number): number | null {
  if (retentionDays <= 0) return null;
  return Math.floor(finishedAt.getTime() / 1000) + retentionDays * 86400;
}
