// Issue 16 part 2: a backfill runs a job once for each fire time a schedule (or an expression) had
// over a past window, oldest first, a few at a time. One schema each for the request, the stored
// item and the answers.
import * as z from "zod/mini";
import { InstantSchema, JobNameSchema, ParamsInputSchema, TimeSchema, UuidSchema } from "./common.ts";
import { RunStatusSchema } from "./run.ts";
import { ScheduleIdSchema } from "./schedule.ts";

export const BACKFILL_MAX_RUNS = 500;
export const BACKFILL_MAX_CONCURRENCY = 5;

/** A backfill's id: 32 hex digits of the request's hash (the same request names the same backfill). */
export const BackfillIdSchema = z
  .string()
  .check(z.minLength(32), z.maxLength(32), z.regex(/^[0-9a-f]{32}$/, "is not a backfill id"));

export const BackfillRequestSchema = z.strictObject({
  /** The times come from this schedule (its expression, time zone, start and end dates)… */
  schedule_id: z.optional(ScheduleIdSchema),
  /** …or from this expression in this zone (exactly one of the two sources). */
  schedule_expression: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  timezone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /** The window, both ends included. */
  from: InstantSchema,
  to: InstantSchema,
  /** The runs' params; a schedule's own params when absent and the source is a schedule. */
  params: z.optional(ParamsInputSchema),
  /** Default 100. */
  max_runs: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(BACKFILL_MAX_RUNS))),
  /** Runs started and not ended at once; default 1. */
  concurrency: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(BACKFILL_MAX_CONCURRENCY))),
  dry_run: z.optional(z.boolean()),
});
export type BackfillRequest = z.infer<typeof BackfillRequestSchema>;

export const CancelBackfillRequestSchema = z.strictObject({
  /** Also cancel the runs already running (default: they finish; only pending ones never start). */
  cancel_running: z.optional(z.boolean()),
});

export const BACKFILL_STATUSES = ["running", "done", "cancelled"] as const;
export const BackfillStatusSchema = z.enum(BACKFILL_STATUSES);
export type BackfillStatus = z.infer<typeof BackfillStatusSchema>;

/** A backfill as stored (control table, times UTC ISO). */
export type Backfill = {
  id: string;
  job_name: string;
  schedule_id: string | null;
  schedule_expression: string;
  timezone: string;
  window_since: string;
  window_until: string;
  params: Record<string, unknown>;
  concurrency: number;
  /** Every time it runs, oldest first (at most max_runs). */
  times: string[];
  /** True when the window had more fire times than max_runs: the newest were left out. */
  capped: boolean;
  /** How many of `times` have been started (the next to start is times[started]). */
  started: number;
  status: BackfillStatus;
  created_by: string;
  created_at: string;
  finished_at: string | null;
  cancelled_by: string | null;
};

const BackfillRunSchema = z.object({
  scheduled_for: TimeSchema,
  /** The run's id (known before it starts: derived from the backfill and the time). */
  execution_uuid: UuidSchema,
  /** null: not started yet (pending), or never to start (the backfill was cancelled). */
  status: z.nullable(RunStatusSchema),
});

export const BackfillViewSchema = z.object({
  id: BackfillIdSchema,
  job_name: JobNameSchema,
  schedule_id: z.nullable(z.string()),
  schedule_expression: z.string(),
  timezone: z.string(),
  window: z.object({ since: TimeSchema, until: TimeSchema }),
  params: z.record(z.string(), z.unknown()),
  concurrency: z.number(),
  capped: z.boolean(),
  status: BackfillStatusSchema,
  created_by: z.string(),
  created_at: TimeSchema,
  finished_at: z.nullable(TimeSchema),
  cancelled_by: z.nullable(z.string()),
  counts: z.object({
    total: z.number(),
    done: z.number().check(z.describe("ended SUCCESS")),
    skipped: z
      .number()
      .check(
        z.describe(
          "ended SKIPPED: nothing to do for that time (a market holiday, a policy or cooldown skip)",
        ),
      ),
    failed: z.number().check(z.describe("ended otherwise (FAILURE, TIMED_OUT, CANCELLED)")),
    running: z.number().check(z.describe("started and not ended (RUNNING or QUEUED)")),
    pending: z.number().check(z.describe("not started yet; never started once the backfill is cancelled")),
  }),
  runs: z.array(BackfillRunSchema),
});
export type BackfillView = z.infer<typeof BackfillViewSchema>;

export const BackfillPreviewSchema = z.object({
  dry_run: z.literal(true),
  job_name: JobNameSchema,
  count: z.number(),
  capped: z
    .boolean()
    .check(z.describe("the window has more fire times than max_runs; the newest are left out")),
  times: z.array(z.object({ scheduled_for: TimeSchema })),
});

export const BackfillsPageSchema = z.object({
  count: z.number(),
  results: z.array(BackfillViewSchema),
});

export const ListBackfillsQuerySchema = z.strictObject({ job_name: z.optional(JobNameSchema) });
