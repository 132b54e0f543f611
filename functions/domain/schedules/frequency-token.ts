// The short token in generated schedule names ("daily_1130", "every_30min"): a reading of the
// parsed expression for naming only, kept apart from parsing and from the wording for people.
import { DAY_BY_NUMBER, dayList, dayNumber, pad2, plainNumbers, specOf } from "./cron-fields.ts";
import { compiledOf, type ParsedExpression } from "./schedule-expression.ts";

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
