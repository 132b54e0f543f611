// Schedule form fields the operator did not write themselves (issue 14, problem 6): the generated
// name, a description that only repeats the expression, the job's default category. They follow
// the expression, params and job on the page as the server's rule (functions/domain/schedules/
// schedule-follow.ts) does on save; whatever the operator types is kept.
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, type PreviewResult, type ScheduleView } from "./api.ts";
import type { Translate } from "./i18n.ts";
import { sayIssue } from "./params-validation.ts";

const squash = (s: string) => s.replace(/\s+/g, "");
const ZONE_ONLY = /^(?:[A-Z][A-Za-z0-9+-]{1,8}|\(.+\))$/;

/** The language `description` is the preview's own words in (with or without the zone), if any. */
export function generatedLang(description: string, preview: PreviewResult): "ja" | "en" | null {
  const d = squash(description);
  if (!d) return null;
  for (const [lang, words] of [
    ["ja", preview.description],
    ["en", preview.description_en],
  ] as const) {
    const w = squash(words ?? "");
    // (a seeded description may leave out the zone label the generated words end with)
    if (w && (d === w || (w.startsWith(d) && ZONE_ONLY.test(w.slice(d.length))))) return lang;
  }
  return null;
}

/** Which fields still follow the form; `descLang` is the language of a generated description. */
export type Following = {
  name: boolean;
  descLang: "ja" | "en" | null;
  category: boolean;
};

/**
 * The name and description a valid preview gives the fields that still follow, or null when they
 * already say it. A generated description follows in its language; an auto name suffixed when it
 * was created (`…_1130_2`) is the same name.
 */
export function followedChanges(
  form: { name: string; description: string },
  follow: Following,
  preview: PreviewResult,
): { name?: string; description?: string } | null {
  if (!preview.valid) return null;
  const changes: { name?: string; description?: string } = {};
  const words = follow.descLang === "ja" ? preview.description : preview.description_en;
  if (follow.descLang && words && words !== form.description) changes.description = words;
  const auto = preview.auto_name;
  if (follow.name && auto && form.name !== auto && !form.name.startsWith(`${auto}_`)) changes.name = auto;
  return Object.keys(changes).length ? changes : null;
}

/** The language a stored schedule's description is its own expression's words in, if it is. */
export async function generatedDescriptionLang(s: ScheduleView): Promise<"ja" | "en" | null> {
  try {
    const p = await api("POST /v1/schedules/preview", {
      body: { schedule_expression: s.schedule_expression, timezone: s.timezone, count: 1 },
    });
    return p.valid && s.description ? generatedLang(s.description, p) : null;
  } catch {
    return null; // the description then stays as the operator sees it
  }
}

/** The live preview of what the form would save: description, next fires and the generated name. */
export function useSchedulePreview(input: {
  expr: string;
  zone: string;
  startDate: string | null;
  endDate: string | null;
  jobName: string;
  /** the params a save would send, as JSON */
  paramsJson: string;
}): PreviewResult | null {
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  const { expr, zone, startDate, endDate, jobName, paramsJson: params } = input;
  useEffect(() => {
    if (!expr.trim()) return setPreview(null);
    const ctl = new AbortController();
    api("POST /v1/schedules/preview", {
      // the schedule's own window and phase, so the preview shows the fires it will really have
      body: {
        schedule_expression: expr,
        timezone: zone,
        count: 5,
        start_date: startDate,
        end_date: endDate,
        ...(jobName ? { job_name: jobName, params: JSON.parse(params) as Record<string, unknown> } : {}),
      },
      signal: ctl.signal,
    }).then(setPreview, (e: unknown) => {
      if (e instanceof ApiError)
        setPreview({
          valid: false,
          message: e.fieldErrors[0]?.message ?? e.message,
          message_code: e.fieldErrors[0]?.code ?? null,
          message_params: e.fieldErrors[0]?.params ?? null,
          next_fire_times: [],
          description: null,
          description_en: null,
          normalized_expression: null,
          auto_name: null,
        });
    });
    return () => ctl.abort();
  }, [expr, zone, startDate, endDate, jobName, params]);
  return preview;
}

/** What is wrong with a previewed expression, in the page's language. */
export function sayPreview(p: PreviewResult, t: Translate): string {
  return sayIssue(
    { message: p.message ?? t("v_expression"), code: p.message_code, params: p.message_params },
    t,
  );
}
