import * as z from "zod/mini";
import { JobNameSchema, TimeSchema } from "./common.ts";
import { RunStatsSchema } from "./dashboard.ts";
import { RunSummarySchema } from "./run.ts";
import { ExecutionPolicySchema } from "./schedule.ts";

export const CONCURRENCY_MODES = ["job", "params"] as const;
export const ConcurrencyModeSchema = z.enum(CONCURRENCY_MODES);
export type ConcurrencyMode = z.infer<typeof ConcurrencyModeSchema>;

export const RetryPolicySchema = z.object({
  /** Total attempts including the first (1 = no retry). */
  attempts: z.number().check(z.int(), z.minimum(1), z.maximum(10)),
  /** Wait before the 2nd attempt. */
  backoff_seconds: z.number().check(z.minimum(0), z.maximum(3600)),
  /** Multiplier applied to the wait for each further attempt. */
  backoff_rate: z.number().check(z.minimum(1), z.maximum(10)),
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

// ---- Answers -------------------------------------------------------------------------------

/** A schedule as listed inside a job answer. */
export const ScheduleSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  schedule_expression: z.string().check(z.describe("normalized")),
  timezone: z.string(),
  enabled: z.boolean(),
  execution_policy: ExecutionPolicySchema,
  params: z.record(z.string(), z.unknown()),
  description: z.object({ ja: z.string(), en: z.string() }),
  next_fire_at: z.nullable(TimeSchema),
  expression_error: z.nullable(z.string()),
});
export type ScheduleSummary = z.infer<typeof ScheduleSummarySchema>;

export const JobViewSchema = z.object({
  name: JobNameSchema,
  description: z.string(),
  category: z.string(),
  data_sources: z.array(z.string()),
  enabled: z.boolean(),
  parameter_schema: z
    .record(z.string(), z.unknown())
    .check(z.describe("JSON Schema (draft 2020-12) of the options a trigger or schedule may pass")),
  concurrency: ConcurrencyModeSchema,
  timeout_seconds: z.number().check(z.int(), z.minimum(1)),
  retry: RetryPolicySchema,
  stages: z.array(z.string()),
  schedules: z.array(ScheduleSummarySchema),
  next_scheduled_for: z.nullable(TimeSchema),
  last_run: z.nullable(RunSummarySchema),
  active_runs: z.array(RunSummarySchema),
  stats_24h: RunStatsSchema,
});
export type JobView = z.infer<typeof JobViewSchema>;

export const JobsListSchema = z.object({
  count: z.number().check(z.int(), z.minimum(0)),
  results: z.array(JobViewSchema),
});
