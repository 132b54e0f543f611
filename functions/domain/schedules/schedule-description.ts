// Human descriptions of schedule expressions in Japanese and English ("毎日 11:30 JST").
// Kept apart from the expression engine so that only the functions that describe schedules load
// cronstrue (≈4 ms of a Lambda cold start).

import { isValidTimeZone } from "#domain/time.ts";
import type { CompiledCron } from "./cron-compiler.ts";
import { dayList, dayNumber, pad2, plainNumbers, specOf } from "./cron-fields.ts";
import type { cronstrue as CronstrueType } from "./cronstrue-loader.ts";
import { compiledOf, type ParsedExpression } from "./schedule-expression.ts";

let cronstrue: typeof CronstrueType | null = null;

/** Loads cronstrue once; needed only for expressions without hand-written wording. */
export async function loadCronstrue(): Promise<void> {
  cronstrue ??= (await import("./cronstrue-loader.ts")).cronstrue;
}

/** True when describing `expr` needs cronstrue (no hand-written wording in ja or en). */
export function needsCronstrue(expr: ParsedExpression, timezone: string): boolean {
  if (expr.kind !== "cron") return false;
  const c = compiledOf(expr);
  const zone = shortZoneName(timezone) ?? `(${timezone})`;
  return !(handWritten(c, "ja", zone) && handWritten(c, "en", zone));
}

/** Call before describing: loads cronstrue only if one of the expressions needs it. */
export async function prepareDescriptions(
  items: Array<{ expr: ParsedExpression; timezone: string }>,
): Promise<void> {
  if (!cronstrue && items.some((i) => isValidTimeZone(i.timezone) && needsCronstrue(i.expr, i.timezone))) {
    await loadCronstrue();
  }
}

/** "Every N minutes" / "every N hours" patterns: the most common schedules after daily ones. */
function describeStep(c: CompiledCron, locale: "ja" | "en", zone: string): string | null {
  const f = c.fields;
  const anyDay =
    (f.dayOfMonth === "*" || f.dayOfMonth === "?") && (f.dayOfWeek === "*" || f.dayOfWeek === "?");
  if (!anyDay || f.month !== "*" || f.year !== "*") return null;
  const step = (field: string) => /^(?:0|\*)\/(\d+)$/.exec(field)?.[1];
  const everyMinutes = step(f.minutes);
  if (everyMinutes && f.hours === "*") {
    return locale === "ja" ? `${everyMinutes} 分ごと ${zone}` : `Every ${everyMinutes} minutes ${zone}`;
  }
  const everyHours = step(f.hours);
  if (everyHours && /^\d+$/.test(f.minutes)) {
    const m = pad2(Number(f.minutes));
    return locale === "ja"
      ? `${everyHours} 時間ごと (毎時 ${m} 分) ${zone}`
      : `Every ${everyHours} hours at minute ${m} ${zone}`;
  }
  return null;
}

function handWritten(c: CompiledCron, locale: "ja" | "en", zone: string): string | null {
  return describeFixedTime(c, locale, zone) ?? describeStep(c, locale, zone);
}

const zoneLabels = new Map<string, string | null>();

/** A short zone name when it is the same all year ("JST", "UTC"), else null. */
function shortZoneName(timezone: string): string | null {
  if (zoneLabels.has(timezone)) return zoneLabels.get(timezone) ?? null;
  let label: string | null = null;
  for (const locale of ["ja-JP", "en-US"]) {
    const f = new Intl.DateTimeFormat(locale, { timeZone: timezone, timeZoneName: "short" });
    const name = (d: Date) => f.formatToParts(d).find((p) => p.type === "timeZoneName")?.value ?? "";
    const winter = name(new Date(Date.UTC(2025, 0, 15)));
    const summer = name(new Date(Date.UTC(2025, 6, 15)));
    if (winter === summer && /^[A-Z]{2,5}$/.test(winter)) {
      label = winter;
      break;
    }
  }
  zoneLabels.set(timezone, label);
  return label;
}

const JA_DAYS = ["", "日", "月", "火", "水", "木", "金", "土"];

/** Hand-written wording for fixed-time schedules; null to fall back to cronstrue. */
function describeFixedTime(c: CompiledCron, locale: "ja" | "en", zone: string): string | null {
  const minutes = plainNumbers(c.compiled.minutes, specOf("minutes"));
  const hours = plainNumbers(c.compiled.hours, specOf("hours"));
  if (minutes?.length !== 1 || !hours || c.fields.year !== "*") return null;
  const times = hours.map((h) => `${pad2(h)}:${pad2(minutes[0] ?? 0)}`).join(locale === "ja" ? "・" : ", ");
  const { dayOfMonth: dom, dayOfWeek: dow, month } = c.fields;
  const days = plainNumbers(c.compiled.dayOfMonth, specOf("dayOfMonth"));
  const months = plainNumbers(c.compiled.month, specOf("month"));
  const weekdays = dow === "?" ? null : dayList(c.compiled.dayOfWeek);
  const isMonFri = weekdays?.join(",") === "2,3,4,5,6";
  if (locale === "en") {
    if (month !== "*") return null;
    if (dom === "*") return `Every day at ${times} ${zone}`;
    if (isMonFri) return `Every weekday (Monday to Friday) at ${times} ${zone}`;
    return null;
  }
  let day: string | null = null;
  if (month === "*") {
    if (dom === "*") day = "毎日";
    else if (days) day = `毎月 ${days.join("・")} 日`;
    else if (dom === "L") day = "毎月末日";
    else if (dom === "LW") day = "毎月最終平日";
    else if (/^\d+W$/.test(dom)) day = `毎月 ${dom.slice(0, -1)} 日に最も近い平日`;
    else if (isMonFri) day = "平日 (月〜金)";
    else if (weekdays) day = `毎週 ${weekdays.map((d) => JA_DAYS[d]).join("・")}曜日`;
    else if (dow === "L") day = "毎週 土曜日";
    else {
      const last = /^([A-Z0-9]+)L$/.exec(dow);
      const nth = /^([A-Z0-9]+)#(\d)$/.exec(dow);
      if (last) day = `毎月最終${JA_DAYS[dayNumber(last[1] ?? "")]}曜日`;
      else if (nth) day = `毎月第 ${nth[2]} ${JA_DAYS[dayNumber(nth[1] ?? "")]}曜日`;
    }
  } else if (months && days && dom !== "?") {
    day = `毎年 ${months.join("・")} 月 ${days.join("・")} 日`;
  }
  return day === null ? null : `${day} ${times} ${zone}`;
}

function describeCron(c: CompiledCron, timezone: string, locale: "ja" | "en"): string {
  const short = shortZoneName(timezone);
  const fixed = handWritten(c, locale, short ?? `(${timezone})`);
  if (fixed) return fixed;
  const f = c.fields;
  // Not loaded (the caller did not prepare): the expression itself is still a correct description.
  if (!cronstrue)
    return `cron(${f.minutes} ${f.hours} ${f.dayOfMonth} ${f.month} ${f.dayOfWeek} ${f.year}) (${short ?? timezone})`;
  // Seconds first so that cronstrue reads the last field as the year.
  let text = cronstrue.toString(
    `0 ${f.minutes} ${f.hours} ${f.dayOfMonth} ${f.month} ${f.dayOfWeek} ${f.year}`,
    {
      locale,
      dayOfWeekStartIndexZero: false,
      use24HourTimeFormat: true,
      throwExceptionOnParseError: false,
    },
  );
  if (locale === "ja") {
    // cronstrue's ja wording for "At 09:00, …" is "次において実施09:00…".
    text = text.replace(/^次において実施(\d{2}:\d{2}(?::\d{2})?)/, "$1 に実行、").replace(/、、/g, "、");
    text = text.replace(/、$/, "");
  }
  return `${text} (${short ?? timezone})`;
}

const RATE_WORDS = {
  ja: { minute: "分", hour: "時間", day: "日" },
  en: { minute: "minute", hour: "hour", day: "day" },
} as const;

/** A human description, e.g. "毎日 11:30 JST" / "Every day at 11:30 JST", "30 分ごと". */
export function describeExpression(expr: ParsedExpression, timezone: string, locale: "ja" | "en"): string {
  if (!isValidTimeZone(timezone)) throw new RangeError(`unknown time zone '${timezone}'`);
  if (expr.kind === "rate") {
    const base = expr.unit.replace(/s$/, "") as "minute" | "hour" | "day";
    if (locale === "ja") return `${expr.value} ${RATE_WORDS.ja[base]}ごと`;
    return expr.value === 1 ? `Every ${base}` : `Every ${expr.value} ${base}s`;
  }
  const zone = shortZoneName(timezone) ?? `(${timezone})`;
  if (expr.kind === "at") {
    const [date, time = ""] = expr.local.split("T");
    const hm = time.endsWith(":00") ? time.slice(0, 5) : time;
    return locale === "ja" ? `${date} ${hm} に 1 回 ${zone}` : `Once at ${date} ${hm} ${zone}`;
  }
  return describeCron(compiledOf(expr), timezone, locale);
}
