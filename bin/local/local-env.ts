// What the local stack reads from its environment (README "On one machine"), parsed once with the
// same defaults as the Lambda functions (functions/config/defaults.ts). Options passed to
// startLocalStack win over these; a bad value fails the start with its name.
import * as z from "zod/mini";
import { DEFAULTS } from "#config/defaults.ts";
import { isValidTimeZone } from "#domain/time.ts";

const whole = (name: string) =>
  z.pipe(
    z.string().check(z.regex(/^\s*\d+\s*$/, `${name} must be a whole number`)),
    z.transform((s) => Number(s.trim())),
  );

const LocalEnvSchema = z.object({
  JOBDECK_DATA_DIR: z.optional(z.string()),
  JOBDECK_TIMEZONE: z._default(
    z
      .string()
      .check(z.refine(isValidTimeZone, "JOBDECK_TIMEZONE must be an IANA time zone (e.g. Asia/Tokyo)")),
    DEFAULTS.displayTimeZone,
  ),
  JOBDECK_RETENTION_DAYS: z._default(whole("JOBDECK_RETENTION_DAYS"), DEFAULTS.retentionDays),
  JOBDECK_TRIGGER_RATE_LIMIT: z._default(whole("JOBDECK_TRIGGER_RATE_LIMIT"), DEFAULTS.triggersPerMinute),
  /** Seconds between sweeps of overdue runs and missed fires; 0 = only when called. */
  JOBDECK_SWEEP_SECONDS: z._default(whole("JOBDECK_SWEEP_SECONDS"), 30),
  /** "off" keeps schedules from firing (the API still edits them); anything else is on. */
  JOBDECK_SCHEDULER: z._default(z.string(), "on"),
  HOST: z._default(z.string(), "127.0.0.1"),
  PORT: z._default(whole("PORT"), 3000),
});

export type LocalEnv = z.output<typeof LocalEnvSchema>;

export function readLocalEnv(env: Readonly<Record<string, string | undefined>> = process.env): LocalEnv {
  const input = Object.fromEntries(
    Object.keys(LocalEnvSchema.shape).map((k) => [k, env[k] === "" ? undefined : env[k]]),
  );
  const parsed = LocalEnvSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
  throw new Error(`jobdeck local stack: ${problems.join("; ")}`);
}
