// A cron() expression compiled: six checked fields, the croner pattern they translate to, and the
// croner instances that evaluate it (both cached). Separate from the grammar (cron-fields.ts) and
// from the other expression kinds, which never touch croner.
import { Cron } from "croner";
import type { IssueParams } from "#schemas/issue-codes.ts";
import { type CompiledField, type CronFields, compileField, type FieldKey, SPECS } from "./cron-fields.ts";
import { SEARCH_STOP } from "./expression-bounds.ts";
import { ExpressionError, fail } from "./expression-error.ts";
import { fromUnixCron } from "./unix-cron.ts";

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

/**
 * A valid cron() near `parts` (6 fields) with exactly one day field '?' — day-of-week when it is
 * '*' or both name days, else day-of-month — or null when even that is invalid. Suggestions in
 * error messages come from here, so none of them is itself refused.
 */
export function suggestCron(parts: readonly string[]): string | null {
  if (parts.length !== 6) return null;
  const [min = "", hour = "", dom = "", month = "", dow = "", year = ""] = parts;
  let days: [string, string];
  if (dom === "?" && dow === "?") days = ["*", "?"];
  else if (dom === "?" || dow === "?") days = [dom, dow];
  else if (dow === "*" || dom !== "*") days = [dom, "?"];
  else days = ["?", dow];
  try {
    return cronFromFields([min, hour, days[0], month, days[1], year]).expression;
  } catch {
    return null;
  }
}

const withSuggestion = (s: string | null): IssueParams => (s ? { suggestion: s } : {});

function compileCron(parts: string[]): CompiledCron {
  if (parts.length !== 6) {
    if (parts.length === 5) {
      // Five fields inside cron() are a Unix cron (no year): suggest its EventBridge form.
      let suggestion: string | null = null;
      try {
        suggestion = suggestCron(fromUnixCron(parts));
      } catch {
        suggestion = suggestCron([...parts, "*"]);
      }
      fail(
        "cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got 5: add the year" +
          (suggestion ? `, e.g. ${suggestion}` : ""),
        "cron_five_fields",
        withSuggestion(suggestion),
      );
    }
    if (parts.length === 7) {
      const suggestion = suggestCron(parts.slice(1));
      fail(
        "cron() has 7 fields: EventBridge has no seconds field (minutes hours day-of-month month day-of-week year)" +
          (suggestion ? `; without the seconds: ${suggestion}` : ""),
        "cron_seven_fields",
        withSuggestion(suggestion),
      );
    }
    fail(
      `cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`,
      "cron_field_count",
      { count: parts.length },
    );
  }
  const compiled = {} as Record<FieldKey, CompiledField>;
  SPECS.forEach((spec, i) => {
    try {
      compiled[spec.key] = compileField(parts[i] ?? "", spec);
    } catch (e) {
      // A field's own message stays; its code names the field for the page's wording.
      if (e instanceof ExpressionError && e.code === "invalid_expression")
        throw new ExpressionError(e.message, "cron_field", { field: spec.label });
      throw e;
    }
  });
  const dom = compiled.dayOfMonth.normalized;
  const dow = compiled.dayOfWeek.normalized;
  if (dom === "?" && dow === "?") {
    const suggestion = suggestCron(parts);
    fail(
      "day-of-month and day-of-week cannot both be '?': use '?' in exactly one of them" +
        (suggestion ? `, e.g. ${suggestion}` : ""),
      "cron_both_question",
      withSuggestion(suggestion),
    );
  }
  if (dom !== "?" && dow !== "?") {
    const suggestion = suggestCron(parts);
    fail(
      `exactly one of day-of-month and day-of-week must be '?' (EventBridge cannot combine them): ` +
        `day-of-month is '${dom}', day-of-week is '${dow}'` +
        (suggestion ? `; e.g. ${suggestion}` : ""),
      "cron_day_fields",
      withSuggestion(suggestion),
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

export function cronFromFields(parts: string[]): CompiledCron {
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

export function cronFor(pattern: string, timezone: string): Cron {
  const key = `${timezone} ${pattern}`;
  let c = cronCache.get(key);
  if (!c) {
    if (cronCache.size > 500) cronCache.clear();
    c = new Cron(pattern, cronOptions(timezone));
    cronCache.set(key, c);
  }
  return c;
}
