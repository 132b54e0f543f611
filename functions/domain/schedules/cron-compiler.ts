// A cron() expression compiled: six checked fields, the croner pattern they translate to, and the
// croner instances that evaluate it (both cached). Separate from the grammar (cron-fields.ts) and
// from the other expression kinds, which never touch croner.
import { Cron } from "croner";
import { type CompiledField, type CronFields, compileField, type FieldKey, SPECS } from "./cron-fields.ts";
import { SEARCH_STOP } from "./expression-bounds.ts";
import { fail } from "./expression-error.ts";

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
