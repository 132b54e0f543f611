// The services the API handlers call, built once per container from the core dependencies.
import type { CoreDeps } from "../domain/deps.ts";
import { JobQueries } from "../domain/job-queries.ts";
import { CursorCodec, RunQueries } from "../domain/run-queries.ts";
import { TriggerService } from "../domain/trigger-service.ts";

export type ApiApp = {
  deps: CoreDeps;
  trigger: TriggerService;
  runs: RunQueries;
  jobs: JobQueries;
};

export function createApiApp(deps: CoreDeps, opts: { cursorSecret: string }): ApiApp {
  return {
    deps,
    trigger: new TriggerService(deps),
    runs: new RunQueries(deps, new CursorCodec(opts.cursorSecret)),
    jobs: new JobQueries(deps),
  };
}
