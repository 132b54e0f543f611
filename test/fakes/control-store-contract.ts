// The behaviours every ControlStore must have (slots, manual-start claims, job flags, idempotency
// keys), as the domain relies on them. Run against the in-memory fake
// (test/unit/fakes-contract.test.ts) and against DynamoDB Local (test/integration/store-contract.test.ts).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AuditLog } from "#ports/audit-log.ts";
import type { ControlStore, SlotHolder, StartClaim } from "#ports/control-store.ts";
import type { RunStore } from "#ports/run-store.ts";
import type { AuditEntry } from "#schemas/audit.ts";
import { aRun } from "#test/helpers/builders.ts";

export type ControlStoreFixture = { control: ControlStore; runs: RunStore; audit: AuditLog };

const key = () => `contract.${randomUUID().slice(0, 8)}`;
const holder = (uuid: string = randomUUID()): SlotHolder => ({
  execution_uuid: uuid,
  job_name: "contract.job",
  acquired_at: "2025-07-10T00:00:00.000Z",
});

export function describeControlStoreContract(name: string, make: () => Promise<ControlStoreFixture>) {
  describe(`ControlStore contract: ${name}`, () => {
    describe("slots", () => {
      it("gives a free slot to one holder; the holder may take it again, another is refused and told who holds it", async () => {
        const { control } = await make();
        const k = key();
        const a = holder();
        const b = holder();
        expect(await control.getSlot(k)).toBeNull();
        expect(await control.acquireSlot(k, a)).toEqual({ acquired: true });
        expect(await control.acquireSlot(k, a)).toEqual({ acquired: true });
        expect(await control.acquireSlot(k, b)).toEqual({ acquired: false, holder: a });
        expect(await control.getSlot(k)).toEqual(a);
        expect(await control.listSlots()).toContainEqual({ key: k, ...a });
      });

      it("of two simultaneous takers, exactly one wins", async () => {
        const { control } = await make();
        const k = key();
        const results = await Promise.all(
          [holder(), holder(), holder(), holder()].map((h) => control.acquireSlot(k, h)),
        );
        expect(results.filter((r) => r.acquired)).toHaveLength(1);
      });

      it("takes the slot and writes the run together, or neither", async () => {
        const { control, runs } = await make();
        const k = key();
        const first = aRun({ execution_uuid: randomUUID(), concurrency_key: k });
        const second = aRun({ execution_uuid: randomUUID(), concurrency_key: k });
        expect(await control.acquireSlot(k, holder(first.execution_uuid), first)).toEqual({ acquired: true });
        expect(await runs.get(first.execution_uuid)).toEqual(first);
        const refused = await control.acquireSlot(k, holder(second.execution_uuid), second);
        expect(refused.acquired).toBe(false);
        expect(await runs.get(second.execution_uuid)).toBeNull();
      });

      it("does not take the slot when the run exists already (the write fails as a whole)", async () => {
        const { control, runs } = await make();
        const k = key();
        const r = aRun({ execution_uuid: randomUUID(), concurrency_key: k });
        await runs.create(r);
        await expect(
          control.acquireSlot(k, holder(r.execution_uuid), { ...r, status: "QUEUED" }),
        ).rejects.toThrow();
        expect(await control.getSlot(k)).toBeNull();
        expect((await runs.get(r.execution_uuid))?.status).toBe("RUNNING");
      });

      it("frees a slot only for its holder", async () => {
        const { control } = await make();
        const k = key();
        const a = holder();
        await control.acquireSlot(k, a);
        await control.releaseSlot(k, randomUUID());
        expect(await control.getSlot(k)).toEqual(a);
        await control.releaseSlot(k, a.execution_uuid);
        expect(await control.getSlot(k)).toBeNull();
        // releasing a free slot is not an error
        await control.releaseSlot(k, a.execution_uuid);
      });

      it("hands a slot over only from its current holder", async () => {
        const { control } = await make();
        const k = key();
        const a = holder();
        const b = holder();
        const c = holder();
        expect(await control.handOverSlot(k, a.execution_uuid, b)).toBe(false);
        expect(await control.getSlot(k)).toBeNull();
        await control.acquireSlot(k, a);
        expect(await control.handOverSlot(k, c.execution_uuid, b)).toBe(false);
        expect(await control.getSlot(k)).toEqual(a);
        expect(await control.handOverSlot(k, a.execution_uuid, b)).toBe(true);
        expect(await control.getSlot(k)).toEqual(b);
        // the old holder can no longer free it
        await control.releaseSlot(k, a.execution_uuid);
        expect(await control.getSlot(k)).toEqual(b);
      });
    });

    describe("manual-start claims", () => {
      const claimOf = (
        over: Partial<StartClaim> & { limit?: number; window?: number; actor?: string } = {},
      ): StartClaim => {
        const k = over.key ?? key();
        const run =
          over.run ?? aRun({ execution_uuid: randomUUID(), job_name: "contract.job", concurrency_key: k });
        const audit: AuditEntry = {
          id: randomUUID(),
          at: "2025-07-10T00:00:00.000Z",
          actor: over.actor ?? "alice",
          action: "run.trigger",
          target: run.execution_uuid,
          target_name: run.job_name,
          before: null,
          after: { job_name: run.job_name },
        };
        return {
          key: k,
          holder: holder(run.execution_uuid),
          run,
          jobName: over.jobName ?? run.job_name,
          rate:
            over.rate !== undefined
              ? over.rate
              : over.limit !== undefined
                ? {
                    key: `trigger#${over.actor ?? "alice"}-${k}`,
                    windowStartEpochSeconds: over.window ?? 1_752_105_600,
                    windowSeconds: 60,
                    limit: over.limit,
                  }
                : null,
          audit: over.audit !== undefined ? over.audit : audit,
        };
      };

      it("writes slot, run and audit entry together", async () => {
        const { control, runs, audit } = await make();
        const claim = claimOf();
        expect(await control.claimStart(claim)).toEqual({ outcome: "claimed" });
        expect(await control.getSlot(claim.key)).toEqual(claim.holder);
        expect(await runs.get(claim.run.execution_uuid)).toEqual(claim.run);
        const listed = await audit.list(
          {
            target: claim.run.execution_uuid,
            since: new Date("2025-07-09T00:00:00Z"),
            until: new Date("2025-07-11T00:00:00Z"),
          },
          10,
          null,
        );
        expect(listed.entries).toEqual([claim.audit]);
      });

      it("refuses a held slot, names the holder, and writes nothing", async () => {
        const { control, runs } = await make();
        const first = claimOf();
        await control.claimStart(first);
        const second = claimOf({ key: first.key });
        expect(await control.claimStart(second)).toEqual({ outcome: "slot_taken", holder: first.holder });
        expect(await runs.get(second.run.execution_uuid)).toBeNull();
        expect(await control.getSlot(first.key)).toEqual(first.holder);
      });

      it("refuses a disabled job (a job without a flag is enabled) and writes nothing", async () => {
        const { control, runs } = await make();
        const jobName = `contract.${randomUUID().slice(0, 8)}`;
        expect(await control.getJobEnabled(jobName)).toBe(true);
        await control.setJobEnabled(jobName, false, "ops");
        expect(await control.getJobEnabled(jobName)).toBe(false);
        expect((await control.listJobEnabled([jobName, "contract.unknown"])).get(jobName)).toBe(false);
        expect((await control.listJobEnabled([jobName, "contract.unknown"])).get("contract.unknown")).toBe(
          true,
        );
        const claim = claimOf({ jobName });
        expect(await control.claimStart(claim)).toEqual({ outcome: "job_disabled" });
        expect(await runs.get(claim.run.execution_uuid)).toBeNull();
        expect(await control.getSlot(claim.key)).toBeNull();
        await control.setJobEnabled(jobName, true, "ops");
        expect(await control.claimStart(claim)).toEqual({ outcome: "claimed" });
      });

      it("counts starts in a rate window: past the limit it refuses, counts nothing, writes nothing", async () => {
        const { control, runs } = await make();
        const actor = `user-${randomUUID().slice(0, 6)}`;
        const window = 1_752_105_600;
        const c1 = claimOf({ actor, limit: 2, window });
        const rate = c1.rate;
        expect(await control.claimStart(c1)).toEqual({ outcome: "claimed" });
        expect(await control.claimStart(claimOf({ rate }))).toEqual({ outcome: "claimed" });
        const third = claimOf({ rate });
        expect(await control.claimStart(third)).toEqual({ outcome: "rate_limited" });
        expect(await runs.get(third.run.execution_uuid)).toBeNull();
        expect(await control.getSlot(third.key)).toBeNull();
        // the next window starts afresh
        expect(
          await control.claimStart(
            claimOf({ rate: rate && { ...rate, windowStartEpochSeconds: window + 60 } }),
          ),
        ).toEqual({ outcome: "claimed" });
      });

      it("reports refusals in order: rate window, then job flag, then slot", async () => {
        const { control } = await make();
        const jobName = `contract.${randomUUID().slice(0, 8)}`;
        const held = claimOf();
        await control.claimStart(held);
        await control.setJobEnabled(jobName, false, "ops");
        const rate = {
          key: `trigger#${randomUUID()}`,
          windowStartEpochSeconds: 1,
          windowSeconds: 60,
          limit: 1,
        };
        expect(await control.claimStart(claimOf({ rate }))).toEqual({ outcome: "claimed" });
        expect(await control.claimStart(claimOf({ key: held.key, jobName, rate }))).toEqual({
          outcome: "rate_limited",
        });
        expect(await control.claimStart(claimOf({ key: held.key, jobName }))).toEqual({
          outcome: "job_disabled",
        });
        expect(await control.claimStart(claimOf({ key: held.key }))).toMatchObject({ outcome: "slot_taken" });
      });
    });

    describe("idempotency keys", () => {
      const lease = { leaseSeconds: 35 };

      it("is claimed once; a second claim sees the first one's fingerprint, reserved id and lease", async () => {
        const { control } = await make();
        const k = key();
        const before = Math.floor(Date.now() / 1000);
        expect(
          await control.claimIdempotencyKey(k, "fp-1", 3600, { reservedId: "r-1", ...lease }),
        ).toBeNull();
        const seen = await control.claimIdempotencyKey(k, "fp-2", 3600, { reservedId: "r-2", ...lease });
        expect(seen).toMatchObject({ state: "in_progress", fingerprint: "fp-1", reserved_id: "r-1" });
        if (seen?.state !== "in_progress") throw new Error("expected in_progress");
        expect(seen.lease_until).toBeGreaterThanOrEqual(before + 35);
        expect(seen.lease_until).toBeLessThanOrEqual(before + 37);
      });

      it("replays the completed answer; a released key can be claimed again", async () => {
        const { control } = await make();
        const k = key();
        await control.claimIdempotencyKey(k, "fp", 3600, { reservedId: "r", ...lease });
        await control.completeIdempotencyKey(k, "fp", 202, { execution_uuid: "r", n: [1, 2] }, 3600);
        expect(await control.claimIdempotencyKey(k, "fp", 3600, { reservedId: "x", ...lease })).toMatchObject(
          {
            state: "completed",
            fingerprint: "fp",
            status: 202,
            body: { execution_uuid: "r", n: [1, 2] },
          },
        );
        await control.releaseIdempotencyKey(k);
        expect(await control.claimIdempotencyKey(k, "fp", 3600, { reservedId: "y", ...lease })).toBeNull();
      });

      it("lets an expired key be claimed again", async () => {
        const { control } = await make();
        const k = key();
        await control.claimIdempotencyKey(k, "fp", 0, { reservedId: "r", ...lease });
        expect(await control.claimIdempotencyKey(k, "fp2", 3600, { reservedId: "r2", ...lease })).toBeNull();
        expect(
          await control.claimIdempotencyKey(k, "fp3", 3600, { reservedId: "r3", ...lease }),
        ).toMatchObject({
          fingerprint: "fp2",
          reserved_id: "r2",
        });
      });

      it("is taken over only from the lease the taker saw; of two takers one wins; the reserved id stays", async () => {
        const { control } = await make();
        const k = key();
        await control.claimIdempotencyKey(k, "fp", 3600, { reservedId: "r", ...lease });
        const seen = await control.claimIdempotencyKey(k, "fp", 3600, { reservedId: "z", ...lease });
        if (seen?.state !== "in_progress") throw new Error("expected in_progress");
        expect(await control.takeOverIdempotencyKey(k, seen.lease_until - 1, 35)).toBe(false);
        const takers = await Promise.all([
          control.takeOverIdempotencyKey(k, seen.lease_until, 100),
          control.takeOverIdempotencyKey(k, seen.lease_until, 100),
        ]);
        expect(takers.filter(Boolean)).toHaveLength(1);
        const after = await control.claimIdempotencyKey(k, "fp", 3600, { reservedId: "w", ...lease });
        expect(after).toMatchObject({ state: "in_progress", reserved_id: "r" });
      });

      it("cannot take over a completed key", async () => {
        const { control } = await make();
        const k = key();
        await control.claimIdempotencyKey(k, "fp", 3600, { reservedId: "r", ...lease });
        await control.completeIdempotencyKey(k, "fp", 202, {}, 3600);
        expect(await control.takeOverIdempotencyKey(k, 0, 35)).toBe(false);
      });

      it("after a restart every in-progress lease has run out; completed keys are untouched", async () => {
        const { control } = await make();
        const open = key();
        const done = key();
        await control.claimIdempotencyKey(open, "fp", 3600, { reservedId: "r", ...lease });
        await control.claimIdempotencyKey(done, "fp", 3600, { reservedId: "r", ...lease });
        await control.completeIdempotencyKey(done, "fp", 200, { ok: true }, 3600);
        expect(await control.expireIdempotencyLeases()).toBeGreaterThanOrEqual(1);
        expect(
          await control.claimIdempotencyKey(open, "fp", 3600, { reservedId: "x", ...lease }),
        ).toMatchObject({
          state: "in_progress",
          lease_until: 0,
          reserved_id: "r",
        });
        expect(
          await control.claimIdempotencyKey(done, "fp", 3600, { reservedId: "x", ...lease }),
        ).toMatchObject({
          state: "completed",
          body: { ok: true },
        });
        expect(await control.takeOverIdempotencyKey(open, 0, 35)).toBe(true);
      });
    });
  });
}
