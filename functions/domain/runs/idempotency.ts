// `Idempotency-Key` (spec/api.md): the same key within 24 h returns the first answer and starts
// nothing new. Only successful answers are kept; a failed attempt frees the key for a retry.
//
// A request can also die between claiming its key and completing it (a crash, a Lambda timeout).
// So a claim carries the id the request reserved for what it creates (the run's execution_uuid)
// and a lease: once the lease has run out (or the local stack restarted), a retry with the same key
// looks for that work. Found, its answer is completed and replayed; not found, the retry takes the
// key over with the same reserved id, so a late writer of the first attempt and the retry can never
// create two things.
import { createHash, randomUUID } from "node:crypto";
import { ConflictError } from "#domain/errors.ts";
import type { ControlStore } from "#ports/control-store.ts";
import { canonicalJson } from "./concurrency-key.ts";

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;
/**
 * How long a claiming request is presumed alive: past API Gateway's 30 s integration timeout, after
 * which no client still waits for its answer.
 */
export const IDEMPOTENCY_LEASE_SECONDS = 35;

export type Replayable<T> = { status: number; body: T; replayed: boolean };

/** Where a caller's key is kept: per caller, so two users choosing the same key never meet. */
export const idempotencyStoreKey = (actor: string, key: string) =>
  createHash("sha256").update(`${actor}\n${key}`).digest("hex");
/** The request a key was first used with; the same key with another request is refused. */
export const requestFingerprint = (request: unknown) =>
  createHash("sha256").update(canonicalJson(request)).digest("hex");
type Answer<T> = { status: number; body: T };

export async function withIdempotency<T>(
  deps: { control: ControlStore; clock: { now(): Date } },
  scope: { actor: string; key: string | undefined; request: unknown },
  work: {
    /** Does the work, creating what it creates under `reservedId`. */
    run: (reservedId: string) => Promise<Answer<T>>;
    /** The answer the work gave, if a request that died had already done it under `reservedId`. */
    recover: (reservedId: string) => Promise<Answer<T> | null>;
  },
): Promise<Replayable<T>> {
  const { control } = deps;
  if (!scope.key) return { ...(await work.run(randomUUID())), replayed: false };
  const storeKey = idempotencyStoreKey(scope.actor, scope.key);
  const fingerprint = requestFingerprint(scope.request);
  let reservedId: string = randomUUID();
  const existing = await control.claimIdempotencyKey(storeKey, fingerprint, IDEMPOTENCY_TTL_SECONDS, {
    reservedId,
    leaseSeconds: IDEMPOTENCY_LEASE_SECONDS,
  });
  const complete = (a: Answer<T>) =>
    control.completeIdempotencyKey(storeKey, fingerprint, a.status, a.body, IDEMPOTENCY_TTL_SECONDS);
  if (existing) {
    if (existing.fingerprint && existing.fingerprint !== fingerprint) {
      throw new ConflictError(
        "idempotency_key_reused",
        "this Idempotency-Key was used with a different request",
      );
    }
    if (existing.state === "completed")
      return { status: existing.status, body: existing.body as T, replayed: true };
    const inProgress = () =>
      new ConflictError(
        "idempotency_in_progress",
        "a request with this Idempotency-Key is still being processed",
      );
    const nowSec = Math.floor(deps.clock.now().getTime() / 1000);
    if (existing.lease_until > nowSec) throw inProgress();
    // The request that claimed the key died. Did it get as far as doing the work?
    if (existing.reserved_id) {
      const done = await work.recover(existing.reserved_id);
      if (done) {
        await complete(done);
        return { ...done, replayed: true };
      }
    }
    if (!(await control.takeOverIdempotencyKey(storeKey, existing.lease_until, IDEMPOTENCY_LEASE_SECONDS)))
      throw inProgress();
    reservedId = existing.reserved_id ?? reservedId;
  }
  let result: Answer<T>;
  try {
    result = await work.run(reservedId);
  } catch (e) {
    // Nothing was done: the key is free for the retry.
    await control.releaseIdempotencyKey(storeKey);
    throw e;
  }
  // The work is done, so the key must never be freed now (a retry would do it again). If its answer
  // cannot be recorded, the claim stays in progress under its reserved id: once the lease runs out
  // a retry recovers this very work and replays it. The caller still gets the true answer.
  await complete(result).catch(() => {});
  return { ...result, replayed: false };
}
