// One attempt of a job as the worker runs it, for the benches: a RUNNING run recorded first (its
// progress writes land on it, as in a real run), then executeJob with the given stores, timed.
import { randomUUID } from "node:crypto";
import type { DynamoRunStore } from "#adapters/dynamo-run-store.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { ProgressSnapshot } from "#domain/runs/job-attempt.ts";
import { executeJob } from "#domain/runs/job-attempt.ts";
import { newRun } from "#domain/runs/run-lifecycle.ts";
import { createLocalLogger } from "#local/local-logger.ts";

const logger = createLocalLogger();

export async function benchJobRun(
  runs: DynamoRunStore,
  job: JobDefinition,
  params: Record<string, unknown>,
  deps: {
    stores: Record<string, unknown>;
    secret?: string;
    /** Called with each progress write before it is stored (counting writes, say). */
    onProgress?: (snap: ProgressSnapshot) => void;
  },
) {
  const run = newRun({
    execution_uuid: randomUUID(),
    job_name: job.name,
    params,
    data_source: job.data_sources,
    concurrency_key: job.name,
    trigger_source: "manual",
    triggered_by: "bench@example.test",
    status: "RUNNING",
    now: new Date(),
  });
  if (!(await runs.create(run))) throw new Error("could not create the RUNNING run");
  const t0 = performance.now();
  const result = await executeJob(
    {
      job,
      executionUuid: run.execution_uuid,
      attempt: 1,
      params: run.params,
      timeoutSeconds: job.timeout_seconds,
    },
    {
      sink: {
        write: (snap) => {
          deps.onProgress?.(snap);
          return runs.writeProgress(run.execution_uuid, snap);
        },
      },
      stores: deps.stores,
      ...(deps.secret !== undefined ? { secrets: { read: async () => deps.secret ?? null } } : {}),
      logger,
    },
  );
  return { ms: performance.now() - t0, result };
}
