// The `queue` policy's line (spec/model.md "Execution policy"): runs waiting as QUEUED for one
// concurrency key take the slot in the order they were queued, first queued first. Nobody races for
// a free slot while others wait: the run that ends hands the slot to the head of the line in one
// conditional write, and a queued run only takes a free slot when nobody queued before it.

import type { CoreDeps } from "#domain/core-deps.ts";
import type { Run } from "#schemas/run.ts";

type Key = Pick<Run, "execution_uuid" | "job_name" | "concurrency_key">;

/** Queue order: when it was queued, then its id (two fires of one instant keep a fixed order). */
const byQueueOrder = (a: Run, b: Run) =>
  a.started_at === b.started_at
    ? a.execution_uuid.localeCompare(b.execution_uuid)
    : a.started_at.localeCompare(b.started_at);

export class SlotQueue {
  constructor(private readonly deps: Pick<CoreDeps, "runs" | "control" | "clock" | "logger">) {}

  /** The runs waiting for `run`'s key, in the order they take the slot (`run` itself left out). */
  async line(run: Key): Promise<Run[]> {
    const active = await this.deps.runs.listActive(run.job_name);
    return active
      .filter(
        (r) =>
          r.status === "QUEUED" &&
          r.concurrency_key === run.concurrency_key &&
          r.execution_uuid !== run.execution_uuid,
      )
      .sort(byQueueOrder);
  }

  /** True when a run queued before `run` (same key) is still waiting: `run` must not take the slot. */
  async someoneBefore(run: Key & Pick<Run, "started_at">): Promise<boolean> {
    const line = await this.line(run);
    return line.some((r) => byQueueOrder(r, run as Run) < 0);
  }

  /** Frees the slot `run` holds: handed to the head of the line, or released when nobody waits. */
  async release(run: Key): Promise<void> {
    const [next] = await this.line(run);
    if (next) {
      const handed = await this.deps.control.handOverSlot(run.concurrency_key, run.execution_uuid, {
        execution_uuid: next.execution_uuid,
        job_name: next.job_name,
        acquired_at: this.deps.clock.now().toISOString(),
      });
      if (handed) {
        this.deps.logger.info("slot handed to the next queued run", {
          execution_uuid: run.execution_uuid,
          next_execution_uuid: next.execution_uuid,
        });
        return;
      }
    }
    await this.deps.control.releaseSlot(run.concurrency_key, run.execution_uuid);
  }
}
