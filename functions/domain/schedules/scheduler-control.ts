// Scheduler-wide state: pause-all, status (next fire, running / stale / long runs, missed fires)
// and `next_scheduled_for` (spec/api.md "Scheduler").

import { AuditTrail } from "#domain/audit.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { SCHEDULER_TARGET, toPauseNote } from "#domain/pauses/pause-targets.ts";
import { summarize } from "#domain/runs/run-summary.ts";
import { sweepDeadline } from "#domain/runs/run-sweeper.ts";
import type { NextFireLookup } from "#ports/clock.ts";
import type { NextFire, SchedulerStatus } from "#schemas/answers.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { fireTimesOrSkip } from "./schedule-times.ts";

/** The seed's "> 1 h" warning. */
export const LONG_RUNNING_SECONDS = 3600;

export type { NextFire, SchedulerStatus };

export class SchedulerControl implements NextFireLookup {
  constructor(private readonly deps: CoreDeps) {}

  /** Soonest fire among schedules that can fire: enabled, of an enabled job, scheduler not paused. */
  async nextFire(jobName?: string): Promise<NextFire | null> {
    const [settings, schedules, flags] = await Promise.all([
      this.deps.schedulerState.getSettings(),
      this.deps.schedules.list({ job_name: jobName, enabled: true }),
      this.deps.control.listJobEnabled(this.deps.registry.names()),
    ]);
    if (settings.paused) return null;
    return this.soonest(
      schedules.filter((s) => flags.get(s.job_name) !== false && this.deps.registry.find(s.job_name)),
    );
  }

  private soonest(schedules: Schedule[]): NextFire | null {
    const now = this.deps.clock.now();
    let best: NextFire | null = null;
    for (const s of schedules) {
      const at = fireTimesOrSkip(s, now, 1, this.deps.logger, "the next fire")[0];
      if (at && (!best || at.toISOString() < best.at)) {
        best = { schedule_id: s.id, schedule_name: s.name, job_name: s.job_name, at: at.toISOString() };
      }
    }
    return best;
  }

  async nextFor(jobName?: string): Promise<string | null> {
    return (await this.nextFire(jobName))?.at ?? null;
  }

  async status(): Promise<SchedulerStatus> {
    const [settings, schedules, active, missed, next] = await Promise.all([
      this.deps.schedulerState.getSettings(),
      this.deps.schedules.list(),
      this.deps.runs.listActive(),
      this.deps.schedulerState.listMissed(20),
      this.nextFire(),
    ]);
    const now = this.deps.clock.now().getTime();
    const age = (startedAt: string) => (now - Date.parse(startedAt)) / 1000;
    const running = active.filter((r) => r.status === "RUNNING");
    // Issue 16 part 5: who paused, why, until when (only while paused).
    const note = settings.paused ? await this.deps.pauses.get(SCHEDULER_TARGET) : null;
    return {
      ...settings,
      pause: toPauseNote(note),
      schedules_total: schedules.length,
      schedules_enabled: schedules.filter((s) => s.enabled).length,
      next_fire: next,
      running_runs: active.map(summarize),
      // Stale: past the point where the sweeper ends it (its whole time budget plus the grace).
      stale_runs: running
        .filter((r) => now > sweepDeadline(r, this.deps.registry.find(r.job_name)))
        .map(summarize),
      long_running_runs: running.filter((r) => age(r.started_at) > LONG_RUNNING_SECONDS).map(summarize),
      missed_fires: missed,
    };
  }

  /** `note`: issue 16 part 5's reason / until (or why it resumed), kept in the audit entry. */
  async setPaused(
    paused: boolean,
    actor: string,
    note: Record<string, unknown> = {},
  ): Promise<SchedulerStatus> {
    const before = await this.deps.schedulerState.getSettings();
    await this.deps.schedulerState.setPaused(paused, actor);
    this.deps.logger.info(paused ? "scheduler paused" : "scheduler resumed", { actor });
    await new AuditTrail(this.deps).record(paused ? "scheduler.pause" : "scheduler.resume", actor, {
      target: "scheduler",
      before: { paused: before.paused },
      after: { paused, ...note },
    });
    return this.status();
  }
}
