// SlotQueue (the `queue` policy's line, spec/model.md "Execution policy") on in-memory fakes.
import { describe, expect, it } from "vitest";
import { SlotQueue } from "#domain/runs/slot-queue.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { aRun } from "#test/helpers/builders.ts";

const NOW = "2026-03-10T09:00:00.000Z";
const KEY = "demo.sync";
const queued = (started_at: string, over = {}) =>
  aRun({ job_name: "demo.sync", concurrency_key: KEY, status: "QUEUED", started_at, ...over });

describe("SlotQueue", () => {
  it("lines up the QUEUED runs of the same key, first queued first, ties by id; others left out", async () => {
    const core = memoryCore({ now: NOW });
    const holder = aRun({ job_name: "demo.sync", concurrency_key: KEY });
    const b = queued("2026-03-10T08:00:02.000Z");
    const a = queued("2026-03-10T08:00:01.000Z");
    const tieLow = queued("2026-03-10T08:00:03.000Z", {
      execution_uuid: "00000000-0000-4000-8000-aaaaaaaaaaa0",
    });
    const tieHigh = queued("2026-03-10T08:00:03.000Z", {
      execution_uuid: "00000000-0000-4000-8000-aaaaaaaaaaa1",
    });
    const otherKey = queued("2026-03-10T07:00:00.000Z", { concurrency_key: "demo.sync#other" });
    const ended = aRun({ ...queued("2026-03-10T07:00:00.000Z"), status: "SKIPPED" });
    core.runs.seed(holder, tieHigh, b, tieLow, a, otherKey, ended);
    const line = await new SlotQueue(core).line(holder);
    expect(line.map((r) => r.execution_uuid)).toEqual([a, b, tieLow, tieHigh].map((r) => r.execution_uuid));
    expect((await new SlotQueue(core).line(a)).map((r) => r.execution_uuid)).not.toContain(a.execution_uuid);
  });

  it("tells a run whether someone queued before it still waits", async () => {
    const core = memoryCore({ now: NOW });
    const first = queued("2026-03-10T08:00:01.000Z");
    const second = queued("2026-03-10T08:00:02.000Z");
    core.runs.seed(first, second);
    const q = new SlotQueue(core);
    expect(await q.someoneBefore(second)).toBe(true);
    expect(await q.someoneBefore(first)).toBe(false);
  });

  it("hands the slot to the head of the line, stamped now", async () => {
    const core = memoryCore({ now: NOW });
    const holder = aRun({ job_name: "demo.sync", concurrency_key: KEY });
    const first = queued("2026-03-10T08:00:01.000Z");
    const second = queued("2026-03-10T08:00:02.000Z");
    core.runs.seed(holder, second, first);
    core.control.seedSlot(KEY, {
      execution_uuid: holder.execution_uuid,
      job_name: "demo.sync",
      acquired_at: holder.started_at,
    });
    await new SlotQueue(core).release(holder);
    expect(await core.control.getSlot(KEY)).toEqual({
      execution_uuid: first.execution_uuid,
      job_name: "demo.sync",
      acquired_at: NOW,
    });
  });

  it("frees the slot when nobody waits", async () => {
    const core = memoryCore({ now: NOW });
    const holder = aRun({ job_name: "demo.sync", concurrency_key: KEY });
    core.runs.seed(holder);
    core.control.seedSlot(KEY, {
      execution_uuid: holder.execution_uuid,
      job_name: "demo.sync",
      acquired_at: holder.started_at,
    });
    await new SlotQueue(core).release(holder);
    expect(await core.control.getSlot(KEY)).toBeNull();
  });

  it("does not touch a slot the run does not hold, even with a line waiting", async () => {
    const core = memoryCore({ now: NOW });
    const holder = aRun({ job_name: "demo.sync", concurrency_key: KEY });
    const stranger = aRun({ job_name: "demo.sync", concurrency_key: KEY, status: "SUCCESS" });
    const waiting = queued("2026-03-10T08:00:01.000Z");
    core.runs.seed(holder, stranger, waiting);
    core.control.seedSlot(KEY, {
      execution_uuid: holder.execution_uuid,
      job_name: "demo.sync",
      acquired_at: holder.started_at,
    });
    await new SlotQueue(core).release(stranger);
    expect(await core.control.getSlot(KEY)).toMatchObject({ execution_uuid: holder.execution_uuid });
  });
});
