// Issue 16 part 1, the upcoming-runs calendar (GET /v1/calendar): its query and its answer.
import * as z from "zod/mini";
import { InstantSchema, JobNameSchema, TimeSchema } from "./common.ts";
import { PauseNoteSchema } from "./pause.ts";
import { ExecutionPolicySchema } from "./schedule.ts";

/** The longest window one answer covers. */
export const CALENDAR_MAX_DAYS = 31;
/**
 * The most fires one answer lists. A rate(1 minute) over 31 days is 44,640 fires; nobody reads
 * that many, and a day view of it is 1,440. Past the cap the answer says `truncated` and up to
 * which instant it is complete, so a page can ask again from there.
 */
export const CALENDAR_MAX_FIRES = 2000;

export const CalendarQuerySchema = z.strictObject({
  from: InstantSchema.check(z.describe("start of the window (inclusive)")),
  to: InstantSchema.check(
    z.describe(`end of the window (exclusive); at most ${CALENDAR_MAX_DAYS} days after from`),
  ),
  job_name: z.optional(JobNameSchema),
});
export type CalendarQuery = z.infer<typeof CalendarQuerySchema>;

export const CALENDAR_FIRE_STATES = [
  "scheduled",
  "paused",
  "job_disabled",
  "schedule_disabled",
  "cooldown",
] as const;
export const CalendarFireStateSchema = z.enum(CALENDAR_FIRE_STATES);
export type CalendarFireState = z.infer<typeof CalendarFireStateSchema>;

export const CALENDAR_FLAGS = ["overlap", "outlasts_interval"] as const;
export const CalendarFlagSchema = z.enum(CALENDAR_FLAGS);
export type CalendarFlag = z.infer<typeof CalendarFlagSchema>;

export const CalendarFireSchema = z.object({
  fire_at: TimeSchema,
  fire_local: z
    .string()
    .check(z.describe("the same instant in the schedule's own time zone, with its offset")),
  timezone: z.string(),
  job_name: z.string(),
  schedule_id: z.string(),
  schedule_name: z.string(),
  execution_policy: ExecutionPolicySchema,
  state: CalendarFireStateSchema.check(
    z.describe(
      "scheduled: it will start a run; paused: the scheduler is paused; job_disabled / schedule_disabled: switched off; cooldown: inside the job's cooldown after a manual run",
    ),
  ),
  expected_end_at: z.nullable(
    TimeSchema.check(z.describe("fire + the job's p95 duration; null without history")),
  ),
  flags: z
    .array(CalendarFlagSchema)
    .check(
      z.describe(
        "overlap: fires before the same job's previous fire is expected to end; outlasts_interval: the job's p95 is longer than the gap to its next fire. Counted over fires that are scheduled or paused.",
      ),
    ),
});
export type CalendarFire = z.infer<typeof CalendarFireSchema>;

export const CalendarJobSchema = z.object({
  job_name: z.string(),
  enabled: z.boolean(),
  p95_duration_seconds: z.nullable(z.number()),
  p95_sample_size: z.number().check(z.describe("successful runs the p95 is taken from (the latest ones)")),
  cooldown_ends_at: z.nullable(TimeSchema),
  fires: z.number(),
  overlaps: z.number(),
  outlasts_interval: z.boolean(),
});
export type CalendarJob = z.infer<typeof CalendarJobSchema>;

export const DstChangeSchema = z.object({
  timezone: z.string(),
  at: TimeSchema.check(z.describe("the instant the offset changes")),
  kind: z
    .enum(["gap", "repeat"])
    .check(
      z.describe(
        "gap: local clocks jump forward, the skipped local times do not exist; repeat: they go back, a local hour happens twice",
      ),
    ),
  offset_before_minutes: z.number(),
  offset_after_minutes: z.number(),
  wall_before: z.string().check(z.describe("local wall clock just before the change, yyyy-mm-ddThh:mm")),
  wall_after: z.string().check(z.describe("local wall clock at the change, yyyy-mm-ddThh:mm")),
});
export type DstChange = z.infer<typeof DstChangeSchema>;

export const CalendarAnswerSchema = z.object({
  from: z.string(),
  to: z.string(),
  job_name: z.nullable(z.string()),
  scheduler_paused: z.boolean(),
  fires: z.array(CalendarFireSchema),
  count: z.number(),
  truncated: z
    .boolean()
    .check(
      z.describe(`more than ${CALENDAR_MAX_FIRES} fires: only those before complete_before_at are listed`),
    ),
  complete_before_at: z.nullable(TimeSchema),
  jobs: z.array(CalendarJobSchema),
  dst_changes: z.array(DstChangeSchema),
  unevaluable: z.array(z.object({ schedule_id: z.string(), schedule_name: z.string(), error: z.string() })),
  // Issue 16 part 5: the page says who paused what, why and until when, beside the fires it stops.
  pauses: z
    .array(
      z.extend(PauseNoteSchema, {
        target: z.string().check(z.describe('"scheduler", "job:<job_name>" or "schedule:<schedule_id>"')),
      }),
    )
    .check(
      z.describe(
        "the pauses behind the window's paused, job_disabled and schedule_disabled fires (a pause noted before issue 16 has none)",
      ),
    ),
});
export type CalendarAnswer = z.infer<typeof CalendarAnswerSchema>;
