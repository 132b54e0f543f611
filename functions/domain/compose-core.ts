// The one composition root of the core: both hosts (functions/lambda/aws-host.ts for Lambda,
// bin/local/local-stack.ts for the laptop) pass their adapters here and get the same CoreDeps.
import type { CoreDeps } from "#domain/core-deps.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { JobRegistry } from "#domain/jobs/job-registry.ts";
import { SchedulerControl } from "#domain/schedules/scheduler-control.ts";
import { noSchedules } from "#ports/clock.ts";

/** What a host provides: its adapters, settings and jobs. The registry and next-fire lookup follow. */
export type CoreAdapters = Omit<CoreDeps, "registry" | "nextFire"> & { jobs: readonly JobDefinition[] };

export function composeCore({ jobs, ...adapters }: CoreAdapters): CoreDeps {
  const deps: CoreDeps = { ...adapters, registry: new JobRegistry(jobs), nextFire: noSchedules };
  // The scheduler control reads deps (schedules, flags, pause) to answer next-fire lookups.
  deps.nextFire = new SchedulerControl(deps);
  return deps;
}
