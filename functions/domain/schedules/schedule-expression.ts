// EventBridge Scheduler schedule expressions (spec/model.md "Schedule", spec/api.md
// `POST /v1/schedules/preview`): parse and validate `cron(...)`, `rate(...)`, `at(...)`, compute the
// next fire instants in the schedule's IANA time zone, describe them for people and derive a short
// token for generated schedule names.
//
// Semantics follow the EventBridge Scheduler user guide ("Schedule types", "Cron expressions
// reference"), not croner: croner only evaluates a translated pattern (spec/toolchain.md "Schedule
// expressions"). Domain code: no AWS SDK here.
import { Cron } from "croner";
import { isValidTimeZone, offsetMinutes, wallClock } from "#domain/time.ts";

export type CronFields = {
  minutes: string;
  hours: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year: string;
};

export type RateUnit = "minute" | "minutes" | "hour" | "hours" | "day" | "days";

export type ParsedExpression =
  /** `expression` is normalized, e.g. "cron(0 11 * * ? *)"; names are upper case. */
  | { kind: "cron"; expression: string; fields: CronFields }
  /** `seconds` is one step in real seconds (`rate(n days)` is n × 24 hours, not calendar days). */
  | { kind: "rate"; expression: string; value: number; unit: RateUnit; seconds: number }
  /** `local` is the wall-clock time in the schedule's time zone, e.g. "2025-11-02T01:30:00". */
  | { kind: "at"; expression: string; local: string };

/**
 * `normalizedFrom` is the (trimmed) input when it differs from `value.expression`, e.g. a 5-field
 * Unix cron converted to `cron(...)`, or `CRON(0 18 ? * mon-fri *)` → `cron(0 18 ? * MON-FRI *)`.
 */
export type ParseResult =
  | { ok: true; value: ParsedExpression; normalizedFrom?: string }
  | { ok: false; message: string };

export type FireOptions = {
  timezone: string;
  from: Date;
  count: number;
  startDate?: Date | null;
  endDate?: Date | null;
  /** Where a `rate()` counts from: the schedule's start_date, else its creation time. */
  anchor?: Date | null;
};

// ---------------------------------------------------------------------------------------------
// Field grammar

type FieldKey = keyof CronFields;

interface FieldSpec {
  key: FieldKey;
  label: string;
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MONTH_NAMES: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};

/** EventBridge numbering: 1 = SUN … 7 = SAT. */
const DAY_NAMES: Record<string, number> = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };
const DAY_BY_NUMBER = ["", "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

const SPECS: readonly FieldSpec[] = [
  { key: "minutes", label: "minutes", min: 0, max: 59 },
  { key: "hours", label: "hours", min: 0, max: 23 },
  { key: "dayOfMonth", label: "day-of-month", min: 1, max: 31 },
  { key: "month", label: "month", min: 1, max: 12, names: MONTH_NAMES },
  { key: "dayOfWeek", label: "day-of-week", min: 1, max: 7, names: DAY_NAMES },
  { key: "year", label: "year", min: 1970, max: 2199 },
];

/** EventBridge's years (cron year field, "Cron expressions reference"); at() and rate() keep to them too. */
export const YEAR_MIN = 1970;
export const YEAR_MAX = 2199;

class ExpressionError extends Error {}

const fail = (message: string): never => {
  throw new ExpressionError(message);
};

/** A field checked against EventBridge's rules and translated for croner. */
export interface CompiledField {
  /** As it goes into the normalized expression (names upper case). */
  normalized: string;
  /** As croner reads it. */
  croner: string;
  /** Plain values the field allows (index = value); for L/W/# forms, an empty set. */
  values: boolean[];
  /** True when the field is `*` (or `?`). */
  any: boolean;
}

function parseValue(token: string, spec: FieldSpec, item: string): number {
  let n: number | undefined;
  if (/^\d+$/.test(token)) n = Number(token);
  else if (spec.names) n = spec.names[token];
  if (n === undefined) {
    const hint = spec.names ? ` (use ${spec.min}-${spec.max} or ${Object.keys(spec.names).join(", ")})` : "";
    return fail(`${spec.label}: '${token}' in '${item}' is not a valid value${hint}`);
  }
  if (n < spec.min || n > spec.max) fail(`${spec.label}: ${n} is out of range ${spec.min}-${spec.max}`);
  return n;
}

/**
 * One list item of the plain grammar: `*`, `*\/s`, `a`, `a-b`, `a/s`, `a-b/s`. Returns the values
 * and the croner form: `a/s` becomes `a-max/s` and `*\/s` becomes `min-max/s` (croner rejects the
 * first and would count the second from its own minimum, e.g. year 1).
 */
function plainItem(
  item: string,
  spec: FieldSpec,
  shift = 0,
  allowStep = true,
): { values: number[]; croner: string } {
  const m = /^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:\/(\d+))?$/.exec(item);
  if (!m) return fail(`${spec.label}: '${item}' is not valid`);
  const [, range = "", stepText] = m;
  if (stepText !== undefined && !allowStep) {
    fail(`${spec.label}: '/' (increments) is not allowed in ${spec.label} ('${item}')`);
  }
  const step = stepText === undefined ? 1 : Number(stepText);
  const size = spec.max - spec.min + 1;
  if (step < 1 || step > size)
    fail(`${spec.label}: step ${stepText} in '${item}' must be between 1 and ${size}`);
  let lo: number;
  let hi: number;
  if (range === "*") {
    lo = spec.min;
    hi = spec.max;
  } else {
    const [a = "", b] = range.split("-");
    lo = parseValue(a, spec, item);
    hi = b === undefined ? (stepText === undefined ? lo : spec.max) : parseValue(b, spec, item);
    if (hi < lo) fail(`${spec.label}: range '${item}' must go from low to high`);
  }
  const values: number[] = [];
  for (let v = lo; v <= hi; v += step) values.push(v);
  let croner: string;
  if (range === "*" && stepText === undefined) croner = "*";
  else if (lo === hi && stepText === undefined) croner = String(lo + shift);
  else croner = `${lo + shift}-${hi + shift}${stepText === undefined ? "" : `/${step}`}`;
  return { values, croner };
}

/** L, LW, nW in day-of-month; L, nL, n#k in day-of-week. */
function isSpecialDay(item: string, key: FieldKey): boolean {
  if (key === "dayOfMonth") return /[LW]/.test(item);
  if (key === "dayOfWeek") return item.endsWith("L") || item.includes("#"); // no day name ends in L
  return false;
}

function compileField(raw: string, spec: FieldSpec): CompiledField {
  const text = raw.toUpperCase();
  const values: boolean[] = [];
  if (text === "?") {
    if (spec.key !== "dayOfMonth" && spec.key !== "dayOfWeek") {
      fail(`${spec.label}: '?' is only allowed in day-of-month or day-of-week`);
    }
    for (let v = spec.min; v <= spec.max; v++) values[v] = true;
    return { normalized: "?", croner: "*", values, any: true };
  }
  if (spec.key === "dayOfMonth") {
    if (text === "L" || text === "LW") return { normalized: text, croner: text, values, any: false };
    const w = /^(\d+)W$/.exec(text);
    if (w) {
      const day = parseValue(w[1] ?? "", spec, text);
      return { normalized: text, croner: `${day}W`, values, any: false };
    }
  }
  if (spec.key === "dayOfWeek") {
    if (text === "L") return { normalized: "L", croner: "6", values: dayValues([7]), any: false }; // L alone = SAT
    const last = /^([A-Z0-9]+)L$/.exec(text);
    if (last) {
      const day = parseValue(last[1] ?? "", spec, text);
      return { normalized: text, croner: `${day - 1}#L`, values, any: false };
    }
    const nth = /^([A-Z0-9]+)#(\d+)$/.exec(text);
    if (nth) {
      const day = parseValue(nth[1] ?? "", spec, text);
      const k = Number(nth[2]);
      if (k < 1 || k > 5) fail(`${spec.label}: occurrence ${k} in '${text}' is out of range 1-5`);
      return { normalized: text, croner: `${day - 1}#${k}`, values, any: false };
    }
  }
  const items = text.split(",");
  const croner: string[] = [];
  for (const item of items) {
    if (item === "") fail(`${spec.label}: empty item in list '${raw}'`);
    if (item === "?") fail(`${spec.label}: '?' must be the whole field, not part of a list`);
    if (isSpecialDay(item, spec.key)) {
      if (items.length > 1) fail(`${spec.label}: '${item}' must be used alone, not in a list ('${raw}')`);
      fail(`${spec.label}: '${item}' is not valid`);
    }
    // croner's day-of-week is 0 (SUN) … 6 (SAT); EventBridge's is 1 … 7 and has no increments.
    const dow = spec.key === "dayOfWeek";
    const p = plainItem(item, spec, dow ? -1 : 0, !dow);
    for (const v of p.values) values[v] = true;
    croner.push(p.croner);
  }
  return { normalized: text, croner: croner.join(","), values, any: text === "*" };
}

function dayValues(days: number[]): boolean[] {
  const out: boolean[] = [];
  for (const d of days) out[d] = true;
  return out;
}

// ---------------------------------------------------------------------------------------------
// cron()

export interface CompiledCron {
  fields: CronFields;
  expression: string;
  pattern: string;
  minutes: boolean[];
  hours: boolean[];
  compiled: Record<FieldKey, CompiledField>;
  /** Statically known never to fire (e.g. day 31 in February only). */
  never: boolean;
}

const compiledCache = new Map<string, CompiledCron>();

function compileCron(parts: string[]): CompiledCron {
  if (parts.length !== 6) {
    if (parts.length === 5) {
      fail(
        "cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got 5: add the year, e.g. " +
          `cron(${parts.join(" ")} *)`,
      );
    }
    if (parts.length === 7) {
      fail(
        "cron() has 7 fields: EventBridge has no seconds field (minutes hours day-of-month month day-of-week year)",
      );
    }
    fail(`cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`);
  }
  const compiled = {} as Record<FieldKey, CompiledField>;
  SPECS.forEach((spec, i) => {
    compiled[spec.key] = compileField(parts[i] ?? "", spec);
  });
  const dom = compiled.dayOfMonth.normalized;
  const dow = compiled.dayOfWeek.normalized;
  if (dom === "?" && dow === "?") {
    fail("day-of-month and day-of-week cannot both be '?': use '?' in exactly one of them");
  }
  if (dom !== "?" && dow !== "?") {
    fail(
      `exactly one of day-of-month and day-of-week must be '?' (EventBridge cannot combine them): ` +
        `day-of-month is '${dom}', day-of-week is '${dow}'`,
    );
  }
  const fields: CronFields = {
    minutes: compiled.minutes.normalized,
    hours: compiled.hours.normalized,
    dayOfMonth: dom,
    month: compiled.month.normalized,
    dayOfWeek: dow,
    year: compiled.year.normalized,
  };
  const expression = `cron(${Object.values(fields).join(" ")})`;
  const c = compiled;
  const pattern = `0 ${c.minutes.croner} ${c.hours.croner} ${c.dayOfMonth.croner} ${c.month.croner} ${c.dayOfWeek.croner} ${c.year.croner}`;
  return {
    fields,
    expression,
    pattern,
    minutes: c.minutes.values,
    hours: c.hours.values,
    compiled,
    never: neverFires(c),
  };
}

const MAX_DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Plain days of month that exist in none of the allowed months (e.g. `cron(0 0 31 2 ? *)`). */
function neverFires(c: Record<FieldKey, CompiledField>): boolean {
  const dom = c.dayOfMonth;
  if (dom.any || dom.normalized === "?" || /[LW]/.test(dom.normalized)) return false;
  for (let m = 1; m <= 12; m++) {
    if (!c.month.values[m]) continue;
    for (let d = 1; d <= (MAX_DAYS[m] ?? 31); d++) if (dom.values[d]) return false;
  }
  return true;
}

function cronFromFields(parts: string[]): CompiledCron {
  const key = parts.join(" ").toUpperCase();
  const hit = compiledCache.get(key);
  if (hit) return hit;
  const compiled = compileCron(parts);
  try {
    // croner must accept the translation too; anything it rejects we cannot evaluate.
    new Cron(compiled.pattern, cronOptions("UTC"));
  } catch (err) {
    fail(`${compiled.expression} is not supported: ${(err as Error).message}`);
  }
  if (compiledCache.size > 500) compiledCache.clear();
  compiledCache.set(key, compiled);
  return compiled;
}

/** Far enough for every year EventBridge accepts (1970-2199) in every time zone. */
const SEARCH_STOP = new Date(Date.UTC(YEAR_MAX + 1, 0, 2));
/** Before local 1970-01-01 00:00 in every time zone (UTC+14 is the furthest ahead). */
const SEARCH_START = Date.UTC(YEAR_MIN - 1, 11, 31, 0, 0, 0);
/** No fire of any kind lies after this instant (the end of 2199 in every time zone). */
const HORIZON_MS = SEARCH_STOP.getTime();
/** A rate() has no wall clock of its own: its fires end with 2199 in UTC. */
const RATE_HORIZON_MS = Date.UTC(YEAR_MAX + 1, 0, 1) - 1;

function cronOptions(timezone: string) {
  return {
    paused: true,
    timezone,
    mode: "7-part" as const,
    // Exactly one of the day fields is '?' → '*', so AND and OR agree; AND says what we mean.
    domAndDow: true,
    stopAt: SEARCH_STOP,
  };
}

const cronCache = new Map<string, Cron>();

function cronFor(pattern: string, timezone: string): Cron {
  const key = `${timezone} ${pattern}`;
  let c = cronCache.get(key);
  if (!c) {
    if (cronCache.size > 500) cronCache.clear();
    c = new Cron(pattern, cronOptions(timezone));
    cronCache.set(key, c);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// 5-field Unix cron → cron()

const UNIX_DAY_NAMES: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };

/** Unix day-of-week (0-7, 0 and 7 = SUN, names) → EventBridge (1-7). */
function unixDayOfWeek(raw: string): string {
  const text = raw.toUpperCase();
  const spec: FieldSpec = { key: "dayOfWeek", label: "day-of-week", min: 0, max: 7, names: UNIX_DAY_NAMES };
  const out: string[] = [];
  const push = (s: string) => {
    if (!out.includes(s)) out.push(s);
  };
  const eb = (n: number) => String(n === 7 ? 1 : n + 1);
  for (const item of text.split(",")) {
    if (item === "") fail(`day-of-week: empty item in list '${raw}'`);
    if (/[L#?W]/.test(item)) {
      fail(
        `day-of-week: '${item}' is not Unix cron syntax; write it as cron(minutes hours ? month day-of-week year)`,
      );
    }
    const m = /^(\*|[A-Z0-9]+(?:-[A-Z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return fail(`day-of-week: '${item}' is not valid`);
    const [, range = "", stepText] = m;
    if (/^[A-Z]{3}(-[A-Z]{3})?$/.test(range) && stepText === undefined) {
      const [a = "", b] = range.split("-");
      const lo = parseValue(a, spec, item);
      if (b !== undefined && parseValue(b, spec, item) < lo) {
        fail(`day-of-week: range '${item}' must go from low to high`);
      }
      push(range); // names mean the same in both dialects
      continue;
    }
    if (range !== "*" && stepText === undefined) {
      const [a = "", b] = range.split("-");
      const lo = parseValue(a, spec, item);
      const hi = b === undefined ? lo : parseValue(b, spec, item);
      if (hi < lo) fail(`day-of-week: range '${item}' must go from low to high`);
      if (lo === hi) push(eb(lo));
      else if (hi < 7) push(`${lo + 1}-${hi + 1}`);
      else if (lo === 0) push("1-7");
      else {
        push(`${lo + 1}-7`); // ... SAT, then SUN (7)
        push("1");
      }
      continue;
    }
    // Steps: list the days.
    for (const v of plainItem(item, spec).values) push(eb(v));
  }
  return out.join(",");
}

/** `*\/n` → `min/n`, the form the EventBridge docs use (`0/15`, `1/2`). */
const documentedStep = (field: string, min: number) =>
  field
    .split(",")
    .map((item) => item.replace(/^\*\//, `${min}/`))
    .join(",");

function fromUnixCron(parts: string[]): string[] {
  const [rawMinutes = "", rawHours = "", rawDom = "", rawMonth = "", dow = ""] = parts;
  const minutes = documentedStep(rawMinutes, 0);
  const hours = documentedStep(rawHours, 0);
  const dom = documentedStep(rawDom, 1);
  const month = documentedStep(rawMonth, 1);
  const domAny = dom === "*" || dom === "?";
  const dowAny = dow === "*" || dow === "?";
  if (!domAny && !dowAny) {
    fail(
      `EventBridge cannot combine day-of-month and day-of-week ('${dom}' and '${dow}'): ` +
        "a Unix cron with both fires on either; keep one of them '*'",
    );
  }
  if (dowAny) return [minutes, hours, domAny ? "*" : dom, month, "?", "*"];
  return [minutes, hours, "?", month, unixDayOfWeek(dow), "*"];
}

// ---------------------------------------------------------------------------------------------
// rate() and at()

const UNIT_SECONDS: Record<RateUnit, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86400,
  days: 86400,
};

/**
 * The longest step a rate() may have, in seconds: EventBridge documents no maximum value, but a
 * step longer than its whole range of years (1970-2199) can never fire twice, and beyond it the
 * fire times stop being representable (`rate(9999999999 days)` is past the end of JavaScript dates).
 */
const RATE_MAX_SECONDS = (RATE_HORIZON_MS + 1 - Date.UTC(YEAR_MIN, 0, 1)) / 1000;

function parseRate(inner: string): ParsedExpression {
  const m = /^(\S+)\s+(\S+)$/.exec(inner.trim());
  if (!m) return fail(`rate() needs a value and a unit, e.g. rate(5 minutes); got 'rate(${inner})'`);
  const [, valueText = "", unitText = ""] = m;
  if (!/^\d+$/.test(valueText)) fail(`rate value must be a positive integer; got '${valueText}'`);
  const value = Number(valueText);
  if (value < 1) fail(`rate value must be at least 1; got ${value}`);
  const unit = unitText.toLowerCase();
  if (!(unit in UNIT_SECONDS)) {
    fail(`rate unit must be minute(s), hour(s) or day(s); got '${unitText}'`);
  }
  const unitSeconds = UNIT_SECONDS[unit as RateUnit];
  const max = Math.floor(RATE_MAX_SECONDS / unitSeconds);
  if (value > max) {
    const plural = unit.endsWith("s") ? unit : `${unit}s`;
    fail(
      `rate value ${valueText} is too large: a rate() step may be at most ${max} ${plural} ` +
        `(EventBridge's whole range of years, ${YEAR_MIN}-${YEAR_MAX})`,
    );
  }
  const singular = !unit.endsWith("s");
  if (value === 1 && !singular)
    fail(`rate(1 ${unit}): use the singular unit with 1, e.g. rate(1 ${unit.slice(0, -1)})`);
  if (value !== 1 && singular)
    fail(`rate(${value} ${unit}): use the plural unit, e.g. rate(${value} ${unit}s)`);
  const u = unit as RateUnit;
  return {
    kind: "rate",
    expression: `rate(${value} ${u})`,
    value,
    unit: u,
    seconds: value * UNIT_SECONDS[u],
  };
}

function parseAt(inner: string): ParsedExpression {
  const text = inner.trim().toUpperCase();
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return fail(`at() needs a local date and time yyyy-mm-ddThh:mm:ss; got 'at(${inner.trim()})'`);
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < YEAR_MIN || year > YEAR_MAX)
    fail(`at(): year ${m[1]} is out of range ${YEAR_MIN}-${YEAR_MAX} (EventBridge's years)`);
  if (month < 1 || month > 12) fail(`at(): month ${month} is out of range 1-12`);
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) fail(`at(): day ${day} is out of range 1-${days} for ${m[1]}-${m[2]}`);
  if (hour > 23) fail(`at(): hour ${hour} is out of range 0-23`);
  if (minute > 59) fail(`at(): minute ${minute} is out of range 0-59`);
  if (second > 59) fail(`at(): second ${second} is out of range 0-59`);
  return { kind: "at", expression: `at(${text})`, local: text };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---------------------------------------------------------------------------------------------
// parse

/** Parse and validate an EventBridge Scheduler expression (or a 5-field Unix cron, normalized). */
export function parseScheduleExpression(input: string): ParseResult {
  try {
    const { value, converted } = parse(input);
    const trimmed = typeof input === "string" ? input.trim() : "";
    return converted || value.expression !== trimmed
      ? { ok: true, value, normalizedFrom: trimmed }
      : { ok: true, value };
  } catch (err) {
    if (err instanceof ExpressionError) return { ok: false, message: err.message };
    throw err;
  }
}

function parse(input: string): { value: ParsedExpression; converted: boolean } {
  if (typeof input !== "string") return fail("schedule expression must be a string");
  const text = input.trim();
  if (text === "") fail("schedule expression is empty");
  const wrapped = /^([a-z]+)\s*\(([\s\S]*)\)$/i.exec(text);
  if (wrapped) {
    const kind = (wrapped[1] ?? "").toLowerCase();
    const inner = (wrapped[2] ?? "").trim();
    if (kind === "cron") {
      const c = cronFromFields(inner === "" ? [] : inner.split(/\s+/));
      return { value: { kind: "cron", expression: c.expression, fields: c.fields }, converted: false };
    }
    if (kind === "rate") return { value: parseRate(inner), converted: false };
    if (kind === "at") return { value: parseAt(inner), converted: false };
    return fail(`unknown schedule type '${wrapped[1]}(...)': use cron(...), rate(...) or at(...)`);
  }
  const parts = text.split(/\s+/);
  if (parts.length === 5 && parts.every((p) => /^[A-Za-z0-9*?,/#-]+$/.test(p))) {
    const c = cronFromFields(fromUnixCron(parts));
    return { value: { kind: "cron", expression: c.expression, fields: c.fields }, converted: true };
  }
  if (parts.length === 6 && parts.every((p) => /^[A-Za-z0-9*?,/#-]+$/.test(p))) {
    fail(
      "a bare 6-field cron is ambiguous (seconds first, or EventBridge fields?): write " +
        "cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 10 * * ? *)",
    );
  }
  if (parts.length === 7 && parts.every((p) => /^[A-Za-z0-9*?,/#-]+$/.test(p))) {
    fail(
      "a 7-field cron with seconds is not supported: EventBridge has no seconds field; write " +
        "cron(minutes hours day-of-month month day-of-week year)",
    );
  }
  return fail(
    `'${text}' is not a schedule expression: use cron(minutes hours day-of-month month day-of-week year), ` +
      "rate(value unit), at(yyyy-mm-ddThh:mm:ss) or a 5-field Unix cron",
  );
}

export function compiledOf(expr: Extract<ParsedExpression, { kind: "cron" }>): CompiledCron {
  const f = expr.fields;
  return cronFromFields([f.minutes, f.hours, f.dayOfMonth, f.month, f.dayOfWeek, f.year]);
}

// ---------------------------------------------------------------------------------------------
// Fire times

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

// ---------------------------------------------------------------------------------------------
// Helpers shared with the descriptions (schedule-description.ts)

export const pad2 = (n: number) => String(n).padStart(2, "0");

/** The values of a field that is one plain value or a list of them (`5`, `1,15`, `MON`), else null. */
export function plainNumbers(field: CompiledField, spec: FieldSpec): number[] | null {
  const items = field.normalized.split(",");
  if (!items.every((i) => /^\d+$/.test(i) || spec.names?.[i] !== undefined)) return null;
  const out: number[] = [];
  for (let v = spec.min; v <= spec.max; v++) if (field.values[v]) out.push(v);
  return out;
}

export const specOf = (key: FieldKey) => SPECS.find((s) => s.key === key) as FieldSpec;

export function dayNumber(token: string): number {
  return /^\d+$/.test(token) ? Number(token) : (DAY_NAMES[token] ?? 0);
}

/** The plain days of a day-of-week field (1-7), or null for L / NL / N#k. */
export function dayList(field: CompiledField): number[] | null {
  if (/[L#]/.test(field.normalized)) return null;
  const out: number[] = [];
  for (let d = 1; d <= 7; d++) if (field.values[d]) out.push(d);
  return out.length > 0 ? out : null;
}

// ---------------------------------------------------------------------------------------------
// Name token

/**
 * A short token for generated schedule names: "daily_1130", "weekdays_0900", "weekly_mon_0900",
 * "monthly_1_0600", "monthly_last_0600", "yearly_0229_0000", "hourly_15", "every_30min",
 * "every_2h", "every_7d", "once_20251102", else "cron".
 */
export function frequencyToken(expr: ParsedExpression): string {
  if (expr.kind === "at") return `once_${expr.local.slice(0, 10).replaceAll("-", "")}`;
  if (expr.kind === "rate") {
    const suffix = { minute: "min", hour: "h", day: "d" }[
      expr.unit.replace(/s$/, "") as "minute" | "hour" | "day"
    ];
    return `every_${expr.value}${suffix}`;
  }
  const c = compiledOf(expr);
  const f = c.fields;
  if (f.year !== "*") return "cron";
  const everyDay = f.dayOfMonth === "*" && f.month === "*";
  const minutes = plainNumbers(c.compiled.minutes, specOf("minutes"));
  const hours = plainNumbers(c.compiled.hours, specOf("hours"));
  const m0 = minutes?.length === 1 ? minutes[0] : undefined;
  const h0 = hours?.length === 1 ? hours[0] : undefined;
  if (everyDay && f.hours === "*") {
    if (m0 !== undefined) return `hourly_${pad2(m0)}`;
    const step = /^(?:\*|0)\/(\d+)$/.exec(f.minutes);
    if (f.minutes === "*") return "every_1min";
    if (step && 60 % Number(step[1]) === 0) return `every_${step[1]}min`;
    return "cron";
  }
  if (everyDay && m0 !== undefined) {
    const step = /^(?:\*|0)\/(\d+)$/.exec(f.hours);
    if (step && 24 % Number(step[1]) === 0) return `every_${step[1]}h`;
  }
  if (m0 === undefined || h0 === undefined) return "cron";
  const hhmm = `${pad2(h0)}${pad2(m0)}`;
  if (everyDay) return `daily_${hhmm}`;
  const days = plainNumbers(c.compiled.dayOfMonth, specOf("dayOfMonth"));
  const months = plainNumbers(c.compiled.month, specOf("month"));
  if (f.month === "*") {
    if (days?.length === 1) return `monthly_${days[0]}_${hhmm}`;
    if (f.dayOfMonth === "L") return `monthly_last_${hhmm}`;
    if (f.dayOfMonth === "LW") return `monthly_lastweekday_${hhmm}`;
    const weekdays = f.dayOfWeek === "?" ? null : dayList(c.compiled.dayOfWeek);
    if (weekdays?.join(",") === "2,3,4,5,6") return `weekdays_${hhmm}`;
    if (weekdays?.join(",") === "1,7") return `weekends_${hhmm}`;
    if (weekdays) return `weekly_${weekdays.map((d) => DAY_BY_NUMBER[d]?.toLowerCase()).join("_")}_${hhmm}`;
    const last = /^([A-Z0-9]+)L$/.exec(f.dayOfWeek);
    if (last) return `monthly_last_${DAY_BY_NUMBER[dayNumber(last[1] ?? "")]?.toLowerCase()}_${hhmm}`;
    const nth = /^([A-Z0-9]+)#(\d)$/.exec(f.dayOfWeek);
    if (nth)
      return `monthly_${nth[2]}${ordinal(Number(nth[2]))}_${DAY_BY_NUMBER[dayNumber(nth[1] ?? "")]?.toLowerCase()}_${hhmm}`;
    return "cron";
  }
  if (months?.length === 1 && days?.length === 1)
    return `yearly_${pad2(months[0] ?? 0)}${pad2(days[0] ?? 0)}_${hhmm}`;
  return "cron";
}

function ordinal(n: number): string {
  return n === 1 ? "st" : n === 2 ? "nd" : n === 3 ? "rd" : "th";
}
