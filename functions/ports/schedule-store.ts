import type { MissedFire } from "#schemas/answers.ts";
import type { Schedule } from "#schemas/schedule.ts";

export type ScheduleFilter = { job_name?: string; category?: string; tag?: string; enabled?: boolean };

/** Schedules as items of the control table: the source of truth (spec/architecture.md). */
export interface ScheduleStore {
  /** Creates the schedule; `false` if its name is taken (names are unique). */
  create(schedule: Schedule): Promise<boolean>;
  get(id: string): Promise<Schedule | null>;
  /** All schedules (there are tens, not millions); filters applied in memory by the caller or here. */
  list(filter?: ScheduleFilter): Promise<Schedule[]>;
  /** Replaces the schedule; `false` if the new name is taken by another schedule. */
  replace(previous: Schedule, next: Schedule): Promise<boolean>;
  /** Deletes the schedule and frees its name; no error if it is already gone. */
  delete(schedule: Schedule): Promise<void>;
}

export type SchedulerSettings = {
  paused: boolean;
  paused_by: string | null;
  paused_at: string | null;
};

/** A fire time of an enabled schedule that produced no run (local stack down, paused…). */
export type { MissedFire };

export interface SchedulerStateStore {
  getSettings(): Promise<SchedulerSettings>;
  setPaused(paused: boolean, actor: string): Promise<SchedulerSettings>;
  /**
   * Records a fire as missed, once: `false` when this fire (schedule id + scheduled time) was
   * already recorded, whose record then stands as it was.
   */
  recordMissed(missed: MissedFire): Promise<boolean>;
  /** The record of this fire if it was recorded as missed. */
  getMissed(scheduleId: string, scheduledTime: string): Promise<MissedFire | null>;
  listMissed(limit: number): Promise<MissedFire[]>;
  /** Run-once markers (e.g. "default schedules created"). Returns true when this call set it. */
  setOnce(marker: string, value: string): Promise<boolean>;
  getMarker(marker: string): Promise<string | null>;
  putMarker(marker: string, value: string): Promise<void>;
  /**
   * A cheap read of the store (the control table) that gives up after `timeoutMs`: resolves when
   * the store answers, rejects otherwise. /healthz asks it.
   */
  probe(timeoutMs: number): Promise<void>;
}
