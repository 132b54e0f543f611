// Issue 16 part 6, cooldown after a manual run (seed 000: 手動実行後のクールダウン). The pure rule is
// in jobs/cooldown.ts; this module finds the latest manual run in the store and applies the rule to
// a scheduled fire (skipped with reason `cooldown`, recorded like an execution-policy skip) and to
// the job's next fire (next_scheduled_for: the next fire that will actually run).
import type { CoreDeps } from "#domain/core-deps.ts";
import { cooldownEnd, inCooldown, MANUAL_TRIGGER_SOURCES } from "#domain/jobs/cooldown.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { RunPosition } from "#ports/run-store.ts";
import type { Run } from "#schemas/run.ts";
import type { RunFinisher } from "./run-finisher.ts";

/** The reason recorded on a skipped fire (error_summary starts with it, as `already_running:` does). */
export const COOLDOWN_REASON = "cooldown";

/** Runs read per page and pages at most: the window is bounded by the index key (started_at), this bounds a busy job. */
const PAGE = 25;
const MAX_PAGES = 4;

export type CooldownWindow = { manual_started_at: string; until: Date };

const isManual = (r: Run) => (MANUAL_TRIGGER_SOURCES as readonly string[]).includes(r.trigger_source);

export class ManualCooldown {
  constructor(private readonly deps: Pick<CoreDeps, "runs" | "logger">) {}

  /**
   * The start of the job's latest manual run that began at most `cooldown_seconds_after_manual`
   * before `at` (and not after it), or null. One query on by_job_started whose key condition is that
   * window, newest first: a job with no cooldown reads nothing.
   */
  async latestManualStart(job: JobDefinition, at: Date): Promise<string | null> {
    const seconds = job.cooldown_seconds_after_manual;
    if (!seconds) return null;
    const filter = {
      job_name: job.name,
      started_after: new Date(at.getTime() - seconds * 1000).toISOString(),
      started_before: at.toISOString(),
    };
    let after: RunPosition | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const got = await this.deps.runs.list(filter, PAGE, after);
      const manual = got.runs.find(isManual);
      if (manual) return manual.started_at;
      after = got.next;
      if (!after) return null;
    }
    // More scheduled/backfill runs in the window than we read: treat as no cooldown (the fire runs).
    this.deps.logger.warn("cooldown lookup stopped early: too many runs in the window", {
      job_name: job.name,
      runs_read: PAGE * MAX_PAGES,
    });
    return null;
  }

  /** The cooldown in force at `at` (a fire at exactly `until` runs), or null. */
  async windowAt(job: JobDefinition, at: Date): Promise<CooldownWindow | null> {
    const start = await this.latestManualStart(job, at);
    const end = cooldownEnd(job, start);
    if (!start || !end || !inCooldown(at, start, end)) return null;
    return { manual_started_at: start, until: end };
  }

  /**
   * The fire path: a scheduled run (still QUEUED, before its slot) whose fire at `fireAt` falls in
   * the cooldown ends SKIPPED with reason `cooldown`, like an execution-policy skip, so the operator
   * sees the fire in history and why it did not run. Returns the ended run, or null (it runs).
   */
  async skipFire(run: Run, job: JobDefinition, fireAt: Date, finisher: RunFinisher): Promise<Run | null> {
    if (run.trigger_source !== "schedule" || run.status !== "QUEUED") return null;
    const w = await this.windowAt(job, fireAt);
    if (!w) return null;
    this.deps.logger.info("scheduled fire skipped: cooldown after a manual run", {
      execution_uuid: run.execution_uuid,
      job_name: job.name,
      manual_started_at: w.manual_started_at,
      cooldown_until: w.until.toISOString(),
    });
    const ended = await finisher.finish(
      run,
      ["QUEUED"],
      "SKIPPED",
      ManualCooldown.summary(w, job),
      undefined,
      undefined,
      {
        retry: true,
      },
    );
    // null: it was no longer QUEUED (ended by someone else); its stored state decides.
    return ended ?? (await this.deps.runs.get(run.execution_uuid)) ?? run;
  }

  /** The readable summary of a fire skipped by `w`: the reason first, then why and until when. */
  static summary(w: CooldownWindow, job: JobDefinition): string {
    return (
      `${COOLDOWN_REASON}: a manual run of ${job.name} started at ${w.manual_started_at}; scheduled ` +
      `runs are skipped for ${job.cooldown_seconds_after_manual} s after it, until ${w.until.toISOString()}`
    );
  }
}
