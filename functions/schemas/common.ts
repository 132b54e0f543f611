// Shared building blocks of the API and model schemas.
// zod/mini keeps Lambda bundles small (classic zod is ~440 KB minified on its own).
import * as z from "zod/mini";

export const JOB_NAME_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export const JobNameSchema = z.string().check(z.minLength(1), z.maxLength(64), z.regex(JOB_NAME_PATTERN));

export const UuidSchema = z
  .string()
  .check(
    z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, "must be a UUID v4"),
  );

/** An instant, accepted with any offset or `Z` (spec/api.md "Times"). */
export const InstantSchema = z.string().check(
  z.maxLength(40),
  z.refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(s), {
    message: "must be an ISO 8601 time with an offset or Z, e.g. 2025-10-30T22:05:12+09:00",
  }),
  z.refine((s) => !Number.isNaN(Date.parse(s)), { message: "is not a valid date/time" }),
);

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.optional(z.unknown()),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
