import type { Run } from "../schemas/run.ts";

export type SlotHolder = { execution_uuid: string; job_name: string; acquired_at: string };

export type AcquireResult = { acquired: true } | { acquired: false; holder: SlotHolder | null };

export type IdempotencyRecord =
  | { state: "in_progress"; expires_at: number; fingerprint: string }
  | { state: "completed"; expires_at: number; fingerprint: string; status: number; body: unknown };

/** Jobs' enabled flags, concurrency slots and idempotency keys (the control table). */
export interface ControlStore {
  getJobEnabled(jobName: string): Promise<boolean>;
  /** All job flags that were ever set; jobs missing from the map are enabled. */
  listJobEnabled(): Promise<Map<string, boolean>>;
  setJobEnabled(jobName: string, enabled: boolean, actor: string): Promise<void>;

  /**
   * Takes the slot of `key` for `holder`, atomically with creating `run` when given:
   * two simultaneous calls can never both win. Taking a slot one already holds succeeds.
   */
  acquireSlot(key: string, holder: SlotHolder, run?: Run): Promise<AcquireResult>;
  /** Frees the slot only if `executionUuid` holds it. */
  releaseSlot(key: string, executionUuid: string): Promise<void>;
  getSlot(key: string): Promise<SlotHolder | null>;
  listSlots(): Promise<Array<SlotHolder & { key: string }>>;

  /** Claims an idempotency key; returns the existing record if someone claimed it first. */
  claimIdempotencyKey(
    key: string,
    fingerprint: string,
    ttlSeconds: number,
  ): Promise<IdempotencyRecord | null>;
  completeIdempotencyKey(
    key: string,
    fingerprint: string,
    status: number,
    body: unknown,
    ttlSeconds: number,
  ): Promise<void>;
  releaseIdempotencyKey(key: string): Promise<void>;

  /** Counts one hit of `key` in the current fixed window; returns the count including this hit. */
  countHit(key: string, windowStartEpochSeconds: number, windowSeconds: number): Promise<number>;
}
