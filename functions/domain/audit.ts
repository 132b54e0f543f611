// The audit trail: every operator action (trigger, cancel, rerun, schedule changes, job
// enable/disable, pause/resume) leaves exactly one entry with the actor and what changed.
import { randomUUID } from "node:crypto";
import type { AuditFilter, AuditPosition } from "../ports/audit-log.ts";
import type { AuditAction, AuditEntry, ListAuditQuery } from "../schemas/audit.ts";
import type { CoreDeps } from "./deps.ts";
import { ValidationError } from "./errors.ts";

/** How far back a listing may reach (entries are kept 400 days). */
const MAX_WINDOW_DAYS = 400;
const DEFAULT_WINDOW_DAYS = 30;

export type AuditChange = {
  target: string;
  target_name?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
};

export class AuditTrail {
  constructor(private readonly deps: Pick<CoreDeps, "audit" | "clock" | "logger">) {}

  /**
   * Records an action that has happened. A failed write is logged loudly but does not undo or fail
   * the action itself (it is done; the answer must say so).
   */
  async record(action: AuditAction, actor: string, change: AuditChange): Promise<AuditEntry> {
    const entry: AuditEntry = {
      id: randomUUID(),
      at: this.deps.clock.now().toISOString(),
      actor,
      action,
      target: change.target,
      target_name: change.target_name ?? null,
      before: change.before ?? null,
      after: change.after ?? null,
    };
    try {
      await this.deps.audit.record(entry);
    } catch (e) {
      this.deps.logger.error("audit entry not written", {
        action,
        actor,
        target: change.target,
        error: e instanceof Error ? e.message : String(e),
      });
    }
    return entry;
  }

  /** The filter of a listing, with its window checked (default: the last 30 days). */
  filterOf(q: ListAuditQuery): AuditFilter {
    const now = this.deps.clock.now();
    const until = q.until ? new Date(q.until) : now;
    const since = q.since ? new Date(q.since) : new Date(until.getTime() - DEFAULT_WINDOW_DAYS * 86400_000);
    if (since > until)
      throw new ValidationError("invalid query", [{ field: "since", message: "must not be after until" }]);
    if (now.getTime() - since.getTime() > MAX_WINDOW_DAYS * 86400_000) {
      throw new ValidationError("invalid query", [
        { field: "since", message: `audit entries are kept ${MAX_WINDOW_DAYS} days; ask for a later since` },
      ]);
    }
    return { action: q.action, actor: q.actor, target: q.target, since, until };
  }

  list(filter: AuditFilter, limit: number, after: AuditPosition | null) {
    return this.deps.audit.list(filter, limit, after);
  }
}
