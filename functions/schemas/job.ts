import * as z from "zod/mini";

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
