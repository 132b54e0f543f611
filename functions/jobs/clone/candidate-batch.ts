// The half every Clone batch shares once its source's records are read: compare them with the stored
// candidates, count inserted / updated / skipped by reason, and write what changed.
import type { JobContext } from "#domain/jobs/job-definition.ts";
import type { CandidateStore } from "./candidate-store.ts";
import { type DuplicateScope, type IncomingCandidate, planCandidates } from "./candidates.ts";

export type CloneStores = { candidates: CandidateStore };

/** The run's logical day in Japan (the seeds' operators think in JST; JST has no DST). */
export function jstDay(at: Date): string {
  return new Date(at.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

export async function compareAndWrite(
  ctx: JobContext<unknown, CloneStores>,
  incoming: readonly IncomingCandidate[],
  o: { scope?: DuplicateScope; sample?: boolean; now?: Date } = {},
): Promise<void> {
  ctx.stage("compare");
  ctx.progress({ message: { key: "reading_stored" } });
  const stored = await ctx.stores.candidates.scanAll();
  ctx.throwIfCancelled();
  const plan = planCandidates(incoming, stored, {
    runId: ctx.executionUuid,
    now: (o.now ?? new Date()).toISOString(),
    today: jstDay(ctx.scheduledFor),
    ...(o.scope ? { scope: o.scope } : {}),
    ...(o.sample ? { sample: true } : {}),
  });
  if (plan.inserted) ctx.count.inserted(plan.inserted);
  if (plan.updated) ctx.count.updated(plan.updated);
  for (const [reason, n] of Object.entries(plan.skipped)) if (n) ctx.count.skipped(reason, n);
  const summary = { inserted: plan.inserted, updated: plan.updated, ...plan.skipped };
  ctx.logger.info("candidate plan", { ...summary, stored: stored.length, sample: o.sample ?? false });
  ctx.progress({ message: { key: "plan", params: summary } });
  ctx.throwIfCancelled();

  ctx.stage("write");
  const total = plan.toWrite.length;
  ctx.progress({ current: 0, total, message: { key: "writing", params: { written: 0, total } } });
  if (total > 0) {
    await ctx.stores.candidates.putMany(plan.toWrite, (written) =>
      ctx.progress({ current: written, total, message: { key: "writing", params: { written, total } } }),
    );
  }
  ctx.progress({ current: total, total, message: { key: "written", params: { total } } });
}
