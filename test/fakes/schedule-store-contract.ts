// The behaviours every ScheduleStore / SchedulerStateStore must have. Run against the in-memory
// fakes (test/unit/fakes-contract.test.ts) and against DynamoDB Local
// (test/integration/store-contract.test.ts).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MissedFire, SchedulerStateStore, ScheduleStore } from "#ports/schedule-store.ts";
import { aSchedule } from "#test/helpers/builders.ts";

const unique = () => randomUUID().slice(0, 8);

export function describeScheduleStoreContract(name: string, make: () => Promise<{ store: ScheduleStore }>) {
  describe(`ScheduleStore contract: ${name}`, () => {
    const schedule = (job: string, over: Parameters<typeof aSchedule>[0] = {}) =>
      aSchedule({ id: `s-${unique()}`, name: `n-${unique()}`, job_name: job, ...over });

    it("creates a schedule under a unique name (case-insensitive) and reads it back", async () => {
      const { store } = await make();
      const job = `contract.${unique()}`;
      const s = schedule(job, { name: `Daily-${unique()}`, params: { a: [1, 2] }, tags: ["x"] });
      expect(await store.create(s)).toBe(true);
      expect(await store.get(s.id)).toEqual(s);
      expect(await store.create(schedule(job, { name: s.name.toLowerCase() }))).toBe(false);
      expect(await store.list({ job_name: job })).toEqual([s]);
      expect(await store.get(`s-${unique()}`)).toBeNull();
    });

    it("lists by name with the filters applied", async () => {
      const { store } = await make();
      const job = `contract.${unique()}`;
      const b = schedule(job, { name: `b-${unique()}`, enabled: false, category: "c1" });
      const a = schedule(job, { name: `a-${unique()}`, tags: ["t1", "t2"], category: "c1" });
      const c = schedule(job, { name: `c-${unique()}` });
      for (const s of [b, a, c]) await store.create(s);
      const names = async (f: Parameters<ScheduleStore["list"]>[0]) => (await store.list(f)).map((s) => s.id);
      expect(await names({ job_name: job })).toEqual([a.id, b.id, c.id]);
      expect(await names({ job_name: job, enabled: false })).toEqual([b.id]);
      expect(await names({ job_name: job, tag: "t2" })).toEqual([a.id]);
      expect(await names({ job_name: job, category: "c1" })).toEqual([a.id, b.id]);
    });

    it("renames only to a free name, and frees the old one", async () => {
      const { store } = await make();
      const job = `contract.${unique()}`;
      const s = schedule(job);
      const other = schedule(job);
      await store.create(s);
      await store.create(other);
      expect(await store.replace(s, { ...s, name: other.name.toUpperCase() })).toBe(false);
      expect(await store.get(s.id)).toEqual(s);
      const renamed = { ...s, name: `r-${unique()}`, enabled: false };
      expect(await store.replace(s, renamed)).toBe(true);
      expect(await store.get(s.id)).toEqual(renamed);
      // the old name is free again, the new one taken
      expect(await store.create(schedule(job, { name: s.name }))).toBe(true);
      expect(await store.create(schedule(job, { name: renamed.name }))).toBe(false);
    });

    it("replaces a schedule keeping its name", async () => {
      const { store } = await make();
      const s = schedule(`contract.${unique()}`);
      await store.create(s);
      const next = { ...s, schedule_expression: "rate(1 hour)", updated_by: "ops" };
      expect(await store.replace(s, next)).toBe(true);
      expect(await store.get(s.id)).toEqual(next);
    });

    it("deletes a schedule and frees its name; deleting it again is no error", async () => {
      const { store } = await make();
      const job = `contract.${unique()}`;
      const s = schedule(job);
      await store.create(s);
      await store.delete(s);
      expect(await store.get(s.id)).toBeNull();
      await store.delete(s);
      expect(await store.create(schedule(job, { name: s.name }))).toBe(true);
    });
  });
}

export function describeSchedulerStateContract(
  name: string,
  make: () => Promise<{ state: SchedulerStateStore }>,
) {
  describe(`SchedulerStateStore contract: ${name}`, () => {
    it("is unpaused until paused; pausing records who and when, resuming clears both", async () => {
      const { state } = await make();
      expect(await state.getSettings()).toEqual({ paused: false, paused_by: null, paused_at: null });
      const before = Date.now();
      const paused = await state.setPaused(true, "ops");
      expect(paused).toMatchObject({ paused: true, paused_by: "ops" });
      expect(Date.parse(paused.paused_at as string)).toBeGreaterThanOrEqual(before - 1000);
      expect(await state.getSettings()).toEqual(paused);
      await state.setPaused(false, "lead");
      expect(await state.getSettings()).toEqual({ paused: false, paused_by: null, paused_at: null });
    });

    it("records a missed fire once (the first record stands) and lists them newest first", async () => {
      const { state } = await make();
      // far in the future, so that this case's fires are the newest in a shared table
      const year = 2900 + Math.floor(Math.random() * 90);
      const fire = (minute: number, reason = "down"): MissedFire => ({
        schedule_id: "sch-contract",
        schedule_name: "contract",
        job_name: "contract.job",
        scheduled_time: `${year}-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`,
        reason,
        recorded_at: "2025-07-10T00:00:00.000Z",
      });
      expect(await state.recordMissed(fire(1))).toBe(true);
      expect(await state.recordMissed(fire(1, "paused"))).toBe(false);
      expect(await state.getMissed("sch-contract", fire(1).scheduled_time)).toEqual(fire(1));
      expect(await state.getMissed("sch-contract", fire(9).scheduled_time)).toBeNull();
      await state.recordMissed(fire(3));
      await state.recordMissed(fire(2));
      expect(await state.listMissed(2)).toEqual([fire(3), fire(2)]);
    });

    it("sets a run-once marker once; putMarker overwrites", async () => {
      const { state } = await make();
      const m = `contract-${unique()}`;
      expect(await state.getMarker(m)).toBeNull();
      expect(await state.setOnce(m, "v1")).toBe(true);
      expect(await state.setOnce(m, "v2")).toBe(false);
      expect(await state.getMarker(m)).toBe("v1");
      await state.putMarker(m, "v3");
      expect(await state.getMarker(m)).toBe("v3");
    });

    it("answers a probe while the store is up", async () => {
      const { state } = await make();
      await expect(state.probe(2000)).resolves.toBeUndefined();
    });
  });
}
