// Stands in for EventBridge Scheduler: fires enabled schedules at their fire times (≤ 1 s late)
// with the same input an EventBridge target would send, honouring pause-all and disabled jobs.
// Times missed while the stack was down are recorded as missed, not fired late (EventBridge
// itself would not have been down).
import type { CoreDeps } from "../../functions/domain/deps.ts";
import { fireTimesOf } from "../../functions/domain/schedule-times.ts";
import type { ScheduleBackend, ScheduleFireInput } from "../../functions/ports/schedule-backend.ts";
import type { Schedule } from "../../functions/schemas/schedule.ts";

const CHECKED_MARKER = "local_scheduler_checked_at";
/**
 * Re-read the table at least this often: the executor is told of a change before the table write
 * commits it (EventBridge first, table last), and another process may change schedules too.
 */
const MAX_SLEEP_MS = 1000;
const MAX_MISSED_PER_SCHEDULE = 50;

export type FireHandler = (
  jobName: string,
  executionName: string,
  input: ScheduleFireInput,
) => Promise<unknown>;

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

  /** A schedule changed: plan again (serialised with ticks). */
  notify(): void {
    if (!this.running) return;
    this.busy = this.busy
      .then(() => this.plan())
      .catch((e) => this.deps.logger.error("scheduler plan failed", { error: String(e) }));
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

  /** Fires everything due up to the clock's now. Tests drive it with a controlled clock. */
  async tick(): Promise<number> {
    const run = this.busy.then(() => this.fireDue());
    this.busy = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
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
    let fired = 0;
    for (const s of schedules) {
      const due = this.timesOf(s, from, 20).filter((t) => t <= now);
      for (const at of due) {
        // Paused or job disabled: nothing fires (the workflow checks again, as in AWS).
        if (settings.paused || flags.get(s.job_name) === false || !this.deps.registry.find(s.job_name))
          continue;
        await this.fireOne(s, at);
        fired++;
      }
    }
    this.cursor = now;
    await this.deps.schedulerState.putMarker(CHECKED_MARKER, now.toISOString());
    if (this.running) await this.plan();
    return fired;
  }

  private async fireOne(s: Schedule, at: Date): Promise<void> {
    const input: ScheduleFireInput = {
      job_name: s.job_name,
      schedule_id: s.id,
      schedule_name: s.name,
      params: s.params,
      trigger_source: "schedule",
      scheduled_time: at.toISOString(),
      execution_policy: s.execution_policy,
      queue_timeout_seconds: s.queue_timeout_seconds,
    };
    try {
      await this.fire(s.job_name, executionNameForFire(s.id, at), input);
    } catch (e) {
      this.deps.logger.error("schedule fire failed to start", { schedule_id: s.id, error: String(e) });
    }
  }

  private async plan(): Promise<void> {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.deps.clock.now();
    const from = this.cursor ?? now;
    let next: Date | null = null;
    for (const s of await this.deps.schedules.list({ enabled: true })) {
      const t = this.timesOf(s, from, 1)[0];
      if (t && (!next || t < next)) next = t;
    }
    const wait = next ? Math.max(0, next.getTime() - now.getTime()) : MAX_SLEEP_MS;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        void this.tick().catch((e) => this.deps.logger.error("scheduler tick failed", { error: String(e) }));
      },
      Math.min(wait, MAX_SLEEP_MS),
    );
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
