// Issue 16 part 2: backfills (control table, their own key prefix). Every change is conditional, so
// the run finisher, the sweeper and an API request can all try to move one backfill on at once and
// only one of them starts each run.
import type { Backfill, BackfillStatus } from "#schemas/backfill.ts";

export interface BackfillStore {
  /** Creates it unless one with this id exists: false (nothing written) when it does. */
  create(backfill: Backfill): Promise<boolean>;
  get(id: string): Promise<Backfill | null>;
  /** Newest first; of one job when given. */
  list(jobName?: string): Promise<Backfill[]>;
  /**
   * Moves the start cursor from `from` to `to` while the backfill is still running and nobody moved
   * it meanwhile: true when this caller now owns the starts of times[from..to).
   */
  advance(id: string, from: number, to: number): Promise<boolean>;
  /** Ends a running backfill (done or cancelled); false when it had already ended. */
  end(
    id: string,
    status: Exclude<BackfillStatus, "running">,
    at: string,
    actor: string | null,
  ): Promise<boolean>;
}
