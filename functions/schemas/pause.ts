// Issue 16 part 5: why and until when a thing is paused. One schema for the scheduler, a job and a
// schedule, so every page shows the same four facts (who, when, why, until).
import * as z from "zod/mini";
import { InstantSchema, plainText, TimeSchema } from "./common.ts";

/** The longest pause `until` may ask for: past it, a pause is a decision, not a window. */
export const MAX_PAUSE_DAYS = 90;
export const PAUSE_REASON_MAX = 500;

/** What pausing takes: a reason (required) and an optional end. */
export const PauseFieldsShape = {
  reason: z.optional(
    plainText(PAUSE_REASON_MAX, 1).check(z.describe("why it is paused; required when pausing")),
  ),
  until: z.optional(
    z.nullable(
      InstantSchema.check(
        z.describe(
          `resumes by itself at this time (within a minute, audit actor "system"); in the future, at most ${MAX_PAUSE_DAYS} days ahead`,
        ),
      ),
    ),
  ),
};

/** A pause as answered: who paused, when, why, and until when (null: until resumed by hand). */
export const PauseNoteSchema = z.object({
  by: z.string(),
  at: TimeSchema,
  reason: z.string(),
  until: z.nullable(TimeSchema),
});
export type PauseNote = z.infer<typeof PauseNoteSchema>;

/** POST /v1/schedules/pause: a selection of schedules. */
export const PauseSchedulesRequestSchema = z.strictObject({
  ids: z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.minLength(1), z.maxLength(100)),
  ...PauseFieldsShape,
});
/** POST /v1/schedules/resume. */
export const ResumeSchedulesRequestSchema = z.strictObject({
  ids: z.array(z.string().check(z.minLength(1), z.maxLength(128))).check(z.minLength(1), z.maxLength(100)),
});
