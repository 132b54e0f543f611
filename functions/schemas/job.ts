import * as z from "zod/mini";

export const CONCURRENCY_MODES = ["job", "params"] as const;
export const ConcurrencyModeSchema = z.enum(CONCURRENCY_MODES);
export type ConcurrencyMode = z.infer<typeof ConcurrencyModeSchema>;

// ---- Issue 15: where a job's worker runs.

/** `lambda`: a Lambda worker (≤ 900 s, ≤ 10 GB). `fargate`: an ECS Fargate task (≤ 12 h). */
export const JOB_RUNTIMES = ["lambda", "fargate"] as const;
export const JobRuntimeSchema = z.enum(JOB_RUNTIMES);
export type JobRuntime = z.infer<typeof JobRuntimeSchema>;

/** A fargate job's task: size, capacity and the liveness it promises (null for lambda jobs). */
export const FargateSettingsSchema = z.object({
  /** Fargate CPU units (1024 = 1 vCPU). */
  cpu: z.number().check(z.int()),
  memory_mb: z.number().check(z.int()),
  /** FARGATE_SPOT capacity (up to ~70 % cheaper; AWS may stop the task with 2 minutes' notice). */
  spot: z.boolean(),
  /** The run fails TIMED_OUT when no heartbeat (sent with progress, at most once a minute) came for this long. */
  heartbeat_seconds: z.number().check(z.int(), z.minimum(90)),
  /** Between SIGTERM and SIGKILL when the task is stopped (cancel): the job's last flush must fit. */
  stop_timeout_seconds: z.number().check(z.int(), z.minimum(2), z.maximum(120)),
});
export type FargateSettings = z.infer<typeof FargateSettingsSchema>;

// ---- Issue 16

/** Which counters of a job's runs are watched for anomalies, and the rule (defaults in the anomaly module). */
export const AnomalyWatchSchema = z.object({
  /** Run fields: input_count, inserted_count, updated_count, skipped_count, error_count. */
  counters: z.array(z.string()),
  /** Flag a value at or below (1 - drop) × baseline: 0.9 = a drop of 90 % or more. */
  drop: z.number().check(z.minimum(0), z.maximum(1)),
  /** Flag a value at or above rise × baseline: 10 = ten times or more. */
  rise: z.number().check(z.minimum(1)),
  /** The baseline is the median of the successful runs of this many days before the run. */
  window_days: z.number().check(z.int(), z.minimum(1), z.maximum(90)),
  /** No flag until the job has this many successful runs in the window. */
  min_history: z.number().check(z.int(), z.minimum(1)),
});
export type AnomalyWatch = z.infer<typeof AnomalyWatchSchema>;

export const RetryPolicySchema = z.object({
  /** Total attempts including the first (1 = no retry). */
  attempts: z.number().check(z.int(), z.minimum(1), z.maximum(10)),
  /** Wait before the 2nd attempt. */
  backoff_seconds: z.number().check(z.minimum(0), z.maximum(3600)),
  /** Multiplier applied to the wait for each further attempt. */
  backoff_rate: z.number().check(z.minimum(1), z.maximum(10)),
  /**
   * Error names (the thrown error's `name`) that end the run at once, whatever attempts remain: a
   * rejected credential or a bad request fails the same way a minute later (Temporal's
   * non_retryable_error_types, Celery's dont_autoretry_for).
   */
  non_retryable_errors: z.optional(
    z
      .array(z.string().check(z.minLength(1), z.maxLength(100)))
      .check(z.describe("error names that are never retried: the run fails at the first")),
  ),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

export const DefaultScheduleSchema = z.object({
  name: z.optional(z.string()),
  schedule_expression: z.string(),
  timezone: z.optional(z.string()),
  params: z.optional(z.record(z.string(), z.unknown())),
  description: z.optional(z.string()),
});
export type DefaultSchedule = z.infer<typeof DefaultScheduleSchema>;

// ---- Words (issue 14 part C): what a job module says, in each language of the admin page.

/** A text in both languages of the admin page. */
export const LocalizedTextSchema = z.object({ ja: z.string(), en: z.string() });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** The values a message key's `{name}` placeholders are filled with (numbers formatted per language). */
export const MessageParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type MessageParams = z.infer<typeof MessageParamsSchema>;
