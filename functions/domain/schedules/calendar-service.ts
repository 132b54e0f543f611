// Issue 16 part 1: GET /v1/calendar. Reads what the calendar needs (schedules, the jobs' enabled
// flags, the scheduler's pause, each job's latest successful durations and latest manual start)
// and hands it to the pure computeCalendar.

import type { CoreDeps } from "#domain/core-deps.ts";
import { jobTarget, SCHEDULER_TARGET, scheduleTarget, toPauseNote } from "#domain/pauses/pause-targets.ts";
import { ManualCooldown } from "#domain/runs/manual-cooldown.ts";
import { percentile } from "#domain/runs/run-stats.ts";
import { CALENDAR_MAX_FIRES, type CalendarAnswer } from "#schemas/calendar.ts";
import { type CalendarJobFacts, computeCalendar } from "./calendar.ts";

/** Latest successful runs a job's p95 is taken from: recent enough to follow a job that changed. */
export const P95_SAMPLE_RUNS = 50;

export class CalendarService {
  constructor(private readonly deps: CoreDeps) {}

  async window(q: { from: Date; to: Date; job_name?: string }): Promise<CalendarAnswer> {
    // An unknown job is a 404, not an empty calendar.
    if (q.job_name !== undefined) this.deps.registry.get(q.job_name);
    const [schedules, settings, notes] = await Promise.all([
      this.deps.schedules.list(q.job_name === undefined ? {} : { job_name: q.job_name }),
      this.deps.schedulerState.getSettings(),
      // Issue 16 part 5: who paused what until when (tens of notes at most: one per paused thing).
      this.deps.pauses.list(),
    ]);
    const until = new Map(notes.flatMap((n) => (n.until ? [[n.target, new Date(n.until)] as const] : [])));
    const byTarget = new Map(notes.map((n) => [n.target, toPauseNote(n)!] as const));
    const names = [...new Set(schedules.map((s) => s.job_name))].filter(
      (n) => this.deps.registry.find(n) !== undefined,
    );
    const flags = await this.deps.control.listJobEnabled(names);
    const facts = new Map<string, CalendarJobFacts>();
    await Promise.all(
      names.map(async (name) => {
        const job = this.deps.registry.get(name);
        const [durations, manual] = await Promise.all([
          this.recentDurations(name),
          new ManualCooldown(this.deps).latestManualStart(job, this.deps.clock.now()),
        ]);
        facts.set(name, {
          job_name: name,
          enabled: flags.get(name) ?? true,
          p95_seconds: percentile(durations, 95),
          p95_sample_size: durations.length,
          cooldown_seconds_after_manual: job.cooldown_seconds_after_manual,
          manual_started_at: manual ? new Date(manual) : null,
          disabled_until: until.get(jobTarget(name)) ?? null,
        });
      }),
    );
    return computeCalendar({
      from: q.from,
      to: q.to,
      job_name: q.job_name ?? null,
      schedules,
      jobs: facts,
      pause: { paused: settings.paused, until: until.get(SCHEDULER_TARGET) ?? null },
      notes: byTarget,
      schedulesResumeAt: new Map(
        schedules.flatMap((s) => {
          const at = until.get(scheduleTarget(s.id));
          return at ? [[s.id, at] as const] : [];
        }),
      ),
      extraZones: [this.deps.settings.displayTimeZone],
      maxFires: CALENDAR_MAX_FIRES,
    });
  }

  /** Durations of the job's latest successful runs, ascending. */
  private async recentDurations(jobName: string): Promise<number[]> {
    const page = await this.deps.runs.list(
      { job_name: jobName, statuses: ["SUCCESS"] },
      P95_SAMPLE_RUNS,
      null,
    );
    return page.runs
      .map((r) => r.duration_seconds)
      .filter((d): d is number => d !== null)
      .sort((a, b) => a - b);
  }
}
