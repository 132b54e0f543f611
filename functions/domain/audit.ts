// The audit trail: every operator action (trigger, cancel, rerun, schedule changes, job
// enable/disable, pause/resume) leaves exactly one entry with the actor and what changed.
import { randomUUID } from "node:crypto";
import type { AuditFilter, AuditPosition } from "#ports/audit-log.ts";
import type { AuditAction, AuditEntry, ListAuditQuery } from "#schemas/audit.ts";
import type { CoreDeps } from "./core-deps.ts";
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
    const entry = this.entry(action, actor, change);
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

  /** The entry of an action, not written: for a write that stores it with the action itself. */
  entry(action: AuditAction, actor: string, change: AuditChange): AuditEntry {
    return {
      id: randomUUID(),
      at: this.deps.clock.now().toISOString(),
      actor,
      action,
      target: change.target,
      target_name: change.target_name ?? null,
      before: change.before ?? null,
      after: change.after ?? null,
    };
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
    // Entries are written at this clock's now: the walk (one query per month) need not start later
    // than a month past it, however far `until` is (9999-12-31… was ~95,000 queries, then a 500).
    const latest = new Date(now.getTime() + 31 * 86400_000);
    return {
      action: q.action,
      actor: q.actor,
      target: q.target,
      since,
      until: until < latest ? until : latest,
    };
  }

  list(filter: AuditFilter, limit: number, after: AuditPosition | null) {
    return this.deps.audit.list(filter, limit, after);
  }
}
