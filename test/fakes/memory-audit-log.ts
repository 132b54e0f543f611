// AuditLog in memory, as DynamoAuditLog: an entry is written once (a retried write of the same id
// changes nothing); listings are newest first (by `at`, then id) inside [since, until], filtered by
// action / actor / target, resumed strictly after a position.
import type { AuditFilter, AuditLog, AuditPosition } from "#ports/audit-log.ts";
import type { AuditEntry } from "#schemas/audit.ts";
import { StoreOutage } from "./store-outage.ts";

const sortKey = (at: string, id: string) => `${new Date(at).toISOString()}#${id}`;

export class MemoryAuditLog implements AuditLog {
  private readonly items = new Map<string, AuditEntry>();

  constructor(readonly outage: StoreOutage = new StoreOutage()) {}

  /** Every entry, oldest first (test helper). */
  entries(): AuditEntry[] {
    return [...this.items.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, e]) => structuredClone(e));
  }

  /** Writes without the outage check: the control store's transactions (claimStart) write here. */
  has(entry: AuditEntry): boolean {
    return this.items.has(sortKey(entry.at, entry.id));
  }

  put(entry: AuditEntry): void {
    const at = new Date(entry.at).toISOString();
    this.items.set(sortKey(at, entry.id), structuredClone({ ...entry, at }));
  }

  async record(entry: AuditEntry): Promise<void> {
    this.outage.check("audit.record");
    if (!this.has(entry)) this.put(entry);
  }

  async list(filter: AuditFilter, limit: number, after: AuditPosition | null) {
    this.outage.check("audit.list");
    const lower = `${filter.since.toISOString()}#`;
    const upper = after ? sortKey(after.at, after.id) : `${filter.until.toISOString()}#~`;
    const matching = [...this.items.entries()]
      .filter(([k]) => k >= lower && k <= upper && k !== (after ? upper : null))
      .filter(
        ([, e]) =>
          (filter.action === undefined || e.action === filter.action) &&
          (filter.actor === undefined || e.actor === filter.actor) &&
          (filter.target === undefined || e.target === filter.target),
      )
      .sort(([a], [b]) => b.localeCompare(a))
      .map(([, e]) => structuredClone(e));
    return { entries: matching.slice(0, limit), more: matching.length > limit };
  }
}
