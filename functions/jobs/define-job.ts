// The job SDK: a job module calls defineJob({...}) (and defineStore for each table it owns) and
// lists itself in all-jobs.ts.
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type * as z from "zod/mini";
import type { AnyParamsSchema, JobContext, JobDefinition } from "#domain/jobs/job-definition.ts";
import { wordProblems } from "#domain/jobs/job-words.ts";
import type {
  JobStoreDeclaration,
  JobStoreDeclarations,
  OpenedStores,
  StoreOperation,
} from "#ports/job-store.ts";
import type { TableShape } from "#ports/table-shape.ts";
import type { ConcurrencyMode, LocalizedText, RetryPolicy } from "#schemas/job.ts";

export type { JobContext, JobDefinition } from "#domain/jobs/job-definition.ts";

/** A stage: its recorded name alone, or with its words in each language. */
export type StageSpec = string | { name: string; label: LocalizedText };

type JobSpec<S extends AnyParamsSchema, D extends JobStoreDeclarations> = Omit<
  JobDefinition<S, D>,
  "concurrency" | "retry" | "timeout_seconds" | "run" | "description" | "stages" | "stage_labels"
> & {
  /** In both languages of the admin page; one string serves both. */
  description: string | LocalizedText;
  stages?: readonly StageSpec[];
  concurrency?: ConcurrencyMode;
  timeout_seconds?: number;
  retry?: Partial<RetryPolicy>;
  run(ctx: JobContext<z.output<S>, OpenedStores<D>>): Promise<void>;
};

export function defineJob<S extends AnyParamsSchema, D extends JobStoreDeclarations = Record<never, never>>(
  spec: JobSpec<S, D>,
): JobDefinition<S, D> {
  const timeout = spec.timeout_seconds ?? 900;
  // Lambda workers cannot run longer than 15 minutes; say so at definition time, not at 3 a.m.
  if (timeout < 1 || timeout > 900) throw new Error(`${spec.name}: timeout_seconds must be 1..900`);
  const problems = wordProblems(spec);
  if (problems.length) throw new Error(problems.join("; "));
  const stages = spec.stages?.map((x) => (typeof x === "string" ? { name: x, label: null } : x));
  const labels = Object.fromEntries(
    (stages ?? []).flatMap((x) => (x.label ? [[x.name, x.label] as const] : [])),
  );
  const { stages: _specStages, ...rest } = spec;
  return {
    ...rest,
    description:
      typeof spec.description === "string"
        ? { ja: spec.description, en: spec.description }
        : spec.description,
    ...(stages ? { stages: stages.map((x) => x.name) } : {}),
    ...(Object.keys(labels).length ? { stage_labels: labels } : {}),
    concurrency: spec.concurrency ?? "job",
    timeout_seconds: timeout,
    retry: { attempts: 1, backoff_seconds: 5, backoff_rate: 2, ...spec.retry },
  };
}

const STORE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * A table a job owns: `table` is its key schema, `open` makes the job's adapter over it from the
 * host's DynamoDB document client. A job lists it in `stores` and reads it as `ctx.stores.<key>`.
 */
export function defineStore<T>(spec: {
  /** Unique in the deployment: lower case, digits and dashes (the local table is `<prefix>-<name>`). */
  name: string;
  table: TableShape;
  /** The DynamoDB operations `open`'s adapter performs: its worker is granted these and no more. */
  operations?: readonly StoreOperation[];
  open(doc: DynamoDBDocumentClient, tableName: string): T;
}): JobStoreDeclaration<T> {
  if (!STORE_NAME.test(spec.name)) {
    throw new Error(`store ${spec.name}: the name must match ${STORE_NAME} (it names a table)`);
  }
  return {
    name: spec.name,
    table: spec.table,
    ...(spec.operations ? { operations: spec.operations } : {}),
    // The core passes the client it built for the host as an opaque StoreClient.
    open: (client, tableName) => spec.open(client as unknown as DynamoDBDocumentClient, tableName),
  };
}
