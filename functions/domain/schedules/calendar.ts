// Issue 16 part 1, the upcoming-runs calendar: every fire of every schedule in a window, with the
// state it would meet and the overlaps the job's p95 duration predicts. Pure: the service
// (calendar-service.ts) reads the stores and hands everything in.
//
// The fires come from fireTimesOf (next-fire-times.ts), the same calculation the local scheduler
// and next_fire_times use, so the calendar shows EventBridge's fires: a local time that a DST gap
// skips does not fire, a repeated one fires once (its first occurrence).

import { cooldownEnd, inCooldown } from "#domain/jobs/cooldown.ts";
import { jobTarget, SCHEDULER_TARGET, scheduleTarget } from "#domain/pauses/pause-targets.ts";
import { offsetMinutes, toDisplayTime } from "#domain/time.ts";
import type {
  CalendarAnswer,
  CalendarFire,
  CalendarFireState,
  CalendarJob,
  DstChange,
} from "#schemas/calendar.ts";
import type { PauseNote } from "#schemas/pause.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { fireTimesOf } from "./schedule-times.ts";

export type CalendarJobFacts = {
  job_name: string;
  enabled: boolean;
  /** The job's p95 duration over its latest successful runs; null without any. */
  p95_seconds: number | null;
  p95_sample_size: number;
  cooldown_seconds_after_manual?: number;
  /** Start of the job's latest manual run (MANUAL_TRIGGER_SOURCES); null when none. */
  manual_started_at: Date | null;
  /** A disabled job whose pause lifts itself (issue 16 part 5): its fires from then on run. */
  disabled_until?: Date | null;
};

export type CalendarInput = {
  from: Date;
  /** exclusive */
  to: Date;
  job_name: string | null;
  schedules: readonly Schedule[];
  jobs: ReadonlyMap<string, CalendarJobFacts>;
  /**
   * The scheduler's pause; `until` (a pause that lifts itself, issue 16 part 5) makes fires from
   * then on `scheduled` again. Null `until`: paused for the whole window.
   */
  pause: { paused: boolean; until: Date | null };
  /** Pause notes by target ("scheduler", "job:<name>", "schedule:<id>"): who, why, until (part 5). */
  notes?: ReadonlyMap<string, PauseNote>;
  /** Disabled schedules whose pause lifts itself (part 5), by schedule id: their fires from then on run. */
  schedulesResumeAt?: ReadonlyMap<string, Date>;
  /** Zones whose DST changes are reported besides the schedules' own (the display zone). */
  extraZones: readonly string[];
  maxFires: number;
};

/** Fires that would start a run if nothing changes but a pause lifting: they count for flags. */
const COUNTED: ReadonlySet<CalendarFireState> = new Set(["scheduled", "paused"]);

/** A fire with its instant; a `shadow` one lies just outside the window and only informs flags. */
type Draft = CalendarFire & { t: number; shadow: boolean };

export function computeCalendar(input: CalendarInput): CalendarAnswer {
  const { from, to, maxFires } = input;
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const drafts: Draft[] = [];
  const unevaluable: CalendarAnswer["unevaluable"] = [];
  const zones = new Set<string>(input.extraZones);
  const cooldowns = new Map<string, Date | null>();
  for (const [name, j] of input.jobs) cooldowns.set(name, cooldownEnd(j, j.manual_started_at));

  for (const s of input.schedules) {
    const job = input.jobs.get(s.job_name);
    const p95ms = (job?.p95_seconds ?? 0) * 1000;
    // One more than the cap per schedule: enough to know the answer is truncated, never 44,640; and
    // no further than the run of the window's last fire reaches (a daily cron would otherwise be
    // searched 2,000 days ahead). EventBridge's end date bounds the same search in the same way.
    const { times, error } = fireTimesOf(bounded(s, toMs + p95ms), new Date(fromMs - 1), maxFires + 1);
    if (error) {
      unevaluable.push({ schedule_id: s.id, schedule_name: s.name, error });
      continue;
    }
    zones.add(s.timezone);
    const draft = (at: Date, shadow: boolean): Draft => ({
      t: at.getTime(),
      shadow,
      fire_at: at.toISOString(),
      fire_local: toDisplayTime(at.toISOString(), s.timezone),
      timezone: s.timezone,
      job_name: s.job_name,
      schedule_id: s.id,
      schedule_name: s.name,
      execution_policy: s.execution_policy,
      state: stateOf(
        at,
        s,
        job,
        cooldowns.get(s.job_name) ?? null,
        input.pause,
        input.schedulesResumeAt?.get(s.id) ?? null,
      ),
      expected_end_at:
        job?.p95_seconds != null ? new Date(at.getTime() + job.p95_seconds * 1000).toISOString() : null,
      flags: [],
    });
    for (const at of times) {
      // The first fire after the window is kept out of sight: the window's last fire may outlast it.
      if (at.getTime() >= toMs) {
        drafts.push(draft(at, true));
        break;
      }
      drafts.push(draft(at, false));
    }
    // Likewise the last fire before the window whose run may still be going at its first fire.
    if (p95ms > 0) {
      const before = fireTimesOf(bounded(s, fromMs), new Date(fromMs - p95ms - 1), maxFires).times.filter(
        (x) => x.getTime() < fromMs,
      );
      const last = before[before.length - 1];
      if (last) drafts.push(draft(last, true));
    }
  }
  drafts.sort((a, b) => a.t - b.t || a.schedule_name.localeCompare(b.schedule_name));

  const jobs = flagOverlaps(drafts, input.jobs, cooldowns);

  const listed = drafts.filter((d) => !d.shadow);
  let fires = listed;
  let completeBefore: string | null = null;
  if (listed.length > maxFires) {
    // Cut at an instant, not in the middle of fires that share one: everything before it is listed.
    const cut = listed[maxFires]?.t ?? toMs;
    fires = listed.filter((d) => d.t < cut);
    completeBefore = new Date(cut).toISOString();
  }
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    job_name: input.job_name,
    scheduler_paused: input.pause.paused,
    fires: fires.map(({ t: _t, shadow: _s, ...f }) => f),
    pauses: pausesBehind(fires, input.notes ?? new Map()),
    count: fires.length,
    truncated: completeBefore !== null,
    complete_before_at: completeBefore,
    jobs,
    dst_changes: [...zones].sort().flatMap((z) => dstChanges(z, from, to)),
    unevaluable,
  };
}

/** The notes of the pauses that stop some of `fires`, in a stable order (scheduler, jobs, schedules). */
function pausesBehind(fires: readonly CalendarFire[], notes: ReadonlyMap<string, PauseNote>) {
  const targets = new Set<string>();
  for (const f of fires) {
    if (f.state === "paused") targets.add(SCHEDULER_TARGET);
    if (f.state === "job_disabled") targets.add(jobTarget(f.job_name));
    if (f.state === "schedule_disabled") targets.add(scheduleTarget(f.schedule_id));
  }
  return [...targets].sort().flatMap((target) => {
    const note = notes.get(target);
    return note ? [{ target, ...note }] : [];
  });
}

/** `s` ending no later than `endMs` (its own end_date kept when earlier). */
function bounded(s: Schedule, endMs: number): Schedule {
  const own = s.end_date == null ? Number.NaN : new Date(s.end_date).getTime();
  // An unreadable end_date is left for fireTimesOf to report.
  if (s.end_date != null && (Number.isNaN(own) || own <= endMs)) return s;
  return { ...s, end_date: new Date(endMs).toISOString() };
}

/** What a fire would meet, the strongest reason first: a switched-off schedule never fires at all. */
export function stateOf(
  at: Date,
  s: Pick<Schedule, "enabled">,
  job: CalendarJobFacts | undefined,
  cooldownEndsAt: Date | null,
  pause: CalendarInput["pause"],
  scheduleResumesAt: Date | null = null,
): CalendarFireState {
  // A pause with an expiry covers the fires before it; from `until` on the thing runs again.
  const before = (until: Date | null | undefined) => !until || at.getTime() < until.getTime();
  if (!s.enabled && before(scheduleResumesAt)) return "schedule_disabled";
  if (job && !job.enabled && before(job.disabled_until)) return "job_disabled";
  if (pause.paused && before(pause.until)) return "paused";
  if (job && inCooldown(at, job.manual_started_at, cooldownEndsAt)) return "cooldown";
  return "scheduled";
}

/**
 * Per job, over its counted fires in time order (all its schedules together, since they share the
 * job): a fire earlier than the previous fire + p95 is an `overlap`; the previous fire, whose run is
 * expected to last past this one, `outlasts_interval`. Flags are set on the drafts in place.
 */
function flagOverlaps(
  drafts: readonly Draft[],
  facts: ReadonlyMap<string, CalendarJobFacts>,
  cooldowns: ReadonlyMap<string, Date | null>,
): CalendarJob[] {
  const byJob = new Map<string, Draft[]>();
  for (const d of drafts) {
    const list = byJob.get(d.job_name) ?? [];
    list.push(d);
    byJob.set(d.job_name, list);
  }
  const names = new Set([...facts.keys(), ...byJob.keys()]);
  return [...names].sort().map((name) => {
    const fires = byJob.get(name) ?? [];
    const f = facts.get(name);
    const p95ms = f?.p95_seconds != null ? f.p95_seconds * 1000 : null;
    let overlaps = 0;
    let outlasts = false;
    if (p95ms !== null && p95ms > 0) {
      const counted = fires.filter((d) => COUNTED.has(d.state));
      for (let i = 1; i < counted.length; i++) {
        const prev = counted[i - 1] as Draft;
        const cur = counted[i] as Draft;
        if (cur.t < prev.t + p95ms) {
          cur.flags.push("overlap");
          if (!prev.flags.includes("outlasts_interval")) prev.flags.push("outlasts_interval");
          if (!cur.shadow) overlaps++;
          outlasts = true;
        }
      }
      for (const d of counted) d.flags.sort();
    }
    const end = cooldowns.get(name) ?? null;
    return {
      job_name: name,
      enabled: f?.enabled ?? true,
      p95_duration_seconds: f?.p95_seconds ?? null,
      p95_sample_size: f?.p95_sample_size ?? 0,
      cooldown_ends_at: end ? end.toISOString() : null,
      fires: fires.filter((d) => !d.shadow).length,
      overlaps,
      outlasts_interval: outlasts,
    };
  });
}

const HOUR = 3_600_000;
/** The local reading of instant `t` under offset `off` (the old one gives 02:00, not 03:00). */
const wallOf = (t: number, off: number) => new Date(t + off * 60_000).toISOString().slice(0, 16);

/**
 * The offset changes of `zone` in [from, to): probed hourly (zones change offset at most a few
 * times a year and never twice within an hour), each narrowed to the minute.
 */
export function dstChanges(zone: string, from: Date, to: Date): DstChange[] {
  const out: DstChange[] = [];
  const end = to.getTime();
  let t = from.getTime();
  let off = offsetMinutes(new Date(t), zone);
  while (t < end) {
    const next = Math.min(t + HOUR, end);
    const nextOff = offsetMinutes(new Date(next), zone);
    if (nextOff !== off) {
      // The change lies in (t, next]; offsets change on whole minutes: search those.
      let lo = Math.floor(t / 60_000);
      let hi = Math.ceil(next / 60_000);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMinutes(new Date(mid * 60_000), zone) === off) lo = mid;
        else hi = mid;
      }
      const at = hi * 60_000;
      out.push({
        timezone: zone,
        at: new Date(at).toISOString(),
        kind: nextOff > off ? "gap" : "repeat",
        offset_before_minutes: off,
        offset_after_minutes: nextOff,
        // The reading the old offset would give at the change (02:00 in New York in March).
        wall_before: wallOf(at, off),
        wall_after: wallOf(at, nextOff),
      });
      off = nextOff;
    }
    t = next;
  }
  return out;
}
