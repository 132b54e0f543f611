// Schedule (spec/model.md "Schedule"): data changed at run time through the API.
import * as z from "zod/mini";
import {
  InstantSchema,
  JobNameSchema,
  LimitParamSchema,
  multilineText,
  ParamsInputSchema,
  plainText,
} from "./common.ts";
import { PauseFieldsShape } from "./pause.ts";

export const EXECUTION_POLICIES = ["allow", "skip", "queue"] as const;
export const ExecutionPolicySchema = z.enum(EXECUTION_POLICIES);
export type ExecutionPolicy = z.infer<typeof ExecutionPolicySchema>;

export const ScheduleIdSchema = z
  .string()
  .check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/, "is not a schedule id"));

export const SCHEDULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const ScheduleNameSchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(64),
    z.regex(
      SCHEDULE_NAME_PATTERN,
      "may contain letters, digits, '_', '.', '-' and must start with a letter or digit",
    ),
  );
const TagSchema = plainText(64, 1).check(z.regex(/^[^\s,]+$/, "no spaces or commas"));
const TimeZoneNameSchema = z.string().check(z.minLength(1), z.maxLength(64));

/** A schedule as stored and answered (times UTC ISO in store; `next_fire_times` added in answers). */
export const ScheduleSchema = z.object({
  id: z.string(),
  name: ScheduleNameSchema,
  auto_generated_name: z.boolean(),
  job_name: JobNameSchema,
  schedule_expression: z.string(),
  timezone: z.string(),
  start_date: z.nullable(z.string()),
  end_date: z.nullable(z.string()),
  description: z.nullable(z.string()),
  category: z.nullable(z.string()),
  tags: z.array(z.string()),
  params: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  execution_policy: ExecutionPolicySchema,
  queue_timeout_seconds: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
  created_by: z.nullable(z.string()),
  updated_by: z.nullable(z.string()),
});
export type Schedule = z.infer<typeof ScheduleSchema>;

const QueueTimeout = z.number().check(z.int(), z.minimum(1), z.maximum(24 * 3600));

/** Fields a client may set. POST and PUT take them whole (PUT replaces); PATCH any subset. */
export const ScheduleInputShape = {
  name: z.optional(z.nullable(ScheduleNameSchema)),
  job_name: JobNameSchema,
  schedule_expression: z.string().check(z.minLength(1), z.maxLength(256)),
  timezone: z.optional(TimeZoneNameSchema),
  start_date: z.optional(
    z.nullable(
      InstantSchema.check(
        z.describe(
          "no fire before it; a rate() counts from it (left out, a new rate() gets the first whole minute at least 30 s after the write, and a rate() being edited keeps its own)",
        ),
      ),
    ),
  ),
  end_date: z.optional(z.nullable(InstantSchema)),
  description: z.optional(z.nullable(multilineText(512))),
  category: z.optional(z.nullable(plainText(64, 1))),
  tags: z.optional(z.array(TagSchema).check(z.maxLength(20))),
  params: z.optional(ParamsInputSchema),
  enabled: z.optional(z.boolean()),
  execution_policy: z.optional(ExecutionPolicySchema),
  queue_timeout_seconds: z.optional(QueueTimeout),
};
export const CreateScheduleRequestSchema = z.strictObject(ScheduleInputShape);
export type CreateScheduleRequest = z.infer<typeof CreateScheduleRequestSchema>;
export const PatchScheduleRequestSchema = z.strictObject({
  ...ScheduleInputShape,
  job_name: z.optional(JobNameSchema),
  schedule_expression: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
});
export type PatchScheduleRequest = z.infer<typeof PatchScheduleRequestSchema>;

export const ListSchedulesQuerySchema = z.strictObject({
  job_name: z.optional(JobNameSchema),
  category: z.optional(z.string().check(z.maxLength(64))),
  tag: z.optional(z.string().check(z.maxLength(64))),
  enabled: z.optional(z.enum(["true", "false"])),
  limit: z.optional(LimitParamSchema),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});

export const PreviewRequestSchema = z.strictObject({
  schedule_expression: z.string().check(z.minLength(1), z.maxLength(256)),
  timezone: z.optional(TimeZoneNameSchema),
  from: z.optional(InstantSchema),
  count: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(50))),
  start_date: z.optional(z.nullable(InstantSchema)),
  end_date: z.optional(z.nullable(InstantSchema)),
  // Issue 14 part C: with the job (and params) the answer carries the name saving would generate.
  job_name: z.optional(JobNameSchema),
  params: z.optional(ParamsInputSchema),
});
export type PreviewRequest = z.infer<typeof PreviewRequestSchema>;

export const SetPausedRequestSchema = z.strictObject({ paused: z.boolean(), ...PauseFieldsShape });
