// Shared building blocks of the API and model schemas.
// zod/mini keeps Lambda bundles small (classic zod is ~440 KB minified on its own).
import * as z from "zod/mini";

export const JOB_NAME_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export const JobNameSchema = z.string().check(z.minLength(1), z.maxLength(64), z.regex(JOB_NAME_PATTERN));

export const UuidSchema = z.string().check(
  z.maxLength(36, "must be a UUID"),
  // Any RFC 9562 UUID: an id of another version is simply unknown (404), not malformed.
  z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i, "must be a UUID"),
);

const INSTANT_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/;
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: beyond them a UTC ISO string needs 6 digits. */
const INSTANT_MIN_MS = -62_167_219_200_000;
const INSTANT_MAX_MS = 253_402_300_799_999;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The epoch milliseconds of an ISO 8601 instant with an offset or `Z`, or why it is not one.
 * Checked field by field because `Date.parse` rolls impossible dates over (2025-02-30 → 2 March)
 * and reads 24:00 as the next day.
 */
export function parseInstant(s: string): { ok: true; ms: number } | { ok: false; message: string } {
  const m = INSTANT_PATTERN.exec(s);
  // A `+` sent unencoded in a query string arrives as a space: say so rather than "not a time".
  if (!m && / \d{2}:?\d{2}$/.test(s))
    return { ok: false, message: `${INSTANT_FORMAT_MESSAGE} (in a URL, send the offset's + as %2B)` };
  if (!m) return { ok: false, message: INSTANT_FORMAT_MESSAGE };
  const n = (i: number) => Number(m[i] ?? 0);
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  if (month < 1 || month > 12) return { ok: false, message: `month ${m[2]} does not exist (01-12)` };
  const days = month === 2 && isLeap(year) ? 29 : (MONTH_DAYS[month - 1] ?? 31);
  if (day < 1 || day > days)
    return { ok: false, message: `day ${m[3]} does not exist in ${m[1]}-${m[2]} (01-${days})` };
  if (hour > 23) return { ok: false, message: `hour ${m[4]} does not exist (00-23)` };
  if (minute > 59) return { ok: false, message: `minute ${m[5]} does not exist (00-59)` };
  if (second > 59) return { ok: false, message: `second ${m[6]} does not exist (00-59)` };
  let offset = 0;
  if (m[8] !== "Z") {
    if (n(10) > 23 || n(11) > 59) return { ok: false, message: `offset ${m[8]} does not exist` };
    offset = (m[9] === "-" ? -1 : 1) * (n(10) * 60 + n(11)) * 60_000;
  }
  const t = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  t.setUTCFullYear(year, month - 1, day);
  t.setUTCHours(hour, minute, second, Math.floor(Number(`0${m[7] ?? ""}`) * 1000));
  const ms = t.getTime() - offset;
  if (ms < INSTANT_MIN_MS || ms > INSTANT_MAX_MS)
    return { ok: false, message: "must be within the years 0000-9999 in UTC" };
  return { ok: true, ms };
}

const INSTANT_FORMAT_MESSAGE = "must be an ISO 8601 time with an offset or Z, e.g. 2025-10-30T22:05:12+09:00";

/** An instant, accepted with any offset or `Z` (spec/api.md "Times"), naming a date and time that exist. */
export const InstantSchema = z.string().check(
  z.maxLength(40),
  z.superRefine((s, ctx) => {
    const r = parseInstant(s);
    if (!r.ok) ctx.addIssue({ code: "custom", message: r.message, input: s });
  }),
);

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string().check(z.describe("stable and machine-readable, e.g. invalid_request, already_running")),
    message: z.string(),
    details: z.optional(
      z
        .union([
          z.array(
            z.object({
              field: z.string(),
              message: z.string().check(z.describe("in English")),
              // Issue 14 part C: what is wrong, for pages that say it in their own language.
              code: z.optional(
                z
                  .string()
                  .check(
                    z.describe(
                      "machine code of the issue, e.g. maximum, required, unknown_job, cron_day_fields (functions/schemas/issue-codes.ts and the domain's checks)",
                    ),
                  ),
              ),
              params: z.optional(
                z
                  .record(z.string(), z.union([z.string(), z.number()]))
                  .check(z.describe("the values the code's wording names, e.g. {n: 20}, {suggestion}")),
              ),
            }),
          ),
          z.record(z.string(), z.unknown()),
        ])
        .check(
          z.describe(
            "invalid_request: a list of {field, message, code, params}; conflicts: the object in question (e.g. {execution_uuid} of the running run)",
          ),
        ),
    ),
  }),
});

/**
 * An instant as the API answers it: ISO 8601 with the display time zone's numeric offset
 * (spec/api.md "Times"), never `Z`, so a client shows what the operator's clock shows.
 */
export const TimeSchema = z
  .string()
  .check(
    z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?[+-]\d{2}:\d{2}$/),
    z.describe("ISO 8601 instant with the display time zone's offset, e.g. 2025-10-30T22:05:12+09:00"),
  );

/** `limit` of a paged list: query strings arrive as text, the contract (and the parsed value) is an integer. */
export const LimitParamSchema = z.coerce
  .number()
  .check(
    z.int("must be an integer from 1 to 100"),
    z.minimum(1, "must be an integer from 1 to 100"),
    z.maximum(100, "must be an integer from 1 to 100"),
    z.describe("page size, 1-100 (default 100)"),
  );

/** Parameters sent to a job (trigger options, schedule params): checked by the job's own schema. */
export const ParamsInputSchema = z.record(z.string().check(z.maxLength(128)), z.unknown());

/**
 * Characters refused in text an operator typed: controls (\p{Cc}, NUL included), invisible format
 * characters such as bidi overrides and zero-width spaces (\p{Cf}) and lone UTF-16 surrogates
 * (\p{Cs}: half an emoji, not a character; stores and logs mangle it). They hide in lists and logs.
 */
const PLAIN_TEXT = /^[^\p{Cc}\p{Cf}\p{Cs}]*$/u;
const MULTILINE_TEXT = /^(?:[^\p{Cc}\p{Cf}\p{Cs}]|[\n\r\t])*$/u;
const HIDDEN_MESSAGE = "must not contain control or invisible characters";

/** Text an operator typed: no control, invisible format or lone surrogate characters. */
export const plainText = (max: number, min = 0) =>
  z.string().check(z.minLength(min), z.maxLength(max), z.regex(PLAIN_TEXT, HIDDEN_MESSAGE));
/** As plainText, but line breaks and tabs are allowed (descriptions). */
export const multilineText = (max: number) =>
  z.string().check(z.maxLength(max), z.regex(MULTILINE_TEXT, HIDDEN_MESSAGE));
