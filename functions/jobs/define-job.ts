// The job SDK: a job module calls defineJob({...}) (and defineStore for each table it owns) and
// lists itself in all-jobs.ts.
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type * as z from "zod/mini";
import type { AnyParamsSchema, JobContext, JobDefinition } from "#domain/jobs/job-definition.ts";
import { wordProblems } from "#domain/jobs/job-words.ts";
import { anomalyWatchProblems } from "#domain/runs/run-anomalies.ts";
import type {
  JobStoreDeclaration,
  JobStoreDeclarations,
  OpenedStores,
  StoreOperation,
} from "#ports/job-store.ts";
import type { TableShape } from "#ports/table-shape.ts";
import type {
  ConcurrencyMode,
  FargateSettings,
  JobRuntime,
  LocalizedText,
  RetryPolicy,
} from "#schemas/job.ts";

export type { JobContext, JobDefinition } from "#domain/jobs/job-definition.ts";

/** A stage: its recorded name alone, or with its words in each language. */
export type StageSpec = string | { name: string; label: LocalizedText };

type JobSpec<S extends AnyParamsSchema, D extends JobStoreDeclarations> = Omit<
  JobDefinition<S, D>,
  | "concurrency"
  | "retry"
  | "timeout_seconds"
  | "run"
  | "description"
  | "stages"
  | "stage_labels"
  | "runtime"
  | "fargate"
> & {
  /** In both languages of the admin page; one string serves both. */
  description: string | LocalizedText;
  stages?: readonly StageSpec[];
  concurrency?: ConcurrencyMode;
  /** Seconds; lambda 1..900 (default 900), fargate 1..43200 (default 3600). */
  timeout_seconds?: number;
  retry?: Partial<RetryPolicy>;
  /** "lambda" (default) or "fargate": an ECS Fargate task from the same module, for runs past 15 minutes. */
  runtime?: JobRuntime;
  /** Fargate only: the task size (default 1 vCPU / 2 GB), one of Fargate's CPU/memory pairs. */
  resources?: { cpu: number; memory_mb: number };
  /** Fargate only: run on FARGATE_SPOT capacity. */
  spot?: boolean;
  /** Fargate only: fail the attempt TIMED_OUT after this long without a heartbeat (default 600). */
  heartbeat_seconds?: number;
  /** Fargate only: SIGTERM → SIGKILL grace on stop (default 30, ECS allows 2..120). */
  stop_timeout_seconds?: number;
  run(ctx: JobContext<z.output<S>, OpenedStores<D>>): Promise<void>;
};

export function defineJob<S extends AnyParamsSchema, D extends JobStoreDeclarations = Record<never, never>>(
  spec: JobSpec<S, D>,
): JobDefinition<S, D> {
  const runtime = spec.runtime ?? "lambda";
  const limit = RUNTIME_TIMEOUT_LIMIT[runtime];
  const timeout = spec.timeout_seconds ?? (runtime === "lambda" ? 900 : 3600);
  // Lambda workers cannot run longer than 15 minutes; say so at definition time, not at 3 a.m.
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > limit) {
    throw new Error(
      `${spec.name}: timeout_seconds must be 1..${limit} on ${runtime}` +
        (runtime === "lambda" ? ' (longer jobs: runtime: "fargate", up to 43200)' : ""),
    );
  }
  const fargate = runtime === "fargate" ? fargateSettings(spec) : undefined;
  if (runtime === "lambda" && (spec.resources || spec.spot !== undefined || spec.heartbeat_seconds)) {
    throw new Error(`${spec.name}: resources, spot and heartbeat_seconds are for runtime: "fargate" only`);
  }
  // Issue 16 part 6: a cooldown after a manual run is whole seconds, at most a day (one daily fire).
  const cooldown = spec.cooldown_seconds_after_manual;
  if (cooldown !== undefined && (!Number.isInteger(cooldown) || cooldown < 1 || cooldown > 86_400)) {
    throw new Error(`${spec.name}: cooldown_seconds_after_manual must be an integer 1..86400 (or absent)`);
  }
  for (const [key, secret] of Object.entries(spec.secrets ?? {})) {
    // The env name is read locally, the name becomes an IAM resource ARN: both must be plain.
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(secret.env) || !SECRET_NAME.test(secret.name)) {
      throw new Error(
        `${spec.name}: secret '${key}' needs env as an environment variable name and name as a ` +
          `Secrets Manager secret name (letters, digits, /_+=.@-), got env '${secret.env}', name '${secret.name}'`,
      );
    }
  }
  const problems = [...wordProblems(spec), ...anomalyWatchProblems(spec.name, spec.anomaly_watch)];
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
    runtime,
    ...(fargate ? { fargate } : {}),
    timeout_seconds: timeout,
    retry: { attempts: 1, backoff_seconds: 5, backoff_rate: 2, ...spec.retry },
  };
}

/** The longest attempt each runtime allows: Lambda's 15 minutes; 12 h on Fargate (a run is one business day at most). */
export const RUNTIME_TIMEOUT_LIMIT: Record<JobRuntime, number> = { lambda: 900, fargate: 43_200 };

/**
 * Fargate's CPU/memory pairs (Linux, ARM64 included): per CPU the memory range in MB and its step
 * (docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
 */
export const FARGATE_SIZES: Record<number, { min: number; max: number; step: number; exact?: number[] }> = {
  256: { min: 512, max: 2048, step: 512, exact: [512, 1024, 2048] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** Whether Fargate accepts `cpu` with `memory_mb`. */
export function isFargateSize(cpu: number, memoryMb: number): boolean {
  const size = FARGATE_SIZES[cpu];
  if (!size) return false;
  if (size.exact) return size.exact.includes(memoryMb);
  return memoryMb >= size.min && memoryMb <= size.max && (memoryMb - size.min) % size.step === 0;
}

function fargateSettings(spec: {
  name: string;
  resources?: { cpu: number; memory_mb: number };
  spot?: boolean;
  heartbeat_seconds?: number;
  stop_timeout_seconds?: number;
}): FargateSettings {
  const { cpu, memory_mb } = spec.resources ?? { cpu: 1024, memory_mb: 2048 };
  if (!isFargateSize(cpu, memory_mb)) {
    const pairs = Object.entries(FARGATE_SIZES)
      .map(([c, s]) => `${c}: ${s.exact ? s.exact.join("/") : `${s.min}..${s.max} step ${s.step}`}`)
      .join("; ");
    throw new Error(`${spec.name}: resources ${cpu} CPU / ${memory_mb} MB is not a Fargate size (${pairs})`);
  }
  const heartbeat = spec.heartbeat_seconds ?? 600;
  // Heartbeats go out with progress at most once a minute: a shorter limit would fail healthy jobs.
  if (!Number.isInteger(heartbeat) || heartbeat < 90 || heartbeat > 43_200) {
    throw new Error(
      `${spec.name}: heartbeat_seconds must be 90..43200 (heartbeats are sent at most once a minute)`,
    );
  }
  const stop = spec.stop_timeout_seconds ?? 30;
  if (!Number.isInteger(stop) || stop < 2 || stop > 120) {
    throw new Error(`${spec.name}: stop_timeout_seconds must be 2..120 (ECS's stopTimeout range)`);
  }
  return {
    cpu,
    memory_mb,
    spot: spec.spot ?? false,
    heartbeat_seconds: heartbeat,
    stop_timeout_seconds: stop,
  };
}

/** A Secrets Manager secret name (AWS allows these characters; no wildcards reach IAM). */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

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
