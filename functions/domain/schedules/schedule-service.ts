// Schedules (spec/model.md "Schedule", spec/api.md "Schedules"): validation against the job,
// auto names, next fire times, and the write order that keeps the table and the executor together:
// the executor (EventBridge) is written first and the table item last, so the table write is the
// commit point; a failure in between is repaired by retrying the same call, and reconcile makes
// the executor follow the table.
//
// A write that fails is logged with the schedule id (afterFailedWrite, schedule-write-repair.ts), and the executor's copy of
// that one schedule is made to follow the table at once when that can help: after an executor call
// that failed on the service's side (it may have been applied: a timeout, a 5xx), after a table
// write that failed for another reason than an outage, and when a name conflict undoes the write.
// Not after the executor refused the schedule (a 400: nothing changed), nor while the table is
// unavailable (reading it back would fail too, and add its timeouts to the 503): the sweeper's
// periodic reconcile repairs those within SCHEDULE_RECONCILE_INTERVAL_MINUTES (schedule-sync.ts).
//
// Request validation is in schedule-request.ts, ids and auto names in schedule-naming.ts.

import { AuditTrail } from "#domain/audit.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { ConflictError, NotFoundError } from "#domain/errors.ts";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { scheduleTarget, toPauseNote } from "#domain/pauses/pause-targets.ts";
import { canonicalTimeZone, isValidTimeZone } from "#domain/time.ts";
import type { ScheduleFilter } from "#ports/schedule-store.ts";
import type { PreviewResult, ScheduleView } from "#schemas/answers.ts";
import type { AuditAction } from "#schemas/audit.ts";
import type { CodedIssue } from "#schemas/issue-codes.ts";
import type { PauseNote } from "#schemas/pause.ts";
import type {
  CreateScheduleRequest,
  PatchScheduleRequest,
  PreviewRequest,
  Schedule,
} from "#schemas/schedule.ts";
import { nextFireTimes } from "./next-fire-times.ts";
import { describeExpression, prepareDescriptions } from "./schedule-description.ts";
import { parseScheduleExpression } from "./schedule-expression.ts";
import { followGenerated } from "./schedule-follow.ts";
import { newScheduleId } from "./schedule-naming.ts";
import {
  checkDates,
  DEFAULT_TIMEZONE,
  previewName,
  type Resolved,
  resolveSchedule,
} from "./schedule-request.ts";
import { evaluateSchedule, fireTimesOf, rateAnchor, scheduleFireTimes } from "./schedule-times.ts";
import { afterFailedWrite, repairAfterConflict, type WriteOp } from "./schedule-write-repair.ts";

const NEXT_FIRE_COUNT = 5;

// Answer shapes are the API's schemas (functions/schemas/schedule.ts); the service fills them in.
export type { PreviewResult, ScheduleView };

export class ScheduleService {
  constructor(private readonly deps: CoreDeps) {}

  async preview(req: PreviewRequest): Promise<PreviewResult> {
    const tz = canonicalTimeZone(req.timezone ?? DEFAULT_TIMEZONE);
    const invalid = (message: string, coded: CodedIssue): PreviewResult => ({
      valid: false,
      normalized_expression: null,
      description: null,
      description_en: null,
      next_fire_times: [],
      message,
      message_code: coded.code,
      message_params: coded.params ?? null,
      auto_name: null,
    });
    if (!isValidTimeZone(tz))
      return invalid(`unknown time zone '${tz}' (use an IANA name such as Asia/Tokyo)`, {
        code: "unknown_time_zone",
        params: { zone: tz },
      });
    const parsed = parseScheduleExpression(req.schedule_expression);
    if (!parsed.ok) return invalid(parsed.message, parsed);
    // What saving would refuse, preview reports too (the expression is fine, its bounds are not).
    const dates = checkDates(req.start_date, req.end_date);
    const bad = dates.issues[0];
    if (bad)
      return invalid(dates.issues.map((i) => `${i.field} ${i.message}`).join("; "), {
        code: bad.code ?? "invalid",
        ...(bad.params ? { params: bad.params } : {}),
      });
    const from = req.from ? new Date(req.from) : this.deps.clock.now();
    const startDate = dates.start ? new Date(dates.start) : null;
    await prepareDescriptions([{ expr: parsed.value, timezone: tz }]);
    const times = nextFireTimes(parsed.value, {
      timezone: tz,
      from,
      count: req.count ?? NEXT_FIRE_COUNT,
      startDate,
      endDate: dates.end ? new Date(dates.end) : null,
      // As the schedule would fire if saved now: the same phase the saved one answers with.
      anchor: rateAnchor(startDate, this.deps.clock.now()),
    });
    return {
      valid: true,
      normalized_expression: parsed.value.expression,
      description: describeExpression(parsed.value, tz, "ja"),
      description_en: describeExpression(parsed.value, tz, "en"),
      next_fire_times: times.map((t) => t.toISOString()),
      auto_name: previewName(this.deps.registry, req, parsed.value),
      ...noteOf(times.length > 0, parsed.normalizedFrom),
    };
  }

  /** Next fire instants of a stored schedule, strictly after `from`. */
  fireTimes(s: Schedule, from: Date, count = NEXT_FIRE_COUNT): Date[] {
    return scheduleFireTimes(s, from, count);
  }

  /** A stored item as answered; one that cannot be evaluated says why instead of failing the answer. */
  /** `pause`: the schedule's pause note (issue 16 part 5), answered only while it is disabled. */
  view(s: Schedule, pause: PauseNote | null = null): ScheduleView {
    const { times, error } = fireTimesOf(s, this.deps.clock.now());
    const e = evaluateSchedule(s);
    const raw = String(s.schedule_expression);
    // A stored date that does not read as a time is answered as null; expression_error quotes it.
    const readable = (d: string | null) => (d != null && Number.isNaN(Date.parse(d)) ? null : d);
    return {
      ...s,
      start_date: readable(s.start_date),
      end_date: readable(s.end_date),
      normalized_expression: e.ok ? e.parsed.expression : raw,
      expression_description:
        e.ok && !error
          ? {
              ja: describeExpression(e.parsed, s.timezone, "ja"),
              en: describeExpression(e.parsed, s.timezone, "en"),
            }
          : { ja: raw, en: raw },
      next_fire_times: times.map((t) => t.toISOString()),
      expression_error: error,
      pause: s.enabled ? null : pause,
    };
  }

  /** The pause notes of schedules, by schedule id (issue 16 part 5). */
  async pauseNotes(): Promise<Map<string, PauseNote>> {
    const out = new Map<string, PauseNote>();
    for (const n of await this.deps.pauses.list()) {
      const note = toPauseNote(n);
      if (note && n.target.startsWith(scheduleTarget("")))
        out.set(n.target.slice(scheduleTarget("").length), note);
    }
    return out;
  }

  private async pauseNoteOf(id: string): Promise<PauseNote | null> {
    return toPauseNote(await this.deps.pauses.get(scheduleTarget(id)));
  }

  /** Loads what describing these schedules needs (cronstrue only for unusual expressions). */
  async prepare(schedules: readonly Schedule[]): Promise<void> {
    const items = [];
    for (const s of schedules) {
      const e = evaluateSchedule(s);
      if (e.ok) items.push({ expr: e.parsed, timezone: s.timezone });
    }
    await prepareDescriptions(items);
  }

  async list(filter: ScheduleFilter): Promise<ScheduleView[]> {
    const [all, notes] = await Promise.all([this.deps.schedules.list(filter), this.pauseNotes()]);
    await this.prepare(all);
    return all.map((s) => this.view(s, notes.get(s.id) ?? null));
  }

  async get(id: string): Promise<ScheduleView> {
    const s = await this.require(id);
    await this.prepare([s]);
    return this.view(s, await this.pauseNoteOf(id));
  }

  async create(req: CreateScheduleRequest, actor: string): Promise<ScheduleView> {
    const now = this.deps.clock.now().toISOString();
    const { schedule } = await this.resolve(req, {
      id: newScheduleId(),
      created_at: now,
      updated_at: now,
      created_by: actor,
      updated_by: actor,
    });
    const auto = !req.name;
    const stored = await this.storeNew(schedule, auto);
    this.deps.logger.info("schedule created", { schedule_id: stored.id, schedule_name: stored.name, actor });
    await new AuditTrail(this.deps).record("schedule.create", actor, {
      target: stored.id,
      target_name: stored.name,
      after: { ...stored },
    });
    await this.prepare([stored]);
    return this.view(stored);
  }

  /** Writes the executor first, then the table (the commit point); an auto name gets a suffix if taken. */
  private async storeNew(schedule: Schedule, auto: boolean): Promise<Schedule> {
    await this.guard("create", schedule.id, "executor", () => this.deps.scheduleBackend.put(schedule));
    for (let n = 1; n <= 50; n++) {
      const candidate = n === 1 || !auto ? schedule : { ...schedule, name: `${schedule.name}_${n}` };
      if (await this.guard("create", schedule.id, "table", () => this.deps.schedules.create(candidate))) {
        // The executor's copy carries the name (its target input, its description): give it the one stored.
        if (candidate !== schedule) {
          await this.deps.scheduleBackend
            .put(candidate)
            .catch((e: unknown) => afterFailedWrite(this.deps, "create", schedule.id, "executor", e, false));
        }
        return candidate;
      }
      if (!auto) break;
    }
    // Nothing refers to the executor's copy now: remove it (reconcile would, later).
    await repairAfterConflict(this.deps, "create", schedule.id);
    throw new ConflictError("name_taken", `a schedule named '${schedule.name}' already exists`, {
      name: schedule.name,
    });
  }

  async replace(id: string, req: CreateScheduleRequest, actor: string): Promise<ScheduleView> {
    const previous = await this.require(id);
    return this.update(previous, req, actor);
  }

  async patch(id: string, req: PatchScheduleRequest, actor: string): Promise<ScheduleView> {
    return this.patchWith(await this.require(id), req, actor, null);
  }

  private async patchWith(
    previous: Schedule,
    req: PatchScheduleRequest,
    actor: string,
    as: { action: AuditAction; note: Record<string, unknown> } | null,
  ): Promise<ScheduleView> {
    const merged: CreateScheduleRequest = {
      name: previous.auto_generated_name ? undefined : previous.name,
      job_name: previous.job_name,
      schedule_expression: previous.schedule_expression,
      timezone: previous.timezone,
      start_date: previous.start_date,
      end_date: previous.end_date,
      description: previous.description,
      category: previous.category,
      tags: previous.tags,
      params: previous.params,
      enabled: previous.enabled,
      execution_policy: previous.execution_policy,
      queue_timeout_seconds: previous.queue_timeout_seconds,
      ...Object.fromEntries(Object.entries(req).filter(([, v]) => v !== undefined)),
    };
    // A patch that does not name the schedule keeps a name the operator gave; an auto name follows
    // what it encodes (followGenerated, below).
    if (req.name === undefined) merged.name = previous.name;
    return this.update(previous, merged, actor, as);
  }

  /**
   * Issue 16 part 5: pause or resume one schedule — the same write as PATCH {enabled} (EventBridge
   * follows: DISABLED / ENABLED), audited as a pause or resume with its note.
   */
  async setPaused(
    id: string,
    paused: boolean,
    actor: string,
    note: Record<string, unknown>,
  ): Promise<ScheduleView> {
    const previous = await this.require(id);
    return this.patchWith(previous, { enabled: !paused }, actor, {
      action: paused ? "schedule.pause" : "schedule.resume",
      note,
    });
  }

  private async update(
    previous: Schedule,
    asked: CreateScheduleRequest,
    actor: string,
    as: { action: AuditAction; note: Record<string, unknown> } | null = null,
  ): Promise<ScheduleView> {
    const req = await followGenerated(previous, asked, this.deps.registry);
    const audit = {
      id: previous.id,
      created_at: previous.created_at,
      created_by: previous.created_by,
      updated_at: this.deps.clock.now().toISOString(),
      updated_by: actor,
    };
    const { schedule } = await this.resolve(req, audit, previous);
    // A PUT without a name keeps an auto name if the old one was auto and nothing it encodes changed.
    // (A suffixed auto name, `…_daily_1130_2`, is the same name made unique at creation.)
    if (
      !req.name &&
      previous.auto_generated_name &&
      (previous.name === schedule.name || previous.name.startsWith(`${schedule.name}_`))
    )
      schedule.name = previous.name;
    await this.guard("update", schedule.id, "executor", () => this.deps.scheduleBackend.put(schedule));
    if (
      !(await this.guard("update", schedule.id, "table", () =>
        this.deps.schedules.replace(previous, schedule),
      ))
    ) {
      // Back to what the table holds (the previous item, or a newer one written meanwhile).
      await repairAfterConflict(this.deps, "update", schedule.id);
      throw new ConflictError("name_taken", `a schedule named '${schedule.name}' already exists`, {
        name: schedule.name,
      });
    }
    this.deps.logger.info("schedule updated", {
      schedule_id: schedule.id,
      schedule_name: schedule.name,
      actor,
    });
    await new AuditTrail(this.deps).record(as?.action ?? "schedule.update", actor, {
      target: schedule.id,
      target_name: schedule.name,
      before: { ...previous },
      after: { ...schedule, ...as?.note },
    });
    await this.prepare([schedule]);
    return this.view(schedule, await this.pauseNoteOf(schedule.id));
  }

  async delete(id: string, actor: string): Promise<void> {
    const schedule = await this.require(id);
    await this.guard("delete", schedule.id, "executor", () => this.deps.scheduleBackend.remove(schedule.id));
    await this.guard("delete", schedule.id, "table", () => this.deps.schedules.delete(schedule));
    this.deps.logger.info("schedule deleted", { schedule_id: id, schedule_name: schedule.name, actor });
    await new AuditTrail(this.deps).record("schedule.delete", actor, {
      target: schedule.id,
      target_name: schedule.name,
      before: { ...schedule },
    });
  }

  /**
   * Creates each job's default schedules once, per job: a job added by a later deploy gets its
   * defaults then, and a default an operator deleted stays deleted. Safe to call at every start.
   * Upgrading from the one marker all jobs shared (LEGACY_DEFAULTS_MARKER): a job that already has
   * schedules was there when it was written, so only a job with none gets its defaults now (one
   * whose every schedule was deleted would get its defaults back once; there is no record of it).
   */
  async ensureDefaults(jobs: readonly JobDefinition[]): Promise<number> {
    const { schedulerState, clock } = this.deps;
    const withDefaults = jobs.filter((j) => (j.default_schedules ?? []).length > 0);
    const done = await Promise.all(withDefaults.map((j) => schedulerState.getMarker(defaultsMarker(j.name))));
    const pending = withDefaults.filter((_j, i) => !done[i]);
    if (pending.length === 0) return 0;
    const [legacy, existing] = await Promise.all([
      schedulerState.getMarker(LEGACY_DEFAULTS_MARKER),
      this.deps.schedules.list(),
    ]);
    let created = 0;
    for (const job of pending) {
      const own = existing.filter((s) => s.job_name === job.name);
      if (!(legacy && own.length > 0)) {
        for (const d of job.default_schedules ?? []) {
          if (own.some((s) => s.schedule_expression === parseOrSame(d.schedule_expression))) continue;
          await this.create(
            {
              name: d.name,
              job_name: job.name,
              schedule_expression: d.schedule_expression,
              timezone: d.timezone,
              params: d.params,
              description: d.description ?? null,
            },
            "system",
          );
          created++;
        }
      }
      // After its schedules: a failed create leaves the job to the next start.
      await schedulerState.putMarker(defaultsMarker(job.name), clock.now().toISOString());
    }
    return created;
  }

  /** One step of a schedule write; on failure, afterFailedWrite, then the error as it was. */
  private async guard<T>(
    op: WriteOp,
    scheduleId: string,
    step: "executor" | "table",
    write: () => Promise<T>,
  ) {
    try {
      return await write();
    } catch (e) {
      await afterFailedWrite(this.deps, op, scheduleId, step, e, true);
      throw e;
    }
  }

  private async require(id: string): Promise<Schedule> {
    const s = await this.deps.schedules.get(id);
    if (!s) throw new NotFoundError("schedule", id);
    return s;
  }

  /** Validates a request against the job and the expression rules; builds the item to store. */
  private async resolve(
    req: CreateScheduleRequest,
    audit: Pick<Schedule, "id" | "created_at" | "updated_at" | "created_by" | "updated_by">,
    previous?: Schedule,
  ): Promise<Resolved> {
    return resolveSchedule(this.deps.registry, req, audit, previous);
  }
}

/** The note a valid preview carries: normalized from what was typed, or a schedule that never fires. */
function noteOf(
  fires: boolean,
  normalizedFrom: string | undefined,
): Pick<PreviewResult, "message" | "message_code" | "message_params"> {
  if (!fires)
    // Valid, as EventBridge would accept it, but worth saying before anyone waits for it.
    return {
      message:
        "this schedule would never fire after the given time (a date that does not occur, or one already past)",
      message_code: "never_fires",
      message_params: null,
    };
  if (normalizedFrom)
    return {
      message: `normalized from '${normalizedFrom}'`,
      message_code: "normalized_from",
      message_params: { from: normalizedFrom },
    };
  return { message: null, message_code: null, message_params: null };
}

function parseOrSame(expr: string): string {
  const p = parseScheduleExpression(expr);
  return p.ok ? p.value.expression : expr;
}

/** The marker all jobs shared before default schedules were tracked per job. */
export const LEGACY_DEFAULTS_MARKER = "default_schedules_v1";
/** A job's default schedules were created (or found) once: never again, even if deleted. */
export const defaultsMarker = (jobName: string) => `default_schedules_v1#${jobName}`;
