// withIdempotency (spec/api.md: "the same key within 24 h returns the first answer and starts
// nothing new") on the in-memory ControlStore, including a request that died holding its key.
import { describe, expect, it } from "vitest";
import { DomainError } from "#domain/errors.ts";
import {
  IDEMPOTENCY_LEASE_SECONDS,
  IDEMPOTENCY_TTL_SECONDS,
  idempotencyStoreKey,
  requestFingerprint,
  withIdempotency,
} from "#domain/runs/idempotency.ts";
import { isStoreUnavailable } from "#domain/store-failures.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";

const NOW = "2026-03-10T09:00:00.000Z";
type Body = { created: string; n: number };

/** A piece of work that creates one thing per call under the reserved id, and remembers it. */
function ledger() {
  const created: string[] = [];
  return {
    created,
    work: {
      run: async (id: string) => {
        created.push(id);
        return { status: 202, body: { created: id, n: created.length } as Body };
      },
      recover: async (id: string) =>
        created.includes(id) ? { status: 202, body: { created: id, n: -1 } as Body } : null,
    },
  };
}

const request = { job_name: "demo.sync", options: { limit: 1 } };

describe("withIdempotency", () => {
  it("without a key, does the work every time", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    await withIdempotency(core, { actor: "alice", key: undefined, request }, l.work);
    const again = await withIdempotency(core, { actor: "alice", key: undefined, request }, l.work);
    expect(l.created).toHaveLength(2);
    expect(again.replayed).toBe(false);
  });

  it("with a key, does the work once and replays the first answer", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    const first = await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
    core.clock.advance(3600);
    const second = await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
    expect(l.created).toHaveLength(1);
    expect(first).toEqual({ status: 202, body: { created: l.created[0], n: 1 }, replayed: false });
    expect(second).toEqual({ ...first, replayed: true });
  });

  it("refuses the same key with another request: 409 idempotency_key_reused, nothing done", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
    await expect(
      withIdempotency(
        core,
        { actor: "alice", key: "k1", request: { ...request, options: { limit: 2 } } },
        l.work,
      ),
    ).rejects.toMatchObject({ status: 409, code: "idempotency_key_reused" });
    expect(l.created).toHaveLength(1);
  });

  it("treats the same request with keys in another order as the same request", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    await withIdempotency(core, { actor: "alice", key: "k1", request: { a: 1, b: { c: 2, d: 3 } } }, l.work);
    const again = await withIdempotency(
      core,
      { actor: "alice", key: "k1", request: { b: { d: 3, c: 2 }, a: 1 } },
      l.work,
    );
    expect(again.replayed).toBe(true);
    expect(l.created).toHaveLength(1);
  });

  it("keeps each caller's keys apart", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    await withIdempotency(core, { actor: "alice", key: "same", request }, l.work);
    const bob = await withIdempotency(core, { actor: "bob", key: "same", request: { other: true } }, l.work);
    expect(bob.replayed).toBe(false);
    expect(l.created).toHaveLength(2);
  });

  it("forgets a key after 24 h", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
    core.clock.advance(IDEMPOTENCY_TTL_SECONDS);
    const later = await withIdempotency(
      core,
      { actor: "alice", key: "k1", request: { different: 1 } },
      l.work,
    );
    expect(later.replayed).toBe(false);
    expect(l.created).toHaveLength(2);
  });

  it("frees the key when the work fails, so a retry does it", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    const failing = {
      ...l.work,
      run: async () => Promise.reject(new DomainError(409, "already_running", "busy")),
    };
    await expect(
      withIdempotency(core, { actor: "alice", key: "k1", request }, failing),
    ).rejects.toMatchObject({
      code: "already_running",
    });
    const retry = await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
    expect(retry.replayed).toBe(false);
    expect(l.created).toHaveLength(1);
  });

  it("answers 409 idempotency_in_progress while the first request still holds its lease", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    let release: () => void = () => {};
    const slow = {
      ...l.work,
      run: async (id: string) => {
        await new Promise<void>((r) => {
          release = r;
        });
        return l.work.run(id);
      },
    };
    const first = withIdempotency(core, { actor: "alice", key: "k1", request }, slow);
    await Promise.resolve();
    core.clock.advance(IDEMPOTENCY_LEASE_SECONDS - 1);
    await expect(withIdempotency(core, { actor: "alice", key: "k1", request }, l.work)).rejects.toMatchObject(
      {
        status: 409,
        code: "idempotency_in_progress",
      },
    );
    release();
    await first;
    expect(l.created).toHaveLength(1);
    expect((await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work)).replayed).toBe(true);
  });

  describe("after the request holding the key died (its lease ran out)", () => {
    /** Leaves the key claimed by a request that reserved `reservedId` and never completed. */
    async function died(core: ReturnType<typeof memoryCore>, reservedId: string) {
      await core.control.claimIdempotencyKey(
        idempotencyStoreKey("alice", "k1"),
        requestFingerprint(request),
        IDEMPOTENCY_TTL_SECONDS,
        { reservedId, leaseSeconds: IDEMPOTENCY_LEASE_SECONDS },
      );
      core.clock.advance(IDEMPOTENCY_LEASE_SECONDS + 1);
    }

    it("replays the work the dead request had done, and completes the key with it", async () => {
      const core = memoryCore({ now: NOW });
      const l = ledger();
      l.created.push("reserved-1");
      await died(core, "reserved-1");
      const answer = await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
      expect(answer).toEqual({ status: 202, body: { created: "reserved-1", n: -1 }, replayed: true });
      expect(l.created).toEqual(["reserved-1"]);
      expect(core.control.idempotencyItem(idempotencyStoreKey("alice", "k1"))?.state).toBe("completed");
    });

    it("does the work itself under the dead request's reserved id when it had not", async () => {
      const core = memoryCore({ now: NOW });
      const l = ledger();
      await died(core, "reserved-2");
      const answer = await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
      expect(answer.replayed).toBe(false);
      expect(l.created).toEqual(["reserved-2"]);
    });

    it("of two retries at once, only one takes the key over", async () => {
      const core = memoryCore({ now: NOW });
      const l = ledger();
      await died(core, "reserved-3");
      const results = await Promise.allSettled([
        withIdempotency(core, { actor: "alice", key: "k1", request }, l.work),
        withIdempotency(core, { actor: "alice", key: "k1", request }, l.work),
      ]);
      expect(l.created).toEqual(["reserved-3"]);
      const refused = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
      expect(refused.map((r) => (r.reason as DomainError).code)).toEqual(["idempotency_in_progress"]);
    });
  });

  // Was a bug: when the work succeeded but recording its answer (completeIdempotencyKey) failed on a
  // store blip, the key was released as if the work had failed, and the client's retry did the work
  // a second time — against "the same key within 24 h returns the first answer and starts nothing
  // new". Now the work's answer is returned and the key stays in progress under its reserved id.
  it("a failed write of the answer keeps the key: the caller gets the answer, a retry replays the same work", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    core.outage.failNext(1, (op) => op === "control.completeIdempotencyKey");
    const first = await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
    expect(first.replayed).toBe(false);
    expect(l.created).toHaveLength(1);
    // within the lease the first request may still be answering: the retry is told to wait
    await expect(withIdempotency(core, { actor: "alice", key: "k1", request }, l.work)).rejects.toMatchObject(
      {
        code: "idempotency_in_progress",
      },
    );
    core.clock.advance(IDEMPOTENCY_LEASE_SECONDS + 1);
    const retry = await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work);
    // what the spec asks: the first request's work, not a second one
    expect(l.created).toHaveLength(1);
    expect(retry.replayed).toBe(true);
  });

  it("lets a store outage through as the store's error (the API's 503) without doing the work", async () => {
    const core = memoryCore({ now: NOW });
    const l = ledger();
    core.outage.begin();
    const e = await withIdempotency(core, { actor: "alice", key: "k1", request }, l.work).catch(
      (x: unknown) => x,
    );
    expect(isStoreUnavailable(e)).toBe(true);
    expect(e).not.toBeInstanceOf(DomainError);
    expect(l.created).toEqual([]);
  });
});
