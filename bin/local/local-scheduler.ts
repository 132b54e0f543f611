// Stands in for EventBridge Scheduler: fires enabled schedules at their fire times (≤ 1 s late)
// with the same input an EventBridge target would send, honouring pause-all and disabled jobs.
// Times missed while the stack was down are recorded as missed, not fired late (EventBridge
// itself would not have been down). A tick that fails (the store is down) is logged, counted and
// retried: the timer is always armed again. Fires that came due meanwhile are decided once, when
// a tick succeeds again: the latest due fire of each schedule runs if it is still within
// LATE_FIRE_WINDOW_SECONDS, every other one is recorded missed — no burst of backlogged fires.

import type { CoreDeps } from "#domain/core-deps.ts";
import { LATE_FIRE_WINDOW_SECONDS } from "#domain/runs/run-sweeper.ts";
import { fireInputOf } from "#domain/schedules/schedule-fire.ts";
import { fireTimesOf } from "#domain/schedules/schedule-times.ts";
import type { ScheduleBackend, ScheduleFireInput } from "#ports/schedule-backend.ts";
import type { Schedule } from "#schemas/schedule.ts";

const CHECKED_MARKER = "local_scheduler_checked_at";
/**
 * Re-read the table at least this often: the executor is told of a change before the table write
 * commits it (EventBridge first, table last), and another process may change schedules too.
 */
const MAX_SLEEP_MS = 1000;
const MAX_MISSED_PER_SCHEDULE = 50;
/** After a failed tick the next one comes after 1 s, then every 2 s until one succeeds. */
const MAX_RETRY_MS = 2000;
/** A fire found later than this is checked against the missed records before it runs. */
const ON_TIME_MS = 2 * MAX_SLEEP_MS;

/** What the scheduler has been through (the local stack keeps it; tests and logs read it). */
export type LocalSchedulerState = {
  running: boolean;
  /** A tick is planned (always while running: no failure leaves the scheduler without one). */
  timer_armed: boolean;
  ticks: number;
  /** Ticks that failed (the store did not answer…); each was logged and retried. */
  tick_failures: number;
  /** Failed ticks since the last one that succeeded (0 when healthy). */
  consecutive_failures: number;
  last_error: string | null;
  last_error_at: string | null;
  last_success_at: string | null;
  /** Fires started later than ON_TIME_MS after their time (after an outage). */
  late_fires: number;
  /** Fires this scheduler recorded as missed (at start, or after an outage). */
  missed_recorded: number;
};

export type FireHandler = (
  jobName: string,
  executionName: string,
  input: ScheduleFireInput,
) => Promise<unknown>;

const fireKey = (scheduleId: string, at: Date) => `${scheduleId} ${at.toISOString()}`;

export function executionNameForFire(scheduleId: string, at: Date): string {
  return `${scheduleId}-${at.toISOString().replace(/[-:.]/g, "")}`;
}

export class LocalScheduler {
  private timer: NodeJS.Timeout | null = null;
  /** Fires strictly after this instant are still to come. */
  private cursor: Date | null = null;
  private running = false;
  private busy: Promise<void> = Promise.resolve();
  /** Items already warned about (id + version + reason): the plan runs every second. */
  private readonly warned = new Set<string>();
  /** Fires after the cursor already run or recorded by a tick that failed later on. */
  private readonly decided = new Set<string>();
  private readonly counters = {
    ticks: 0,
    tick_failures: 0,
    consecutive_failures: 0,
    last_error: null as string | null,
    last_error_at: null as string | null,
    last_success_at: null as string | null,
    late_fires: 0,
    missed_recorded: 0,
  };

  constructor(
    private readonly deps: CoreDeps,
    private readonly fire: FireHandler,
    private readonly print: (line: string) => void = () => {},
  ) {}

  async start(): Promise<void> {
    this.running = true;
    const now = this.deps.clock.now();
    await this.recordMissedSince(now);
    this.cursor = now;
    await this.deps.schedulerState.putMarker(CHECKED_MARKER, now.toISOString());
    await this.plan();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  state(): LocalSchedulerState {
    return { running: this.running, timer_armed: this.timer !== null, ...this.counters };
  }

  /** A schedule changed: plan again (serialised with ticks; plan never throws). */
  notify(): void {
    if (!this.running) return;
    this.busy = this.busy.then(() => this.plan());
  }

  /**
   * Fire times of `s` after `from`; none for an item that cannot be evaluated (older version, hand
   * edit), which is reported on the schedule and skipped here with one warning per version of it.
   */
  private timesOf(s: Schedule, from: Date, count: number): Date[] {
    const { times, error } = fireTimesOf(s, from, count);
    if (error) {
      const key = `${s.id} ${s.updated_at} ${error}`;
      if (!this.warned.has(key)) {
        this.warned.add(key);
        this.deps.logger.warn("schedule skipped: it cannot be evaluated", {
          schedule_id: s.id,
          schedule_name: s.name,
          error,
        });
        this.print(`[scheduler] ${s.name}: skipped, it cannot be evaluated (${error})`);
      }
    }
    return times;
  }

  /**
   * Fires everything due up to the clock's now; rejects when the tick failed (it was counted and
   * logged, and the next one is planned all the same). Tests drive it with a controlled clock.
   */
  async tick(): Promise<number> {
    const run = this.busy.then(() => this.tickOnce());
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async tickOnce(): Promise<number> {
    const c = this.counters;
    c.ticks++;
    try {
      const fired = await this.fireDue();
      if (c.consecutive_failures > 0) {
        this.deps.logger.warn("scheduler ticks succeed again", { failed_ticks: c.consecutive_failures });
        this.print(`[scheduler] the store answers again after ${c.consecutive_failures} failed tick(s)`);
      }
      c.consecutive_failures = 0;
      c.last_success_at = this.deps.clock.now().toISOString();
      return fired;
    } catch (e) {
      c.tick_failures++;
      c.consecutive_failures++;
      c.last_error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      c.last_error_at = new Date().toISOString();
      this.deps.logger.error("scheduler tick failed; retrying", {
        error: c.last_error,
        consecutive_failures: c.consecutive_failures,
        tick_failures: c.tick_failures,
      });
      if (c.consecutive_failures === 1)
        this.print(`[scheduler] tick failed (${c.last_error}); retrying until the store answers`);
      throw e;
    } finally {
      // Whatever happened, the next tick is planned.
      await this.plan();
    }
  }

  private async recordMissedSince(now: Date): Promise<void> {
    const last = await this.deps.schedulerState.getMarker(CHECKED_MARKER);
    if (!last) return;
    const since = new Date(last);
    const schedules = await this.deps.schedules.list({ enabled: true });
    for (const s of schedules) {
      const times = this.timesOf(s, since, MAX_MISSED_PER_SCHEDULE).filter((t) => t <= now);
      for (const t of times) {
        await this.deps.schedulerState.recordMissed({
          schedule_id: s.id,
          schedule_name: s.name,
          job_name: s.job_name,
          scheduled_time: t.toISOString(),
          reason: "the local stack was not running at the fire time",
          recorded_at: now.toISOString(),
        });
      }
      if (times.length)
        this.print(
          `[scheduler] ${s.name}: ${times.length} fire time(s) missed while stopped (recorded, not run)`,
        );
    }
  }

  private async fireDue(): Promise<number> {
    const now = this.deps.clock.now();
    const from = this.cursor ?? now;
    const schedules = await this.deps.schedules.list({ enabled: true });
    const [settings, flags] = await Promise.all([
      this.deps.schedulerState.getSettings(),
      this.deps.control.listJobEnabled(this.deps.registry.names()),
    ]);
    // Fires at or before this instant are too late to start (the sweeper would call them missed).
    const lateLimit = new Date(now.getTime() - LATE_FIRE_WINDOW_SECONDS * 1000);
    const cause =
      this.counters.consecutive_failures > 0
        ? `the scheduler could not reach the store (${this.counters.last_error})`
        : "the scheduler was late";
    let fired = 0;
    for (const s of schedules) {
      // Paused or job disabled: nothing fires (the workflow checks again, as in AWS), nothing is missed.
      if (settings.paused || flags.get(s.job_name) === false || !this.deps.registry.find(s.job_name))
        continue;
      const open = (t: Date) => !this.decided.has(fireKey(s.id, t));
      const stale =
        from < lateLimit
          ? this.timesOf(s, from, MAX_MISSED_PER_SCHEDULE).filter((t) => t <= lateLimit && open(t))
          : [];
      const recent = this.timesOf(s, from < lateLimit ? lateLimit : from, 20).filter(
        (t) => t <= now && open(t),
      );
      // Only the latest due fire may still run; any earlier one is recorded missed (no burst).
      const latest = recent.pop();
      const notRun = [...stale, ...recent];
      if (latest) {
        const late = now.getTime() - latest.getTime() > ON_TIME_MS;
        // A late fire may have been decided elsewhere meanwhile (the sweeper of another process).
        const already = late ? await this.deps.schedulerState.getMissed(s.id, latest.toISOString()) : null;
        if (!already) {
          await this.fireOne(s, latest);
          fired++;
          if (late) {
            this.counters.late_fires++;
            this.print(
              `[scheduler] ${s.name}: fired ${Math.round((now.getTime() - latest.getTime()) / 1000)} s late (${cause})`,
            );
          }
        }
        this.decided.add(fireKey(s.id, latest));
      }
      let recorded = 0;
      for (const t of notRun) {
        const first = await this.deps.schedulerState.recordMissed({
          schedule_id: s.id,
          schedule_name: s.name,
          job_name: s.job_name,
          scheduled_time: t.toISOString(),
          reason: `not fired on time: ${cause}; after a delay only the latest fire within ${LATE_FIRE_WINDOW_SECONDS} s runs`,
          recorded_at: now.toISOString(),
        });
        this.decided.add(fireKey(s.id, t));
        if (first) recorded++;
      }
      if (recorded) {
        this.counters.missed_recorded += recorded;
        this.print(`[scheduler] ${s.name}: ${recorded} fire time(s) missed (${cause}; recorded, not run)`);
      }
    }
    // Everything up to now is decided: fires after the cursor are the only ones still to come.
    this.cursor = now;
    this.decided.clear();
    await this.deps.schedulerState.putMarker(CHECKED_MARKER, now.toISOString());
    return fired;
  }

  private async fireOne(s: Schedule, at: Date): Promise<void> {
    try {
      await this.fire(s.job_name, executionNameForFire(s.id, at), fireInputOf(s, at.toISOString()));
    } catch (e) {
      this.deps.logger.error("schedule fire failed to start", { schedule_id: s.id, error: String(e) });
    }
  }

  /** Arms the timer for the next tick; never throws, and always arms it while running. */
  private async plan(): Promise<void> {
    if (!this.running) return;
    let wait = MAX_SLEEP_MS;
    const failures = this.counters.consecutive_failures;
    if (failures > 0) {
      wait = Math.min(MAX_SLEEP_MS * 2 ** (failures - 1), MAX_RETRY_MS);
    } else {
      try {
        const now = this.deps.clock.now();
        const from = this.cursor ?? now;
        let next: Date | null = null;
        for (const s of await this.deps.schedules.list({ enabled: true })) {
          const t = this.timesOf(s, from, 1)[0];
          if (t && (!next || t < next)) next = t;
        }
        wait = Math.min(next ? Math.max(0, next.getTime() - now.getTime()) : MAX_SLEEP_MS, MAX_SLEEP_MS);
      } catch (e) {
        // The table could not be read: tick in a second all the same (the tick retries the read).
        this.deps.logger.warn("scheduler plan failed", {
          error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
        });
      }
    }
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failure is counted and logged by the tick, which plans the next one itself.
      this.tick().catch(() => {});
    }, wait);
    this.timer.unref?.();
  }
}

/** The local executor: the scheduler reads the table itself, so a change only needs a re-plan. */
export function localScheduleBackend(get: () => LocalScheduler | null): ScheduleBackend {
  return {
    async put() {
      get()?.notify();
    },
    async remove() {
      get()?.notify();
    },
    async reconcile() {
      return { created: [], updated: [], deleted: [], unchanged: 0 };
    },
  };
}
