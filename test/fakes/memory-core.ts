// A whole CoreDeps from in-memory fakes (the same wiring as bin/local/local-stack.ts and
// functions/lambda/aws-host.ts): domain services run against it in milliseconds. The clock only
// moves when the test moves it; one StoreOutage switches every table-backed fake "down" at once.
import { BufferedRunLog } from "#adapters/buffered-run-log.ts";
import type { CoreDeps, Settings } from "#domain/core-deps.ts";
import type { JobDefinition, JobLogger } from "#domain/jobs/job-definition.ts";
import { JobRegistry } from "#domain/jobs/job-registry.ts";
import { SchedulerControl } from "#domain/schedules/scheduler-control.ts";
import type { Run } from "#schemas/run.ts";
import { FAKE_JOBS } from "./fake-jobs.ts";
import { ManualClock } from "./manual-clock.ts";
import { MemoryAuditLog } from "./memory-audit-log.ts";
import { MemoryBackfillStore } from "./memory-backfill-store.ts";
import { MemoryControlStore } from "./memory-control-store.ts";
import { MemoryPauseNoteStore } from "./memory-pause-notes.ts";
import { MemoryRunStore } from "./memory-run-store.ts";
import { MemoryScheduleBackend } from "./memory-schedule-backend.ts";
import { MemorySchedulerStateStore, MemoryScheduleStore } from "./memory-schedule-store.ts";
import { MemoryWorkflowStarter } from "./memory-workflow-starter.ts";
import { StoreOutage } from "./store-outage.ts";

export type LogLine = {
  level: "debug" | "info" | "warn" | "error";
  message: string;
  extra?: Record<string, unknown>;
};

export class RecordingLogger implements JobLogger {
  readonly lines: LogLine[] = [];
  debug(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: "debug", message, extra });
  }
  info(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: "info", message, extra });
  }
  warn(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: "warn", message, extra });
  }
  error(message: string, extra?: Record<string, unknown>) {
    this.lines.push({ level: "error", message, extra });
  }
}

export type MemoryCoreOptions = {
  jobs?: readonly JobDefinition[];
  /** Where the clock starts. */
  now?: string | Date;
  settings?: Partial<Settings>;
};

/** CoreDeps whose ports are the fakes themselves (typed as such, for seeding and inspecting). */
export type MemoryCore = CoreDeps & {
  clock: ManualClock;
  runs: MemoryRunStore;
  control: MemoryControlStore;
  workflow: MemoryWorkflowStarter;
  schedules: MemoryScheduleStore;
  schedulerState: MemorySchedulerStateStore;
  scheduleBackend: MemoryScheduleBackend;
  audit: MemoryAuditLog;
  pauses: MemoryPauseNoteStore;
  logger: RecordingLogger;
  runLogs: BufferedRunLog;
  nextFire: SchedulerControl;
  /** Makes every table-backed store fail as a DynamoDB outage does. */
  outage: StoreOutage;
  /** Runs reported to onRunFinished, in order. */
  finished: Run[];
};

export function memoryCore(opts: MemoryCoreOptions = {}): MemoryCore {
  const clock = new ManualClock(opts.now);
  const now = () => clock.now();
  const outage = new StoreOutage();
  const runs = new MemoryRunStore(now, outage);
  const audit = new MemoryAuditLog(outage);
  const finished: Run[] = [];
  const runLogs = new BufferedRunLog(1000, now);
  const core = {
    registry: new JobRegistry(opts.jobs ?? FAKE_JOBS),
    runs,
    control: new MemoryControlStore({ runs, audit }, now, outage),
    workflow: new MemoryWorkflowStarter(now),
    clock,
    nextFire: null as unknown as SchedulerControl,
    schedules: new MemoryScheduleStore(outage),
    schedulerState: new MemorySchedulerStateStore(now, outage),
    scheduleBackend: new MemoryScheduleBackend(),
    settings: {
      displayTimeZone: "Asia/Tokyo",
      retentionDays: 90,
      // the trigger's rate limit is off unless a test sets it
      triggersPerMinute: 0,
      // a run's final write is not retried for minutes in a unit test
      storeRetrySeconds: 1,
      ...opts.settings,
    },
    logger: new RecordingLogger(),
    runLogs,
    audit,
    pauses: new MemoryPauseNoteStore(outage),
    backfills: new MemoryBackfillStore(),
    outage,
    finished,
    onRunFinished: (run: Run) => {
      finished.push(run);
    },
  } satisfies Omit<MemoryCore, "nextFire"> & { nextFire: SchedulerControl };
  core.nextFire = new SchedulerControl(core);
  return core;
}
