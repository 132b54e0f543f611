// The behaviours every RunStore must have, as the domain relies on them. Run against the in-memory
// fake (test/unit/fakes-contract.test.ts) and against DynamoDB Local
// (test/integration/store-contract.test.ts): a fake that passes it can stand in for the table.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { FinishUpdate, RunStore } from "#ports/run-store.ts";
import type { Run } from "#schemas/run.ts";
import { aRun } from "#test/helpers/builders.ts";

export type RunStoreFixture = { store: RunStore };

const uuid = () => randomUUID();
const job = () => `contract.${randomUUID().slice(0, 8)}`;

const finishUpdate = (over: Partial<FinishUpdate> = {}): FinishUpdate => ({
  status: "SUCCESS",
  finished_at: "2025-07-10T00:05:00.000Z",
  duration_seconds: 300,
  error_summary: null,
  next_scheduled_for: null,
  counts: {
    input_count: 5,
    inserted_count: 3,
    updated_count: 1,
    skipped_count: 1,
    error_count: 0,
    skip_breakdown: { unchanged: 1 },
  },
  expires_at: null,
  ...over,
});

const progress = (at: string) => ({
  stage: "fetch",
  stages: [{ name: "fetch", status: "running" as const, started_at: at, finished_at: null }],
  current: 2,
  total: 10,
  message: "page 2",
  items: [],
  updated_at: at,
});

export function describeRunStoreContract(name: string, make: () => Promise<RunStoreFixture>) {
  describe(`RunStore contract: ${name}`, () => {
    const run = (over: Partial<Run> = {}) => aRun({ execution_uuid: uuid(), ...over });

    it("creates a run once: a second create of the same id is refused and changes nothing", async () => {
      const { store } = await make();
      const r = run({ job_name: job(), params: { a: 1, nested: { b: [1, 2] } } });
      expect(await store.create(r)).toBe(true);
      expect(await store.create({ ...r, status: "QUEUED", triggered_by: "someone else" })).toBe(false);
      expect(await store.get(r.execution_uuid)).toEqual(r);
    });

    it("answers null for a run that does not exist", async () => {
      const { store } = await make();
      expect(await store.get(uuid())).toBeNull();
    });

    it("finishes a run only from the statuses given, once", async () => {
      const { store } = await make();
      const r = run({ job_name: job() });
      await store.create(r);
      expect(await store.finish(r.execution_uuid, ["QUEUED"], finishUpdate())).toBeNull();
      expect((await store.get(r.execution_uuid))?.status).toBe("RUNNING");

      const done = await store.finish(r.execution_uuid, ["RUNNING"], finishUpdate());
      expect(done).toMatchObject({
        status: "SUCCESS",
        finished_at: "2025-07-10T00:05:00.000Z",
        duration_seconds: 300,
        inserted_count: 3,
        skip_breakdown: { unchanged: 1 },
        updated_at: "2025-07-10T00:05:00.000Z",
      });
      expect(await store.get(r.execution_uuid)).toEqual(done);
      // a finished run never changes again
      expect(
        await store.finish(r.execution_uuid, ["RUNNING", "QUEUED"], finishUpdate({ status: "FAILURE" })),
      ).toBeNull();
      expect((await store.get(r.execution_uuid))?.status).toBe("SUCCESS");
    });

    it("refuses to finish a run that does not exist (and does not create it)", async () => {
      const { store } = await make();
      const id = uuid();
      expect(await store.finish(id, ["RUNNING"], finishUpdate())).toBeNull();
      expect(await store.get(id)).toBeNull();
    });

    it("keeps counts and progress when the finish does not carry them", async () => {
      const { store } = await make();
      const at = "2025-07-10T00:01:00.000Z";
      const r = run({ job_name: job() });
      await store.create(r);
      await store.writeProgress(r.execution_uuid, {
        progress: progress(at),
        counts: { ...finishUpdate().counts!, inserted_count: 7 },
        attempt: 2,
      });
      const done = await store.finish(
        r.execution_uuid,
        ["RUNNING"],
        finishUpdate({ status: "FAILURE", counts: undefined, error_summary: "boom" }),
      );
      expect(done).toMatchObject({ status: "FAILURE", inserted_count: 7, attempt: 2, error_summary: "boom" });
      expect(done?.progress).toEqual(progress(at));
    });

    it("writes progress only while the run is RUNNING", async () => {
      const { store } = await make();
      const at = "2025-07-10T00:02:00.000Z";
      const r = run({ job_name: job() });
      const queued = run({ job_name: job(), status: "QUEUED" });
      await store.create(r);
      await store.create(queued);
      const update = { progress: progress(at), counts: finishUpdate().counts!, attempt: 1 };
      expect(await store.writeProgress(r.execution_uuid, update)).toBe(true);
      expect(await store.get(r.execution_uuid)).toMatchObject({
        progress: progress(at),
        input_count: 5,
        updated_at: at,
      });
      expect(await store.writeProgress(queued.execution_uuid, update)).toBe(false);
      expect(await store.writeProgress(uuid(), update)).toBe(false);
      await store.finish(
        r.execution_uuid,
        ["RUNNING"],
        finishUpdate({ status: "CANCELLED", counts: undefined }),
      );
      expect(
        await store.writeProgress(r.execution_uuid, {
          ...update,
          counts: { ...update.counts, input_count: 99 },
        }),
      ).toBe(false);
      expect((await store.get(r.execution_uuid))?.input_count).toBe(5);
    });

    it("lands a cancelled run's final counts once, counts only, and on no other status", async () => {
      const { store } = await make();
      const at = "2025-07-10T00:03:00.000Z";
      const r = run({ job_name: job() });
      await store.create(r);
      const counts = finishUpdate().counts!;
      await store.writeProgress(r.execution_uuid, { progress: progress(at), counts, attempt: 1 });
      // Still RUNNING: not a cancelled run's flush.
      expect(await store.writeCancelledCounts(r.execution_uuid, { ...counts, input_count: 50 })).toBe(false);
      await store.finish(
        r.execution_uuid,
        ["RUNNING"],
        finishUpdate({ status: "CANCELLED", counts: undefined }),
      );
      const before = await store.get(r.execution_uuid);
      const reached = { ...counts, input_count: 42, skipped_count: 2, skip_breakdown: { unchanged: 2 } };
      expect(await store.writeCancelledCounts(r.execution_uuid, reached)).toBe(true);
      const after = await store.get(r.execution_uuid);
      expect(after).toEqual({ ...before, ...reached });
      expect(after?.progress).toEqual(progress(at));
      // Once: a second flush changes nothing.
      expect(await store.writeCancelledCounts(r.execution_uuid, { ...reached, input_count: 99 })).toBe(false);
      expect((await store.get(r.execution_uuid))?.input_count).toBe(42);

      const failed = run({ job_name: job() });
      await store.create(failed);
      await store.finish(failed.execution_uuid, ["RUNNING"], finishUpdate({ status: "FAILURE" }));
      expect(await store.writeCancelledCounts(failed.execution_uuid, reached)).toBe(false);
      expect((await store.get(failed.execution_uuid))?.input_count).toBe(5);
      expect(await store.writeCancelledCounts(uuid(), reached)).toBe(false);
    });

    it("patches a run only while it is active, and never to a finished status", async () => {
      const { store } = await make();
      const r = run({ job_name: job(), status: "QUEUED" });
      await store.create(r);
      expect(
        await store.patchActive(r.execution_uuid, { status: "RUNNING", workflow_execution_arn: "arn:x" }),
      ).toBe(true);
      expect(await store.get(r.execution_uuid)).toMatchObject({
        status: "RUNNING",
        workflow_execution_arn: "arn:x",
      });
      await expect(store.patchActive(r.execution_uuid, { status: "SUCCESS" })).rejects.toThrow();
      await store.finish(r.execution_uuid, ["RUNNING"], finishUpdate());
      expect(await store.patchActive(r.execution_uuid, { attempt: 3 })).toBe(false);
      expect((await store.get(r.execution_uuid))?.attempt).toBe(1);
      expect(await store.patchActive(uuid(), { attempt: 2 })).toBe(false);
    });

    it("lists the active runs (RUNNING, QUEUED) of a job, not the finished ones nor other jobs'", async () => {
      const { store } = await make();
      const j = job();
      const a = run({ job_name: j, started_at: "2025-07-10T00:00:01.000Z" });
      const b = run({ job_name: j, status: "QUEUED", started_at: "2025-07-10T00:00:02.000Z" });
      const c = run({ job_name: j, started_at: "2025-07-10T00:00:03.000Z" });
      const other = run({ job_name: job() });
      for (const r of [a, b, c, other]) await store.create(r);
      await store.finish(c.execution_uuid, ["RUNNING"], finishUpdate());
      const active = await store.listActive(j);
      expect(active.map((r) => r.execution_uuid).sort()).toEqual([a.execution_uuid, b.execution_uuid].sort());
      const everyone = (await store.listActive()).map((r) => r.execution_uuid);
      expect(everyone).toEqual(
        expect.arrayContaining([a.execution_uuid, b.execution_uuid, other.execution_uuid]),
      );
      expect(everyone).not.toContain(c.execution_uuid);
    });

    it("lists a job's runs newest first, page by page, each run once", async () => {
      const { store } = await make();
      const j = job();
      const runs = Array.from({ length: 7 }, (_, i) =>
        run({ job_name: j, started_at: `2025-07-1${i}T03:00:00.000Z`, status: "SUCCESS" }),
      );
      for (const r of runs) await store.create(r);
      const seen: string[] = [];
      let after = null;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.list({ job_name: j }, 3, after);
        seen.push(...page.runs.map((r) => r.execution_uuid));
        after = page.next;
        if (!after) break;
      }
      expect(seen).toEqual([...runs].reverse().map((r) => r.execution_uuid));
    });

    it("filters a listing by status, start window (inclusive) and trigger source", async () => {
      const { store } = await make();
      const j = job();
      const r1 = run({ job_name: j, started_at: "2025-07-01T00:00:00.000Z", status: "SUCCESS" });
      const r2 = run({ job_name: j, started_at: "2025-07-02T00:00:00.000Z", status: "FAILURE" });
      const r3 = run({
        job_name: j,
        started_at: "2025-07-03T00:00:00.000Z",
        status: "FAILURE",
        trigger_source: "schedule",
      });
      for (const r of [r1, r2, r3]) await store.create(r);
      const ids = async (f: Parameters<RunStore["list"]>[0]) =>
        (await store.list(f, 10, null)).runs.map((r) => r.execution_uuid);
      expect(await ids({ job_name: j, statuses: ["FAILURE"] })).toEqual([
        r3.execution_uuid,
        r2.execution_uuid,
      ]);
      expect(
        await ids({
          job_name: j,
          started_after: "2025-07-01T00:00:00.000Z",
          started_before: "2025-07-02T00:00:00.000Z",
        }),
      ).toEqual([r2.execution_uuid, r1.execution_uuid]);
      expect(await ids({ job_name: j, trigger_source: "schedule" })).toEqual([r3.execution_uuid]);
    });

    it("finds runs by the start of their execution id and counts a filter's runs up to a cap (issue 14)", async () => {
      const { store } = await make();
      const j = job();
      const runs = [1, 2, 3, 4].map((d) =>
        run({
          job_name: j,
          started_at: `2025-08-0${d}T00:00:00.000Z`,
          status: d === 2 ? "FAILURE" : "SUCCESS",
        }),
      );
      for (const r of runs) await store.create(r);
      const target = runs[2] as Run;
      const prefix = target.execution_uuid.slice(0, 13);
      const found = await store.list({ job_name: j, execution_prefix: prefix }, 10, null);
      expect(found.runs.map((r) => r.execution_uuid)).toEqual([target.execution_uuid]);
      const whole = await store.list(
        {
          execution_prefix: target.execution_uuid,
          started_after: "2025-08-01T00:00:00.000Z",
          started_before: "2025-08-04T23:59:59.000Z",
        },
        10,
        null,
      );
      expect(whole.runs.map((r) => r.execution_uuid)).toEqual([target.execution_uuid]);
      expect(await store.count({ job_name: j }, 1000)).toEqual({ count: 4, capped: false });
      expect(await store.count({ job_name: j, statuses: ["FAILURE"] }, 1000)).toEqual({
        count: 1,
        capped: false,
      });
      expect(await store.count({ job_name: j }, 3)).toEqual({ count: 3, capped: true });
      expect(await store.count({ job_name: j, execution_prefix: prefix }, 1000)).toEqual({
        count: 1,
        capped: false,
      });
      // the all-jobs feed, over a window only this case writes into
      expect(
        await store.count(
          { started_after: "2025-08-01T00:00:00.000Z", started_before: "2025-08-04T23:59:59.000Z" },
          1000,
        ),
      ).toEqual({ count: 4, capped: false });
    });

    it("lists all jobs' runs (the feed) newest first across months, page by page, with a data source filter", async () => {
      const { store } = await make();
      // a window no other case of the contract writes into
      const runs = ["2024-03-05", "2024-03-28", "2024-04-02", "2024-05-17", "2024-05-30"].map((d, i) =>
        run({
          job_name: job(),
          started_at: `${d}T06:00:00.000Z`,
          status: "SUCCESS",
          data_source: [i % 2 ? "odd" : "even"],
        }),
      );
      for (const r of runs) await store.create(r);
      const window = {
        started_after: "2024-03-01T00:00:00.000Z",
        started_before: "2024-05-31T23:59:59.000Z",
      };
      const seen: string[] = [];
      let after = null;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.list(window, 2, after);
        seen.push(...page.runs.map((r) => r.execution_uuid));
        after = page.next;
        if (!after) break;
      }
      expect(seen).toEqual([...runs].reverse().map((r) => r.execution_uuid));
      const odd = await store.list({ ...window, data_source: "odd" }, 10, null);
      expect(odd.runs.map((r) => r.started_at)).toEqual([
        "2024-05-17T06:00:00.000Z",
        "2024-03-28T06:00:00.000Z",
      ]);
      expect(odd.next).toBeNull();
    });

    it("hides a run whose retention has passed (expires_at in the past)", async () => {
      const { store } = await make();
      const j = job();
      const r = run({ job_name: j });
      await store.create(r);
      const past = Math.floor(Date.now() / 1000) - 60;
      await store.finish(r.execution_uuid, ["RUNNING"], finishUpdate({ expires_at: past }));
      expect(await store.get(r.execution_uuid)).toBeNull();
      expect((await store.list({ job_name: j }, 10, null)).runs).toEqual([]);
      const kept = run({ job_name: j });
      await store.create(kept);
      const future = Math.floor(Date.now() / 1000) + 3600;
      await store.finish(kept.execution_uuid, ["RUNNING"], finishUpdate({ expires_at: future }));
      expect((await store.get(kept.execution_uuid))?.status).toBe("SUCCESS");
    });
  });
}
