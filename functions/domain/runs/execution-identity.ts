import { createHash } from "node:crypto";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export const isUuid = (s: string) => UUID_RE.test(s);

/**
 * The run's execution_uuid for a workflow execution. API starts name the execution by the UUID;
 * any other execution (a schedule's) gets a UUID derived from its ARN, so every later look-up —
 * a redelivered start, the reconciler after a crash — finds the same run without an index.
 */
export function runUuidForExecution(name: string, arn: string): string {
  if (isUuid(name)) return name.toLowerCase();
  return uuidFromHash(createHash("sha256").update(arn).digest("hex"));
}

/** Formats 16+ bytes of a hash as a UUID v4 (version and variant bits set). */
function uuidFromHash(h: string): string {
  const variant = ((Number.parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * A schedule fire's run is named by (schedule id, scheduled time): EventBridge delivers at least
 * once, and every delivery of the same fire maps to the same run record, so only one ever runs.
 */
export function runUuidForFire(scheduleId: string, scheduledTime: string): string {
  const instant = Number.isNaN(Date.parse(scheduledTime))
    ? scheduledTime
    : new Date(scheduledTime).toISOString();
  return uuidFromHash(createHash("sha256").update(`fire\n${scheduleId}\n${instant}`).digest("hex"));
}

/** The run of a workflow execution, from its input when it says, else from the execution. */
export function runUuidFor(
  input: { execution_uuid?: string; schedule_id?: string | null; scheduled_time?: string | null } | undefined,
  name: string,
  arn: string,
): string {
  if (input?.execution_uuid) return input.execution_uuid.toLowerCase();
  if (input?.schedule_id && input.scheduled_time)
    return runUuidForFire(input.schedule_id, input.scheduled_time);
  return runUuidForExecution(name, arn);
}
