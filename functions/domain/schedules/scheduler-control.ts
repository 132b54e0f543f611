// Scheduler-wide state: pause-all, status (next fire, running / stale / long runs, missed fires)
// and `next_scheduled_for` (spec/api.md "Scheduler").

import { AuditTrail } from "#domain/audit.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { SCHEDULER_TARGET, toPauseNote } from "#domain/pauses/pause-targets.ts";
import { ManualCooldown } from "#domain/runs/manual-cooldown.ts";
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
    const live = schedules.filter(
      (s) => flags.get(s.job_name) !== false && this.deps.registry.find(s.job_name),
    );
    return this.soonest(live, await this.cooldowns(live));
  }

  /**
   * Issue 16 part 6: where each job's cooldown after a manual run ends, for the jobs of `schedules`
   * that are in one now: their fires before it are skipped, so the next fire that runs is at or after it.
   */
  private async cooldowns(schedules: Schedule[]): Promise<Map<string, Date>> {
    const now = this.deps.clock.now();
    const gate = new ManualCooldown(this.deps);
    const out = new Map<string, Date>();
    for (const name of new Set(schedules.map((s) => s.job_name))) {
      const job = this.deps.registry.find(name);
      const w = job?.cooldown_seconds_after_manual ? await gate.windowAt(job, now) : null;
      if (w) out.set(name, w.until);
    }
    return out;
  }

  private soonest(schedules: Schedule[], cooldowns = new Map<string, Date>()): NextFire | null {
    const now = this.deps.clock.now();
    let best: NextFire | null = null;
    for (const s of schedules) {
      // A fire exactly at the cooldown's end runs: search from just before it (fires are strictly after).
      const until = cooldowns.get(s.job_name);
      const from = until && until > now ? new Date(until.getTime() - 1) : now;
      const at = fireTimesOrSkip(s, from, 1, this.deps.logger, "the next fire")[0];
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
