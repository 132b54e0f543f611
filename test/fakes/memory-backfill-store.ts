// Issue 16 part 2: BackfillStore in memory, with the DynamoDB adapter's conditions.
import type { BackfillStore } from "#ports/backfill-store.ts";
import type { Backfill, BackfillStatus } from "#schemas/backfill.ts";

export class MemoryBackfillStore implements BackfillStore {
  readonly items = new Map<string, Backfill>();

  async create(backfill: Backfill): Promise<boolean> {
    if (this.items.has(backfill.id)) return false;
    this.items.set(backfill.id, structuredClone(backfill));
    return true;
  }

  async get(id: string): Promise<Backfill | null> {
    const b = this.items.get(id);
    return b ? structuredClone(b) : null;
  }

  async list(jobName?: string): Promise<Backfill[]> {
    return [...this.items.values()]
      .filter((b) => !jobName || b.job_name === jobName)
      .map((b) => structuredClone(b))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  async advance(id: string, from: number, to: number): Promise<boolean> {
    const b = this.items.get(id);
    if (b?.status !== "running" || b.started !== from) return false;
    b.started = to;
    return true;
  }

  async end(
    id: string,
    status: Exclude<BackfillStatus, "running">,
    at: string,
    actor: string | null,
  ): Promise<boolean> {
    const b = this.items.get(id);
    if (b?.status !== "running") return false;
    Object.assign(b, { status, finished_at: at, cancelled_by: actor });
    return true;
  }
}
