// The cron() field grammar (spec/model.md "Schedule"): each of the six fields checked against
// EventBridge's rules and translated for croner, plus the field readers the descriptions and the
// name token share. Apart from the expression parser so that both sides read one grammar.
import { fail } from "./expression-error.ts";

export type CronFields = {
  minutes: string;
  hours: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year: string;
};

export type FieldKey = keyof CronFields;

export interface FieldSpec {
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
export const DAY_BY_NUMBER = ["", "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

export const SPECS: readonly FieldSpec[] = [
  { key: "minutes", label: "minutes", min: 0, max: 59 },
  { key: "hours", label: "hours", min: 0, max: 23 },
  { key: "dayOfMonth", label: "day-of-month", min: 1, max: 31 },
  { key: "month", label: "month", min: 1, max: 12, names: MONTH_NAMES },
  { key: "dayOfWeek", label: "day-of-week", min: 1, max: 7, names: DAY_NAMES },
  { key: "year", label: "year", min: 1970, max: 2199 },
];

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

export function parseValue(token: string, spec: FieldSpec, item: string): number {
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
export function plainItem(
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

export function compileField(raw: string, spec: FieldSpec): CompiledField {
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

// Field readers shared with the descriptions (schedule-description.ts) and the name token

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
