// What an edit keeps and what follows it (issue 14, problem 6): a schedule's generated name, its
// description when it only repeats the expression's words, and its category when it is only the
// job's default are not the operator's own words; they follow the expression, params and job an
// edit changes. Anything the operator typed is kept as typed.
import type { JobRegistry } from "#domain/jobs/job-registry.ts";
import type { CreateScheduleRequest, Schedule } from "#schemas/schedule.ts";
import { describeExpression, prepareDescriptions } from "./schedule-description.ts";
import { type ParsedExpression, parseScheduleExpression } from "./schedule-expression.ts";

/** What generated words may end with beyond a seeded description: the zone label alone. */
const ZONE_ONLY = /^(?:[A-Z][A-Za-z0-9+-]{1,8}|\(.+\))$/;

/** Whitespace-insensitive text, for comparing a stored description with generated wording. */
const squash = (s: string) => s.replace(/\s+/g, "");

/** The language `description` is the expression's own words in (with or without the zone), if any. */
export function generatedDescriptionLang(
  description: string | null | undefined,
  expr: ParsedExpression,
  timezone: string,
): "ja" | "en" | null {
  if (!description) return null;
  const d = squash(description);
  for (const lang of ["ja", "en"] as const) {
    let words: string;
    try {
      words = squash(describeExpression(expr, timezone, lang));
    } catch {
      return null; // an unusable stored zone: nothing to compare with
    }
    // Seeded descriptions ("30 分ごと") may leave out the zone label the generated words end with.
    if (d === words || (words.startsWith(d) && ZONE_ONLY.test(words.slice(d.length)))) return lang;
  }
  return null;
}

/**
 * The request an edit of `previous` really means: fields the operator did not set themselves
 * (an auto name sent back unchanged or left out, a description that only repeated the old
 * expression, the old job's default category) are regenerated from the new expression and job.
 */
export async function followGenerated(
  previous: Schedule,
  req: CreateScheduleRequest,
  registry: JobRegistry,
): Promise<CreateScheduleRequest> {
  const out: CreateScheduleRequest = { ...req };
  // An auto name sent back as it was (or left out) is not a name the operator chose.
  if (previous.auto_generated_name && (req.name == null || req.name === previous.name)) out.name = undefined;

  const before = parseScheduleExpression(previous.schedule_expression);
  const after = parseScheduleExpression(req.schedule_expression);
  const newZone = req.timezone ?? previous.timezone;
  if (before.ok && after.ok && req.description === previous.description) {
    await prepareDescriptions([
      { expr: before.value, timezone: previous.timezone },
      { expr: after.value, timezone: newZone },
    ]);
    const lang = generatedDescriptionLang(previous.description, before.value, previous.timezone);
    if (lang) {
      try {
        out.description = describeExpression(after.value, newZone, lang);
      } catch {
        // unknown new zone: resolveSchedule refuses the request with its own message
      }
    }
  }

  const oldDefault = registry.find(previous.job_name)?.category ?? null;
  const newJob = registry.find(req.job_name);
  if (
    newJob &&
    req.job_name !== previous.job_name &&
    (req.category == null || req.category === previous.category) &&
    previous.category === oldDefault
  ) {
    out.category = newJob.category;
  }
  return out;
}
