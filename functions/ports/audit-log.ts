import type { AuditAction, AuditEntry } from "#schemas/audit.ts";

export type AuditFilter = { action?: AuditAction; actor?: string; target?: string; since: Date; until: Date };
/** Where the next page starts: the last entry shown (entries are ordered by `at`, then `id`). */
export type AuditPosition = { at: string; id: string };

/** The audit trail (control table in AWS and locally). */
export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first, at most `limit`, strictly older than `after` when given. */
  list(
    filter: AuditFilter,
    limit: number,
    after: AuditPosition | null,
  ): Promise<{ entries: AuditEntry[]; more: boolean }>;
}
