// The next fire instants of a parsed expression in its IANA time zone, EventBridge's way: DST gaps
// skipped, repeated local times fired once, rate() counted from its anchor, within 1970-2199.
// Apart from parsing so that validating an expression never loads the search.
import { isValidTimeZone, offsetMinutes, wallClock } from "#domain/time.ts";
import { cronFor } from "./cron-compiler.ts";
import {
  HORIZON_MS,
  RATE_HORIZON_MS,
  RATE_MAX_SECONDS,
  SEARCH_START,
  YEAR_MAX,
  YEAR_MIN,
} from "./expression-bounds.ts";
import { compiledOf, type ParsedExpression } from "./schedule-expression.ts";

export type FireOptions = {
  timezone: string;
  from: Date;
  count: number;
  startDate?: Date | null;
  endDate?: Date | null;
  /** Where a `rate()` counts from: the schedule's start_date, else its creation time. */
  anchor?: Date | null;
};

/**
 * The next `count` fire instants strictly after `from` (fewer if the schedule ends), all within
 * EventBridge's years (1970-2199), so every one is a valid Date. An invalid Date among the inputs
 * (`from`, `startDate`, `endDate`, `anchor`) gives no fire at all rather than invalid ones.
 */
export function nextFireTimes(expr: ParsedExpression, opts: FireOptions): Date[] {
  const { timezone, from } = opts;
  if (!isValidTimeZone(timezone)) throw new RangeError(`unknown time zone '${timezone}'`);
  const count = Number.isFinite(opts.count) ? Math.max(0, Math.floor(opts.count)) : 0;
  const invalid = (d: Date | null | undefined) => d != null && Number.isNaN(d.getTime());
  if (
    count === 0 ||
    invalid(from) ||
    invalid(opts.startDate) ||
    invalid(opts.endDate) ||
    invalid(opts.anchor)
  )
    return [];
  const start = opts.startDate?.getTime() ?? Number.NEGATIVE_INFINITY;
  // Bounded by the horizon, so that every instant up to `end` is a valid Date.
  const end = Math.min(opts.endDate?.getTime() ?? Number.POSITIVE_INFINITY, HORIZON_MS);

  if (expr.kind === "at") {
    // EventBridge ignores StartDate and EndDate for one-time schedules (CreateSchedule API reference),
    // so they do not bound at() here either.
    const t = instantOfLocal(expr.local, timezone);
    return t !== null && t.getTime() > from.getTime() && t.getTime() <= HORIZON_MS ? [t] : [];
  }

  if (expr.kind === "rate") {
    const step = expr.seconds * 1000;
    if (!(step > 0) || step > RATE_MAX_SECONDS * 1000) return []; // not from parseRate: never evaluable
    const anchor = (opts.anchor ?? opts.startDate ?? from).getTime();
    // Nothing fires before 1970, however early the anchor or `from`.
    const lowest = Math.max(from.getTime() + 1, start, Date.UTC(YEAR_MIN, 0, 1));
    let k = lowest <= anchor ? 0 : Math.ceil((lowest - anchor) / step);
    const out: Date[] = [];
    while (out.length < count) {
      const t = anchor + k * step;
      if (!(t <= end && t <= RATE_HORIZON_MS)) break;
      out.push(new Date(t));
      k++;
    }
    return out;
  }

  const c = compiledOf(expr);
  if (c.never) return [];
  const cron = cronFor(c.pattern, timezone);
  const out: Date[] = [];
  // croner's next run is strictly after the cursor; a fire exactly at startDate is allowed. The
  // cursor starts no earlier than the eve of 1970: croner's own years begin long before EventBridge's.
  let cursor = new Date(Math.max(from.getTime(), start - 1, SEARCH_START));
  // Each skipped candidate is a DST artefact; a day has at most 60 × 24 of them.
  let budget = count + 2000;
  while (out.length < count && budget-- > 0) {
    const next = cron.nextRun(cursor);
    if (!next || next.getTime() > end) break;
    const w = wallClock(next, timezone);
    if (w.year > YEAR_MAX) break;
    cursor = next;
    if (w.year < YEAR_MIN) continue; // the eve of 1970 in this zone
    // croner moves a local time that does not exist (spring forward) to the first time after the
    // gap; EventBridge skips it. Such an instant's wall clock does not match the pattern.
    if (!c.minutes[w.minute] || !c.hours[w.hour]) continue;
    // A repeated local time (fall back) fires once, at its first occurrence.
    if (isSecondOccurrence(next, timezone)) continue;
    out.push(next);
  }
  return out;
}

/** True when the same local wall-clock time already happened earlier (DST fall back). */
function isSecondOccurrence(t: Date, timezone: string): boolean {
  const ms = t.getTime();
  const off = offsetMinutes(t, timezone);
  const w = wallClock(t, timezone);
  const localAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  for (const back of [3_600_000, 3 * 3_600_000, 25 * 3_600_000]) {
    const earlierOff = offsetMinutes(new Date(ms - back), timezone);
    if (earlierOff <= off) continue;
    const candidate = new Date(localAsUtc - earlierOff * 60_000);
    if (candidate.getTime() >= ms) continue;
    const cw = wallClock(candidate, timezone);
    if (cw.day === w.day && cw.hour === w.hour && cw.minute === w.minute && cw.second === w.second)
      return true;
  }
  return false;
}

/**
 * The instant of a local `yyyy-mm-ddThh:mm:ss` in `timezone`: the first occurrence when the time
 * repeats (fall back); null when it does not exist (spring forward). EventBridge documents skipping
 * such times for cron schedules only; for at() nothing is documented, so we skip it the same way.
 */
function instantOfLocal(local: string, timezone: string): Date | null {
  const [y, mo, d, h, mi, s] = (local.match(/\d+/g) ?? []).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const offsets = new Set<number>();
  for (const probe of [-36, -12, 0, 12, 36])
    offsets.add(offsetMinutes(new Date(asUtc + probe * 3_600_000), timezone));
  const hits: number[] = [];
  for (const off of offsets) {
    const t = asUtc - off * 60_000;
    const w = wallClock(new Date(t), timezone);
    if (w.year === y && w.month === mo && w.day === d && w.hour === h && w.minute === mi && w.second === s) {
      hits.push(t);
    }
  }
  if (hits.length === 0) return null;
  return new Date(Math.min(...hits));
}
