// 5-field Unix cron → EventBridge cron(): the one dialect parseScheduleExpression accepts and
// normalizes (Unix day-of-week numbering, `*/n` steps, either-day semantics refused).
import { type FieldSpec, parseValue, plainItem } from "./cron-fields.ts";
import { fail } from "./expression-error.ts";

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

export function fromUnixCron(parts: string[]): string[] {
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
