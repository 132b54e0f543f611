// Audit entries (issue: reliability, "Audit"): who did what, when, and what changed.
import * as z from "zod/mini";
import { InstantSchema, LimitParamSchema, TimeSchema } from "./common.ts";

export const AUDIT_ACTIONS = [
  "run.trigger",
  "run.cancel",
  "run.rerun",
  "schedule.create",
  "schedule.update",
  "schedule.delete",
  "job.enable",
  "job.disable",
  "scheduler.pause",
  "scheduler.resume",
  // issue 16 part 5: a schedule paused / resumed (the reason and until in `after`)
  "schedule.pause",
  "schedule.resume",
  // Issue 16 part 2
  "backfill.start",
  "backfill.cancel",
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** One operator action. `before` / `after` hold what changed (null where there is no side). */
export const AuditEntrySchema = z.object({
  id: z.string(),
  at: TimeSchema,
  actor: z.string(),
  action: AuditActionSchema,
  /** what it acted on: a run's execution_uuid, a schedule id, a job name, or "scheduler" */
  target: z.string(),
  /** a readable name for the target (schedule name, job name) when it has one */
  target_name: z.nullable(z.string()),
  before: z.nullable(z.record(z.string(), z.unknown())),
  after: z.nullable(z.record(z.string(), z.unknown())),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const ListAuditQuerySchema = z.strictObject({
  action: z.optional(AuditActionSchema),
  actor: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  target: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  since: z.optional(InstantSchema),
  until: z.optional(InstantSchema),
  limit: z.optional(LimitParamSchema),
  cursor: z.optional(z.string().check(z.maxLength(2048))),
});
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;
