// Answers of the dashboard (spec/api.md "Dashboard") and the run statistics jobs carry too.
import * as z from "zod/mini";
import { JobNameSchema, TimeSchema, UuidSchema } from "./common.ts";
import { RunSchema, RunStatusSchema, RunSummarySchema } from "./run.ts";

export const STATS_WINDOWS = ["1h", "24h", "7d", "30d"] as const;
export const StatsWindowSchema = z.enum(STATS_WINDOWS);
export type StatsWindow = z.infer<typeof StatsWindowSchema>;

const Count = z.number().check(z.int(), z.minimum(0));
const Seconds = z.nullable(z.number().check(z.minimum(0)));

/** Figures over the runs started in a window (skips are policy, not outcomes: not in success_rate). */
export const RunStatsSchema = z.object({
  total: Count,
  succeeded: Count,
  failed: z.number().check(z.int(), z.minimum(0), z.describe("FAILURE and TIMED_OUT")),
  skipped: Count,
  cancelled: Count,
  success_rate: z.nullable(
    z.number().check(z.minimum(0), z.maximum(1), z.describe("null while no run has finished")),
  ),
  avg_duration_seconds: Seconds,
  p95_duration_seconds: Seconds,
  inserted_total: Count,
  last_failure: z.nullable(
    z.object({
      execution_uuid: UuidSchema,
      started_at: TimeSchema,
      error_summary: z.nullable(z.string()),
    }),
  ),
});
export type RunStats = z.infer<typeof RunStatsSchema>;

export const StatsQuerySchema = z.strictObject({ window: z.optional(StatsWindowSchema) });

export const JobStatsAnswerSchema = z.object({
  window: StatsWindowSchema,
  since: TimeSchema,
  generated_at: TimeSchema,
  overall: RunStatsSchema,
  jobs: z.array(
    z.object({
      job_name: JobNameSchema,
      ...RunStatsSchema.def.shape,
      truncated: z.boolean().check(z.describe("true when the window held more runs than were read")),
    }),
  ),
  durations: z.record(
    z.string(),
    z.array(
      z.object({
        started_at: TimeSchema,
        duration_seconds: z.number().check(z.minimum(0)),
        status: RunStatusSchema,
      }),
    ),
  ),
});
export type JobStatsAnswer = z.infer<typeof JobStatsAnswerSchema>;

export const JobProgressAnswerSchema = z.object({
  active: z.array(RunSchema),
  recent: z.array(RunSummarySchema),
  generated_at: TimeSchema,
});
export type JobProgressAnswer = z.infer<typeof JobProgressAnswerSchema>;
