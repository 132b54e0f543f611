// `Idempotency-Key` (spec/api.md): the same key within 24 h returns the first answer and starts
// nothing new. Only successful answers are kept; a failed attempt frees the key for a retry.
import { createHash } from "node:crypto";
import type { ControlStore } from "../ports/control-store.ts";
import { canonicalJson } from "./concurrency.ts";
import { ConflictError } from "./errors.ts";

export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

export type Replayable<T> = { status: number; body: T; replayed: boolean };

export async function withIdempotency<T>(
  control: ControlStore,
  scope: { actor: string; key: string | undefined; request: unknown },
  run: () => Promise<{ status: number; body: T }>,
): Promise<Replayable<T>> {
  if (!scope.key) return { ...(await run()), replayed: false };
  // Keys are per caller: two users choosing the same key never see each other's answers.
  const storeKey = createHash("sha256").update(`${scope.actor}\n${scope.key}`).digest("hex");
  const fingerprint = createHash("sha256").update(canonicalJson(scope.request)).digest("hex");
  const existing = await control.claimIdempotencyKey(storeKey, fingerprint, IDEMPOTENCY_TTL_SECONDS);
  if (existing) {
    if (existing.fingerprint && existing.fingerprint !== fingerprint) {
      throw new ConflictError(
        "idempotency_key_reused",
        "this Idempotency-Key was used with a different request",
      );
    }
    if (existing.state === "completed")
      return { status: existing.status, body: existing.body as T, replayed: true };
    throw new ConflictError(
      "idempotency_in_progress",
      "a request with this Idempotency-Key is still being processed",
    );
  }
  try {
    const result = await run();
    await control.completeIdempotencyKey(
      storeKey,
      fingerprint,
      result.status,
      result.body,
      IDEMPOTENCY_TTL_SECONDS,
    );
    return { ...result, replayed: false };
  } catch (e) {
    await control.releaseIdempotencyKey(storeKey);
    throw e;
  }
}
