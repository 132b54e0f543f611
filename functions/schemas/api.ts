// Request schemas of the HTTP API (spec/api.md). Query values arrive as strings.
import * as z from "zod/mini";
import { InstantSchema, JobNameSchema, LimitParamSchema, ParamsInputSchema } from "./common.ts";
import { PauseFieldsShape } from "./pause.ts";
import { RUN_STATUSES, TriggerSourceSchema } from "./run.ts";

const statusList = z.string().check(
  z.maxLength(200),
  z.refine((s) => s.split(",").every((x) => (RUN_STATUSES as readonly string[]).includes(x.trim())), {
    message: `each status must be one of ${RUN_STATUSES.join(", ")}`,
  }),
);

export const ListRunsQuerySchema = z.strictObject({
  job_name: z.optional(JobNameSchema),
  status: z.optional(statusList),
  started_after: z.optional(InstantSchema),
  started_before: z.optional(InstantSchema),
  data_source: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  trigger_source: z.optional(TriggerSourceSchema),
  // issue 14 (B): the history's run-id search
  execution_id: z.optional(
    z
      .string()
      .check(
        z.maxLength(36),
        z.regex(/^[0-9a-fA-F-]{1,36}$/, "must be the start of an execution id (hex digits and dashes)"),
        z.describe(
          "the start of an execution_uuid (any case), within the other filters; a whole id (36 characters) finds that run whatever the other filters",
        ),
      ),
  ),
  // issue 16 part 3: the history's "flagged runs only"
  anomaly: z.optional(
    z
      .enum(["true", "false"])
      .check(
        z.describe(
          "true: only runs flagged with anomalies (a counter far from its job's recent normal); false: only runs not flagged. A filter on the list's key range (the job's index or the feed's months), like status",
        ),
      ),
  ),
  limit: z.optional(LimitParamSchema),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});

export const TriggerRequestSchema = z.strictObject({
  job_name: JobNameSchema,
  options: z.optional(ParamsInputSchema),
});

export const IdempotencyKeySchema = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(128),
    z.regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"),
  );

export const SetEnabledRequestSchema = z.strictObject({ enabled: z.boolean(), ...PauseFieldsShape });

export const LocalTokenRequestSchema = z.strictObject({
  sub: z.string().check(z.minLength(1), z.maxLength(128)),
  email: z.optional(z.string().check(z.maxLength(256))),
  groups: z.array(z.enum(["admin", "viewer"])).check(z.maxLength(2)),
  expires_in_seconds: z.optional(z.number().check(z.int(), z.minimum(-3600), z.maximum(86400))),
});
