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

// ---- Words (issue 14 part C): what a job module says, in each language of the admin page.

/** A text in both languages of the admin page. */
export const LocalizedTextSchema = z.object({ ja: z.string(), en: z.string() });
export type LocalizedText = z.infer<typeof LocalizedTextSchema>;

/** The values a message key's `{name}` placeholders are filled with (numbers formatted per language). */
export const MessageParamsSchema = z.record(z.string(), z.union([z.string(), z.number()]));
export type MessageParams = z.infer<typeof MessageParamsSchema>;
