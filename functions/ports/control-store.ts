import type { AuditEntry } from "#schemas/audit.ts";
import type { Run } from "#schemas/run.ts";

export type SlotHolder = { execution_uuid: string; job_name: string; acquired_at: string };

/** `holder` is null only when the slot was freed between the refusal and the look at it. */
export type AcquireResult = { acquired: true } | { acquired: false; holder: SlotHolder | null };

/** A fixed-window counter of one caller's starts. */
export type RateWindow = {
  key: string;
  windowStartEpochSeconds: number;
  windowSeconds: number;
  limit: number;
};

/** Everything a manual start writes, all or nothing (spec/api.md "Trigger"). */
export type StartClaim = {
  /** The concurrency key, and who takes its slot. */
  key: string;
  holder: SlotHolder;
  /** Created RUNNING with the slot. */
  run: Run;
  /** Refused (nothing written) while this job's enabled flag is off. */
  jobName: string;
  /** Counts the start; refused (nothing written, nothing counted) when the window is full. */
  rate: RateWindow | null;
  /** The audit entry of the start, written with it. */
  audit: AuditEntry | null;
};

/**
 * Why a claim was refused, in the order the API reports them. `contended`: another write touched
 * the same items at that instant (nothing was written; trying again is safe).
 */
export type StartClaimResult =
  | { outcome: "claimed" }
  | { outcome: "rate_limited" }
  | { outcome: "job_disabled" }
  | { outcome: "slot_taken"; holder: SlotHolder | null }
  | { outcome: "contended" };

export type IdempotencyRecord =
  | {
      state: "in_progress";
      expires_at: number;
      fingerprint: string;
      /** The id the request reserved for what it creates (a run): how its work is found after a crash. */
      reserved_id: string | null;
      /** Epoch seconds until which the claiming request is presumed alive. */
      lease_until: number;
    }
  | { state: "completed"; expires_at: number; fingerprint: string; status: number; body: unknown };

/** Jobs' enabled flags, concurrency slots and idempotency keys (the control table). */
export interface ControlStore {
  getJobEnabled(jobName: string): Promise<boolean>;
  /**
   * The flags of these jobs (the registry's), read by key: the cost follows the number of jobs, not
   * the size of the control table (which also holds audit entries, rate windows, idempotency keys).
   */
  listJobEnabled(jobNames: readonly string[]): Promise<Map<string, boolean>>;
  setJobEnabled(jobName: string, enabled: boolean, actor: string): Promise<void>;

  /**
   * Takes the slot of `key` for `holder`, atomically with creating `run` when given:
   * two simultaneous calls can never both win. Taking a slot one already holds succeeds.
   */
  acquireSlot(key: string, holder: SlotHolder, run?: Run): Promise<AcquireResult>;
  /**
   * A manual start in one conditional write: rate window, job flag, slot, run record and audit
   * entry. A refused claim writes nothing; a slot refusal names the holder it met.
   */
  claimStart(claim: StartClaim): Promise<StartClaimResult>;
  /** Frees the slot only if `executionUuid` holds it. */
  releaseSlot(key: string, executionUuid: string): Promise<void>;
  /**
   * Passes the slot from `fromUuid` to `to` in one conditional write (only if `fromUuid` still holds
   * it): the next queued run gets it without racing anyone for a free slot. False if not held.
   */
  handOverSlot(key: string, fromUuid: string, to: SlotHolder): Promise<boolean>;
  getSlot(key: string): Promise<SlotHolder | null>;
  listSlots(): Promise<Array<SlotHolder & { key: string }>>;

  /**
   * Claims an idempotency key for a request that reserved `reservedId` and holds it for
   * `leaseSeconds`; returns the existing record if someone claimed it first.
   */
  claimIdempotencyKey(
    key: string,
    fingerprint: string,
    ttlSeconds: number,
    claim: { reservedId: string; leaseSeconds: number },
  ): Promise<IdempotencyRecord | null>;
  /**
   * Takes over a key whose claiming request died (its lease `previousLease` ran out): true when this
   * caller got it, false when another took it first. The reserved id is kept.
   */
  takeOverIdempotencyKey(key: string, previousLease: number, leaseSeconds: number): Promise<boolean>;
  /** After a restart every in-progress key belongs to a request that died with the process. */
  expireIdempotencyLeases(): Promise<number>;
  completeIdempotencyKey(
    key: string,
    fingerprint: string,
    status: number,
    body: unknown,
    ttlSeconds: number,
  ): Promise<void>;
  releaseIdempotencyKey(key: string): Promise<void>;
}
