// Issue 16 part 2: which times a backfill runs. The fire times of a schedule (or of an expression in
// a zone) within a past window, both ends included, oldest first, computed the way EventBridge fires
// (next-fire-times.ts: DST gaps skipped, repeated local times once, rate() from its anchor), capped
// at max_runs (the oldest kept: a backfill catches up from the start of the gap).
import { createHash } from "node:crypto";
import { fireTimesOf } from "#domain/schedules/schedule-times.ts";
import type { Schedule } from "#schemas/schedule.ts";

export type PlanSource = {
  schedule_expression: string;
  timezone: string;
  start_date?: string | null;
  end_date?: string | null;
  /** When a rate() without start_date counts from (a schedule's creation; the window's start else). */
  created_at?: string | null;
};

export type BackfillPlan = { times: Date[]; capped: boolean } | { error: string };

export function planBackfill(source: PlanSource, since: Date, until: Date, maxRuns: number): BackfillPlan {
  if (until.getTime() < since.getTime()) return { error: "to must not be before from" };
  const schedule = {
    schedule_expression: source.schedule_expression,
    timezone: source.timezone,
    start_date: source.start_date ?? null,
    end_date: source.end_date ?? null,
    // A rate() of an expression alone counts from the window's start (its first fire is `from`).
    created_at: source.created_at ?? since.toISOString(),
  } as Schedule;
  // One more than the cap tells whether the window holds more; `from` itself counts (strictly after from − 1 ms).
  const { times, error } = fireTimesOf(schedule, new Date(since.getTime() - 1), maxRuns + 1);
  if (error) return { error };
  const within = times.filter((t) => t.getTime() <= until.getTime());
  return { times: within.slice(0, maxRuns), capped: within.length > maxRuns };
}

/**
 * The backfill's id: the same request (job, source, window, params) names the same backfill, so
 * posting it again answers the one that exists instead of starting its runs a second time.
 */
export function backfillIdFor(req: {
  job_name: string;
  source: string;
  since: string;
  until: string;
  params: Record<string, unknown>;
}): string {
  const canonical = JSON.stringify([req.job_name, req.source, req.since, req.until, sortKeys(req.params)]);
  return createHash("sha256").update(`backfill\n${canonical}`).digest("hex").slice(0, 32);
}

/** The run of a backfill at one time: the same id every time it is started (at most one run each). */
export function backfillRunUuid(backfillId: string, time: string): string {
  const h = createHash("sha256")
    .update(`backfill-run\n${backfillId}\n${new Date(time).toISOString()}`)
    .digest("hex");
  const variant = ((Number.parseInt(h[16] ?? "0", 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}
