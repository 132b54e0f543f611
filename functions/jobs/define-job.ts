// The job SDK: a job module calls defineJob({...}) and lists itself in registry.ts.
import type * as z from "zod/mini";
import type { AnyParamsSchema, JobContext, JobDefinition } from "#domain/jobs/job-definition.ts";
import type { ConcurrencyMode, RetryPolicy } from "#schemas/job.ts";

export type { JobContext, JobDefinition } from "#domain/jobs/job-definition.ts";

type JobSpec<S extends AnyParamsSchema> = Omit<
  JobDefinition<S>,
  "concurrency" | "retry" | "timeout_seconds"
> & {
  concurrency?: ConcurrencyMode;
  timeout_seconds?: number;
  retry?: Partial<RetryPolicy>;
  run(ctx: JobContext<z.output<S>>): Promise<void>;
};

export function defineJob<S extends AnyParamsSchema>(spec: JobSpec<S>): JobDefinition<S> {
  const timeout = spec.timeout_seconds ?? 900;
  // Lambda workers cannot run longer than 15 minutes; say so at definition time, not at 3 a.m.
  if (timeout < 1 || timeout > 900) throw new Error(`${spec.name}: timeout_seconds must be 1..900`);
  return {
    ...spec,
    concurrency: spec.concurrency ?? "job",
    timeout_seconds: timeout,
    retry: { attempts: 1, backoff_seconds: 5, backoff_rate: 2, ...spec.retry },
  };
}
