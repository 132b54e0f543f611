// What a job is (spec/model.md "Job"): the contract between job modules and the runtime.
import type * as z from "zod/mini";
import type { JobStoreDeclarations, OpenedStores } from "#ports/job-store.ts";
import type { JobSecretDeclarations } from "#ports/secret-reader.ts";
import type {
  AnomalyWatch,
  ConcurrencyMode,
  DefaultSchedule,
  FargateSettings,
  JobRuntime,
  LocalizedText,
  MessageParams,
  RetryPolicy,
} from "#schemas/job.ts";
import type { StageStatus } from "#schemas/run.ts";

export interface JobLogger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

/** A progress message: a key of the job's `messages` and its values, or (discouraged) free text. */
export type ProgressMessage = string | { key: string; params?: MessageParams };

export interface JobCounters {
  input(n?: number): void;
  inserted(n?: number): void;
  updated(n?: number): void;
  /** `reason` is a key of the job's `skip_reasons` (the page shows its words). */
  skipped(reason: string, n?: number): void;
  errors(n?: number): void;
}

/** The opened stores of a job, by the key its definition declares them under. */
export type JobStoresOf = Readonly<Record<string, unknown>>;

export interface JobContext<P, St extends JobStoresOf = JobStoresOf> {
  readonly params: P;
  readonly executionUuid: string;
  readonly attempt: number;
  /**
   * The logical time the run is for: the schedule's fire time, a backfill's chosen time, else the
   * trigger time. A job computes "yesterday's data" from it, never from the wall clock, so a late
   * run or a backfill processes the period it stands for.
   */
  readonly scheduledFor: Date;
  readonly logger: JobLogger;
  /** Fires when the run is cancelled or times out; long loops should check it. */
  readonly signal: AbortSignal;
  /** The job's own stores (`stores` of its definition), opened by the host. */
  readonly stores: St;
  /**
   * `message` is a key of the job's `messages` with its values (`{ key: "written", params: { n } }`),
   * rendered in the operator's language by the page; a plain string is shown as written.
   */
  progress(p: { current?: number | null; total?: number | null; message?: ProgressMessage | null }): void;
  /** Marks `name` running and the previous stage done. */
  stage(name: string): void;
  item(name: string, p: { current?: number; total?: number | null; status?: StageStatus }): void;
  readonly count: JobCounters;
  /** Throws an AbortError-like error if the signal fired. */
  throwIfCancelled(): void;
  /**
   * A secret the job declares (`secrets` of its definition): its value, or null when it is not
   * configured here. The value is masked in every log line, error and record from then on.
   */
  secret(key: string): Promise<string | null>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds jobs of different parameter schemas
export type AnyParamsSchema = z.ZodMiniType<any, any>;

export interface JobDefinition<
  S extends AnyParamsSchema = AnyParamsSchema,
  D extends JobStoreDeclarations = JobStoreDeclarations,
> {
  name: string;
  description: LocalizedText;
  category: string;
  data_sources: string[];
  parameters: S;
  concurrency: ConcurrencyMode;
  /** Where the worker runs (issue 15): a Lambda function, or an ECS Fargate task for long jobs. */
  runtime: JobRuntime;
  /** The Fargate task's size and liveness; present exactly when runtime is "fargate". */
  fargate?: FargateSettings;
  /** The worker's budget: 1..900 on lambda, 1..43200 (12 h) on fargate. */
  timeout_seconds: number;
  retry: RetryPolicy;
  /** Stage names as recorded in a run's progress (stable ids). */
  stages?: string[];
  /** Words of each stage, by name. */
  stage_labels?: Record<string, LocalizedText>;
  /** Progress message templates by key, `{name}` placeholders filled from the message's params. */
  messages?: Record<string, LocalizedText>;
  /** Words of each progress item name (`ctx.item(name)`). */
  item_labels?: Record<string, LocalizedText>;
  /** Words of each skip reason the job counts (`ctx.count.skipped(reason)`). */
  skip_reasons?: Record<string, LocalizedText>;
  default_schedules?: DefaultSchedule[];
  /** Issue 16: the counters watched for anomalies (the defaults when absent), or false for none. */
  anomaly_watch?: AnomalyWatch | false;
  /** Issue 16: scheduled fires within this many seconds after a manual run's start are skipped (cooldown). */
  cooldown_seconds_after_manual?: number;
  /** Tables the job owns: the CDK app and the local stack create them and grant them to its worker. */
  stores?: D;
  /** Secrets the job reads (`ctx.secret(key)`): its worker alone is granted exactly these. */
  secrets?: JobSecretDeclarations;
  run(ctx: JobContext<z.output<S>, OpenedStores<D>>): Promise<void>;
}
