// A run's own log lines (GET /v1/runs/{execution_uuid}/logs): what the log readers answer, oldest
// first, read locally from the local stack's log and in AWS from CloudWatch Logs.
import * as z from "zod/mini";
import { LimitParamSchema, TimeSchema } from "./common.ts";

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;

/** Fields of a log line kept beside its message (the rest is the logger's own bookkeeping). */
export const LOG_LINE_FIELDS_MAX = 20;
export const LOG_MESSAGE_MAX = 2000;

export const RunLogLineSchema = z.object({
  logged_at: TimeSchema,
  level: z.string().check(z.describe("DEBUG, INFO, WARN or ERROR (as the logger wrote it)")),
  message: z.string().check(z.maxLength(LOG_MESSAGE_MAX)),
  fields: z
    .record(z.string(), z.unknown())
    .check(z.describe("selected fields of the line: stage, attempt, error, counts…")),
});
export type RunLogLine = z.infer<typeof RunLogLineSchema>;

export const RunLogsQuerySchema = z.strictObject({
  limit: z.optional(LimitParamSchema),
  cursor: z.optional(z.string().check(z.maxLength(4096))),
});
export type RunLogsQuery = z.infer<typeof RunLogsQuerySchema>;
