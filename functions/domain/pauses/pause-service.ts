// Issue 16 part 5: pause with a reason and an expiry, for the scheduler, a job, or a selection of
// schedules. The pause is the switch each already has (the scheduler's paused flag, the job's
// enabled flag, the schedule's enabled field — which EventBridge follows as DISABLED / ENABLED);
// the note beside it (PauseNoteStore) says who, why and until when. At `until` the every-minute
// sweep resumes it (resumeExpired), audited by actor "system"; a manual resume drops the note, so
// its expiry goes with it.

import { AuditTrail } from "#domain/audit.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { ValidationError } from "#domain/errors.ts";
import { JobQueries } from "#domain/jobs/job-queries.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import type { PauseTarget, StoredPauseNote } from "#ports/pause-notes.ts";
import type { JobView, ScheduleView } from "#schemas/answers.ts";
import { parseInstant } from "#schemas/common.ts";
import { MAX_PAUSE_DAYS } from "#schemas/pause.ts";
import { jobTarget, SCHEDULER_TARGET, scheduleTarget, toPauseNote } from "./pause-targets.ts";

/** The actor of what the system does by itself (an expired pause's resume). */
export const SYSTEM_ACTOR = "system";
export const EXPIRED_NOTE = "resumed: pause expired";

export type PauseAsk = { reason?: string | undefined; until?: string | null | undefined };
export type PauseFields = { reason: string; until: string | null };

/**
 * A pause request checked at `now`: a reason is required; `until`, when given, is in the future
 * and at most MAX_PAUSE_DAYS ahead. A 400 names the field.
 */
export function checkPause(ask: PauseAsk, now: Date): PauseFields {
  const reason = ask.reason?.trim() ?? "";
  if (!reason)
    throw new ValidationError("a reason is required when pausing", [
      { field: "reason", message: "required when pausing: say why (at most 500 characters)" },
    ]);
  if (ask.until == null) return { reason, until: null };
  const r = parseInstant(ask.until);
  if (!r.ok) throw new ValidationError("until is not a time", [{ field: "until", message: r.message }]);
  if (r.ms <= now.getTime())
    throw new ValidationError("until must be in the future", [
      { field: "until", message: "must be in the future" },
    ]);
  if (r.ms > now.getTime() + MAX_PAUSE_DAYS * 86400_000)
    throw new ValidationError(`until must be at most ${MAX_PAUSE_DAYS} days ahead`, [
      { field: "until", message: `at most ${MAX_PAUSE_DAYS} days ahead` },
    ]);
  return { reason, until: new Date(r.ms).toISOString() };
}

/** A pause whose `until` is at or before `now` (a pause without one never expires). */
export function isExpired(note: Pick<StoredPauseNote, "until">, now: Date): boolean {
  return note.until !== null && Date.parse(note.until) <= now.getTime();
}

export class PauseService {
  private readonly jobs: JobQueries;
  private readonly schedules: ScheduleService;

  constructor(private readonly deps: CoreDeps) {
    this.jobs = new JobQueries(deps);
    this.schedules = new ScheduleService(deps);
  }

  private async note(target: PauseTarget, ask: PauseAsk, actor: string): Promise<StoredPauseNote> {
    const now = this.deps.clock.now();
    const fields = checkPause(ask, now);
    const note = { target, by: actor, at: now.toISOString(), ...fields };
    await this.deps.pauses.put(note);
    return note;
  }

  private audited = (n: StoredPauseNote) => ({ reason: n.reason, until: n.until });

  /**
   * The scheduler's pause with its note; `setPaused` is SchedulerControl.setPaused (passed in: the
   * control reads the sweeper's deadlines, and the sweeper calls resumeExpired — no import cycle).
   */
  async setSchedulerPaused<T>(
    paused: boolean,
    ask: PauseAsk,
    actor: string,
    setPaused: (paused: boolean, actor: string, note: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    if (!paused) {
      await this.deps.pauses.delete(SCHEDULER_TARGET);
      return setPaused(false, actor, {});
    }
    // Checked before anything is written: a bad `until` pauses nothing.
    checkPause(ask, this.deps.clock.now());
    const note = await this.note(SCHEDULER_TARGET, ask, actor);
    return setPaused(true, actor, this.audited(note));
  }

  async setJobEnabled(name: string, enabled: boolean, ask: PauseAsk, actor: string): Promise<JobView> {
    this.deps.registry.get(name);
    if (enabled) {
      await this.deps.pauses.delete(jobTarget(name));
      return this.jobs.setEnabled(name, true, actor);
    }
    checkPause(ask, this.deps.clock.now());
    const note = await this.note(jobTarget(name), ask, actor);
    return this.jobs.setEnabled(name, false, actor, this.audited(note));
  }

  /** Pauses each schedule (all exist, or a 404 before any is paused). */
  async pauseSchedules(ids: readonly string[], ask: PauseAsk, actor: string): Promise<ScheduleView[]> {
    checkPause(ask, this.deps.clock.now());
    for (const id of ids) await this.schedules.get(id);
    const out: ScheduleView[] = [];
    for (const id of new Set(ids)) {
      const note = await this.note(scheduleTarget(id), ask, actor);
      const view = await this.schedules.setPaused(id, true, actor, this.audited(note));
      out.push({ ...view, pause: toPauseNote(note) });
    }
    return out;
  }

  async resumeSchedules(ids: readonly string[], actor: string): Promise<ScheduleView[]> {
    for (const id of ids) await this.schedules.get(id);
    const out: ScheduleView[] = [];
    for (const id of new Set(ids)) {
      await this.deps.pauses.delete(scheduleTarget(id));
      out.push(await this.schedules.setPaused(id, false, actor, {}));
    }
    return out;
  }

  /**
   * Resumes every pause whose `until` has come (the sweeper calls it every minute), as actor
   * "system". A note whose thing is no longer paused (resumed by another path) is dropped
   * silently. One failure does not stop the others; it is retried at the next sweep. Returns the
   * targets resumed.
   */
  async resumeExpired(): Promise<PauseTarget[]> {
    const now = this.deps.clock.now();
    const resumed: PauseTarget[] = [];
    for (const note of await this.deps.pauses.list()) {
      if (!isExpired(note, now)) continue;
      try {
        if (await this.resumeOne(note)) resumed.push(note.target);
      } catch (e) {
        this.deps.logger.error("expired pause not resumed", {
          target: note.target,
          error: e instanceof Error ? e.message : String(e),
        });
      }
    }
    return resumed;
  }

  private async resumeOne(note: StoredPauseNote): Promise<boolean> {
    const why = { note: EXPIRED_NOTE, reason: note.reason, until: note.until };
    const { target } = note;
    let resumed = false;
    if (target === SCHEDULER_TARGET) {
      const before = await this.deps.schedulerState.getSettings();
      if (before.paused) {
        // As SchedulerControl.setPaused does, without its status answer.
        await this.deps.schedulerState.setPaused(false, SYSTEM_ACTOR);
        await new AuditTrail(this.deps).record("scheduler.resume", SYSTEM_ACTOR, {
          target: "scheduler",
          before: { paused: true },
          after: { paused: false, ...why },
        });
        resumed = true;
      }
    } else if (target.startsWith("job:")) {
      const name = target.slice(4);
      if (this.deps.registry.find(name) && !(await this.deps.control.getJobEnabled(name))) {
        await this.jobs.setEnabled(name, true, SYSTEM_ACTOR, why);
        resumed = true;
      }
    } else if (target.startsWith("schedule:")) {
      const s = await this.deps.schedules.get(target.slice(9));
      if (s && !s.enabled) {
        await this.schedules.setPaused(s.id, false, SYSTEM_ACTOR, why);
        resumed = true;
      }
    }
    await this.deps.pauses.delete(target);
    if (resumed) this.deps.logger.info("pause expired: resumed", { target, until: note.until });
    return resumed;
  }
}
