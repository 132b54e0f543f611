// ControlStore in memory, with the conditions of DynamoControlStore
// (functions/adapters/dynamo-control-store.ts):
// - a slot is taken only when free or already held by the same execution (never by two at once);
//   taken with a run, both are written or neither (a run that exists already cancels the whole
//   write, which then throws as DynamoDB's transaction does);
// - claimStart is one all-or-nothing write: rate window (hits < limit), job flag (a job without a
//   flag is enabled), slot, run, audit entry; refusals reported in that order, nothing written;
// - release and hand-over only by the current holder;
// - idempotency keys: claimed when absent or expired (expires_at <= now); taken over only from the
//   exact lease the caller saw run out (two takers cannot both win); leases expired after a restart.
// The run goes into the MemoryRunStore and the audit entry into the MemoryAuditLog given, as the
// DynamoDB transaction writes them into the runs table and the control table.
import type {
  AcquireResult,
  ControlStore,
  IdempotencyRecord,
  SlotHolder,
  StartClaim,
  StartClaimResult,
} from "#ports/control-store.ts";
import type { Run } from "#schemas/run.ts";
import type { MemoryAuditLog } from "./memory-audit-log.ts";
import type { MemoryRunStore } from "./memory-run-store.ts";
import { StoreOutage, transactionCanceled } from "./store-outage.ts";

type IdemItem = {
  state: "in_progress" | "completed";
  fingerprint: string;
  expires_at: number;
  reserved_id?: string;
  lease_until?: number;
  status?: number;
  body?: unknown;
};

type JobFlag = { enabled: boolean; updated_by: string; updated_at: string };

export class MemoryControlStore implements ControlStore {
  readonly jobs = new Map<string, JobFlag>();
  private readonly slots = new Map<string, SlotHolder>();
  private readonly idem = new Map<string, IdemItem>();
  /** Rate windows: `<key>#<window start>` → hits. */
  readonly rateHits = new Map<string, number>();
  private contentions = 0;

  constructor(
    private readonly stores: { runs: MemoryRunStore; audit: MemoryAuditLog },
    private readonly now: () => Date = () => new Date(),
    readonly outage: StoreOutage = new StoreOutage(),
  ) {}

  // --- test helpers (not part of the port) ---

  /** The next `n` claimStart calls meet a concurrent write on the same items ("contended"). */
  contendNext(n: number): void {
    this.contentions = n;
  }

  /** Puts a slot as is (e.g. one left behind by a crash). */
  seedSlot(key: string, holder: SlotHolder): void {
    this.slots.set(key, { ...holder });
  }

  /** The raw idempotency item (test helper). */
  idempotencyItem(key: string): IdemItem | null {
    const item = this.idem.get(key);
    return item ? structuredClone(item) : null;
  }

  private nowSec(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  // --- job flags ---

  async getJobEnabled(jobName: string): Promise<boolean> {
    this.outage.check("control.getJobEnabled");
    return this.jobs.get(jobName)?.enabled ?? true;
  }

  async listJobEnabled(jobNames: readonly string[]): Promise<Map<string, boolean>> {
    this.outage.check("control.listJobEnabled");
    return new Map(jobNames.map((n) => [n, this.jobs.get(n)?.enabled ?? true]));
  }

  async setJobEnabled(jobName: string, enabled: boolean, actor: string): Promise<void> {
    this.outage.check("control.setJobEnabled");
    this.jobs.set(jobName, { enabled, updated_by: actor, updated_at: this.now().toISOString() });
  }

  // --- slots ---

  private slotFree(key: string, uuid: string): boolean {
    const held = this.slots.get(key);
    return !held || held.execution_uuid === uuid;
  }

  private holder(key: string): SlotHolder | null {
    const h = this.slots.get(key);
    return h ? { ...h } : null;
  }

  async acquireSlot(key: string, holder: SlotHolder, run?: Run): Promise<AcquireResult> {
    this.outage.check("control.acquireSlot");
    if (!this.slotFree(key, holder.execution_uuid)) return { acquired: false, holder: this.holder(key) };
    if (run && this.stores.runs.hasItem(run.execution_uuid)) {
      // the slot's condition held, the run's did not: DynamoDB cancels and the adapter rethrows
      throw transactionCanceled(["None", "ConditionalCheckFailed"]);
    }
    this.slots.set(key, { ...holder });
    if (run) this.stores.runs.putItem(run);
    return { acquired: true };
  }

  async claimStart(claim: StartClaim): Promise<StartClaimResult> {
    this.outage.check("control.claimStart");
    if (this.contentions > 0) {
      this.contentions--;
      return { outcome: "contended" };
    }
    const rateKey = claim.rate ? `${claim.rate.key}#${claim.rate.windowStartEpochSeconds}` : null;
    if (claim.rate && rateKey && (this.rateHits.get(rateKey) ?? 0) >= claim.rate.limit) {
      return { outcome: "rate_limited" };
    }
    if (this.jobs.get(claim.jobName)?.enabled === false) return { outcome: "job_disabled" };
    if (!this.slotFree(claim.key, claim.holder.execution_uuid)) {
      return { outcome: "slot_taken", holder: this.holder(claim.key) };
    }
    const codes = claim.rate ? ["None", "None", "None"] : ["None", "None"];
    if (this.stores.runs.hasItem(claim.run.execution_uuid)) {
      throw transactionCanceled([...codes, "ConditionalCheckFailed"]);
    }
    if (claim.audit && this.stores.audit.has(claim.audit)) {
      throw transactionCanceled([...codes, "None", "ConditionalCheckFailed"]);
    }
    if (rateKey) this.rateHits.set(rateKey, (this.rateHits.get(rateKey) ?? 0) + 1);
    this.slots.set(claim.key, { ...claim.holder });
    this.stores.runs.putItem(claim.run);
    if (claim.audit) this.stores.audit.put(claim.audit);
    return { outcome: "claimed" };
  }

  async releaseSlot(key: string, executionUuid: string): Promise<void> {
    this.outage.check("control.releaseSlot");
    if (this.slots.get(key)?.execution_uuid === executionUuid) this.slots.delete(key);
  }

  async handOverSlot(key: string, fromUuid: string, to: SlotHolder): Promise<boolean> {
    this.outage.check("control.handOverSlot");
    if (this.slots.get(key)?.execution_uuid !== fromUuid) return false;
    this.slots.set(key, { ...to });
    return true;
  }

  async getSlot(key: string): Promise<SlotHolder | null> {
    this.outage.check("control.getSlot");
    return this.holder(key);
  }

  async listSlots(): Promise<Array<SlotHolder & { key: string }>> {
    this.outage.check("control.listSlots");
    return [...this.slots.entries()].map(([key, h]) => ({ key, ...h }));
  }

  // --- idempotency keys ---

  async claimIdempotencyKey(
    key: string,
    fingerprint: string,
    ttlSeconds: number,
    claim: { reservedId: string; leaseSeconds: number },
  ): Promise<IdempotencyRecord | null> {
    this.outage.check("control.claimIdempotencyKey");
    const nowSec = this.nowSec();
    const item = this.idem.get(key);
    if (!item || item.expires_at <= nowSec) {
      this.idem.set(key, {
        state: "in_progress",
        fingerprint,
        reserved_id: claim.reservedId,
        lease_until: nowSec + claim.leaseSeconds,
        expires_at: nowSec + ttlSeconds,
      });
      return null;
    }
    if (item.state === "completed") {
      return {
        state: "completed",
        expires_at: item.expires_at,
        fingerprint: item.fingerprint,
        status: Number(item.status),
        body: structuredClone(item.body),
      };
    }
    return {
      state: "in_progress",
      expires_at: item.expires_at,
      fingerprint: item.fingerprint,
      reserved_id: item.reserved_id ?? null,
      lease_until: item.lease_until ?? 0,
    };
  }

  async takeOverIdempotencyKey(key: string, previousLease: number, leaseSeconds: number): Promise<boolean> {
    this.outage.check("control.takeOverIdempotencyKey");
    const item = this.idem.get(key);
    if (item?.state !== "in_progress") return false;
    const matches =
      item.lease_until === previousLease || (item.lease_until === undefined && previousLease === 0);
    if (!matches) return false;
    item.lease_until = this.nowSec() + leaseSeconds;
    return true;
  }

  async expireIdempotencyLeases(): Promise<number> {
    this.outage.check("control.expireIdempotencyLeases");
    let n = 0;
    for (const item of this.idem.values()) {
      if (item.state !== "in_progress") continue;
      item.lease_until = 0;
      n++;
    }
    return n;
  }

  async completeIdempotencyKey(
    key: string,
    fingerprint: string,
    status: number,
    body: unknown,
    ttlSeconds: number,
  ): Promise<void> {
    this.outage.check("control.completeIdempotencyKey");
    this.idem.set(key, {
      state: "completed",
      fingerprint,
      status,
      body: structuredClone(body),
      expires_at: this.nowSec() + ttlSeconds,
    });
  }

  async releaseIdempotencyKey(key: string): Promise<void> {
    this.outage.check("control.releaseIdempotencyKey");
    this.idem.delete(key);
  }
}
