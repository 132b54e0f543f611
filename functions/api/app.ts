// The services the API handlers call, built once per container from the core dependencies.
import type { CoreDeps } from "../domain/deps.ts";
import { JobQueries } from "../domain/job-queries.ts";
import { CursorCodec, RunQueries } from "../domain/run-queries.ts";
import { ScheduleService } from "../domain/schedule-service.ts";
import { SchedulerService } from "../domain/scheduler-service.ts";
import { TriggerService } from "../domain/trigger-service.ts";

export type ApiApp = {
  deps: CoreDeps;
  trigger: TriggerService;
  runs: RunQueries;
  jobs: JobQueries;
  schedules: ScheduleService;
  scheduler: SchedulerService;
  cursors: CursorCodec;
};

export function createApiApp(deps: CoreDeps, opts: { cursorSecret: string }): ApiApp {
  const cursors = new CursorCodec(opts.cursorSecret);
  return {
    deps,
    trigger: new TriggerService(deps),
    runs: new RunQueries(deps, cursors),
    jobs: new JobQueries(deps),
    schedules: new ScheduleService(deps),
    scheduler: new SchedulerService(deps),
    cursors,
  };
}
