// The schedule create / edit page: form, live preview (description + next 5 fires), params form.
// The params form comes from the job's JSON Schema. Nothing invalid is sent: the zod schema of the
// API request and the job's JSON Schema are both checked first.
import { useEffect, useState } from "preact/hooks";
import { codeOfZodIssue } from "#schemas/issue-codes.ts";
import { CreateScheduleRequestSchema, EXECUTION_POLICIES } from "#schemas/schedule.ts";
import { ApiError, api, type JobView } from "../api.ts";
import { useApp } from "../app-context.ts";
import { ErrorNote } from "../components/error-note.tsx";
import { Field, JobSelect, ZONES } from "../components/form-fields.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { ParamsForm } from "../components/params-form.tsx";
import { fmtDateTime, tzLabel } from "../format.ts";
import { useDebounced, useJobs } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { type RawParams, sayIssue, toRaw, validateParams } from "../params-validation.ts";
import { navigate, useLocation } from "../router.ts";
import {
  type Following,
  followedChanges,
  generatedDescriptionLang,
  sayPreview,
  useSchedulePreview,
} from "../schedule-form-follow.ts";

type Form = {
  name: string;
  job_name: string;
  schedule_expression: string;
  timezone: string;
  execution_policy: string;
  queue_timeout_seconds: string;
  tags: string;
  category: string;
  description: string;
  enabled: boolean;
  /**
   * Not shown on this form (set through the API), but part of the schedule: a save sends them back
   * as loaded, or the PUT (a whole replacement) would clear them.
   */
  start_date: string | null;
  end_date: string | null;
};

export function ScheduleEditPage({ id }: { id: string | null }) {
  const { t, lang, tz, canWrite, toast } = useApp();
  const jobs = useJobs();
  const [form, setForm] = useState<Form | null>(null);
  const [params, setParams] = useState<RawParams>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [paramErrors, setParamErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  // What the operator has not written themselves follows the form (problem 6).
  const [follow, setFollow] = useState<Following>({ name: true, descLang: null, category: true });
  const { query } = useLocation();

  useEffect(() => {
    if (id === null) {
      if (jobs.length === 0 || form) return;
      const jobName = query.get("job") ?? jobs[0]?.name ?? "";
      setForm({
        name: "",
        job_name: jobName,
        schedule_expression: "cron(0 9 * * ? *)",
        timezone: tz,
        execution_policy: "skip",
        queue_timeout_seconds: "3600",
        tags: "",
        category: jobs.find((j) => j.name === jobName)?.category ?? "",
        description: "",
        enabled: true,
        start_date: null,
        end_date: null,
      });
      return;
    }
    if (form || jobs.length === 0) return;
    api("GET /v1/schedules/{id}", { path: { id } }).then(
      (s) => {
        setForm({
          name: s.name,
          job_name: s.job_name,
          schedule_expression: s.schedule_expression,
          timezone: s.timezone,
          execution_policy: s.execution_policy,
          queue_timeout_seconds: String(s.queue_timeout_seconds),
          tags: s.tags.join(", "),
          category: s.category ?? "",
          description: s.description ?? "",
          enabled: s.enabled,
          start_date: s.start_date,
          end_date: s.end_date,
        });
        setParams(toRaw(jobs.find((j) => j.name === s.job_name)?.parameter_schema, s.params));
        const category = s.category === (jobs.find((j) => j.name === s.job_name)?.category ?? null);
        setFollow({ name: s.auto_generated_name, descLang: null, category });
        // Is the stored description only the stored expression's words? Then it follows edits.
        if (s.description)
          void generatedDescriptionLang(s).then((descLang) =>
            setFollow((f) => (f.descLang === null && descLang ? { ...f, descLang } : f)),
          );
      },
      (e: Error) => setLoadError(e),
    );
  }, [id, jobs, form, tz, query]);

  const expr = useDebounced(form?.schedule_expression ?? "", 300);
  const zone = useDebounced(form?.timezone ?? tz, 300);
  const startDate = form?.start_date ?? null;
  const endDate = form?.end_date ?? null;
  const jobName = form?.job_name ?? "";
  const previewJob = jobs.find((j) => j.name === jobName);
  // The params as a save would send them (only when valid), so the preview's auto name is the saved one.
  const namedParams = useDebounced(
    JSON.stringify(previewJob ? validateParams(previewJob.parameter_schema, params, t).params : {}),
    300,
  );
  const preview = useSchedulePreview({ expr, zone, startDate, endDate, jobName, paramsJson: namedParams });
  // What the operator has not written follows the preview (schedule-form-follow.ts).
  useEffect(() => {
    const changes = form && preview ? followedChanges(form, follow, preview) : null;
    if (form && changes) setForm({ ...form, ...changes });
  }, [preview, follow, form]);

  const titleKey = id === null ? "new_schedule" : "edit_schedule";
  if (loadError)
    return (
      <section>
        <PageTitle titleKey={titleKey} />
        <ErrorNote error={loadError} />
      </section>
    );
  if (!form)
    return (
      <section>
        <PageTitle titleKey={titleKey} />
        <p class="muted">{t("loading")}</p>
      </section>
    );
  const job: JobView | undefined = previewJob;
  const set = (changes: Partial<Form>) => setForm({ ...form, ...changes });

  const submit = async (e: Event) => {
    e.preventDefault();
    setFailure(null);
    const p = validateParams(job?.parameter_schema, params, t);
    const body = {
      // A name that only follows the form is left to the server, which generates the same one.
      name: follow.name ? null : form.name.trim() || null,
      job_name: form.job_name,
      schedule_expression: form.schedule_expression.trim(),
      timezone: form.timezone,
      execution_policy: form.execution_policy,
      queue_timeout_seconds: Number(form.queue_timeout_seconds),
      tags: form.tags
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
      category: form.category.trim() || null,
      description: form.description.trim() || null,
      enabled: form.enabled,
      params: p.params,
      // A null start_date is left out: on a rate() it would ask the API to pin a new phase.
      ...(form.start_date ? { start_date: form.start_date } : {}),
      end_date: form.end_date,
    };
    const parsed = CreateScheduleRequestSchema.safeParse(body);
    const errs: Record<string, string> = {};
    if (!parsed.success)
      for (const i of parsed.error.issues)
        errs[String(i.path[0] ?? "form")] ??= sayIssue({ message: i.message, ...codeOfZodIssue(i) }, t);
    if (preview && !preview.valid) errs.schedule_expression = sayPreview(preview, t);
    setErrors(errs);
    setParamErrors(p.errors);
    if (!parsed.success || Object.keys(errs).length || Object.keys(p.errors).length) return;
    setBusy(true);
    try {
      // What is sent is what the API's own request schema accepted above.
      const saved =
        id === null
          ? await api("POST /v1/schedules", { body: parsed.data })
          : await api("PUT /v1/schedules/{id}", { path: { id }, body: parsed.data });
      toast({ kind: "success", title: t("schedule_saved", { name: saved.name }) });
      navigate("/schedules");
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors.length) {
        const top: Record<string, string> = {};
        const pe: Record<string, string> = {};
        for (const f of err.fieldErrors) {
          if (f.field.startsWith("params.")) pe[f.field.slice(7)] = sayIssue(f, t);
          else top[f.field] = sayIssue(f, t);
        }
        setErrors(top);
        setParamErrors(pe);
      }
      setFailure(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <PageTitle titleKey={titleKey} />
      <form class="form schedule-form" onSubmit={submit} noValidate>
        <fieldset disabled={!canWrite || busy} class="plain-fieldset">
          <div class="grid-2">
            <Field
              id="s-job"
              label={t("job")}
              error={errors.job_name}
              hint={previewJob && !previewJob.enabled ? t("schedule_job_disabled_hint") : undefined}
            >
              <JobSelect
                id="s-job"
                jobs={jobs}
                value={form.job_name}
                onChange={(name) => {
                  const category = jobs.find((j) => j.name === name)?.category ?? "";
                  set(follow.category ? { job_name: name, category } : { job_name: name });
                  setParams({});
                  setParamErrors({});
                }}
              />
            </Field>
            <Field
              id="s-name"
              label={t("name")}
              error={errors.name}
              hint={t(follow.name ? "name_hint_auto" : "name_hint")}
            >
              <input
                id="s-name"
                value={form.name}
                onInput={(e) => {
                  const name = e.currentTarget.value;
                  set({ name });
                  setFollow({ ...follow, name: name.trim() === "" });
                }}
                aria-invalid={errors.name ? true : undefined}
              />
            </Field>
            <Field
              id="s-expr"
              label={t("expression")}
              error={errors.schedule_expression}
              hint={t("expression_hint")}
            >
              <input
                id="s-expr"
                class="mono"
                value={form.schedule_expression}
                onInput={(e) => set({ schedule_expression: e.currentTarget.value })}
                aria-invalid={errors.schedule_expression || preview?.valid === false ? true : undefined}
                aria-describedby="s-preview"
              />
            </Field>
            <Field id="s-tz" label={t("timezone")} error={errors.timezone}>
              <input
                id="s-tz"
                list="zones"
                value={form.timezone}
                onInput={(e) => set({ timezone: e.currentTarget.value })}
              />
            </Field>
            <datalist id="zones">
              {ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </div>
          <div class="preview card" id="s-preview" aria-live="polite" data-testid="schedule-preview">
            {preview === null ? (
              <span class="muted">{t("preview_waiting")}</span>
            ) : preview.valid ? (
              <>
                <strong data-testid="preview-description">
                  {lang === "ja" ? preview.description : preview.description_en}
                </strong>
                <div class="muted small">{t("next_fires")}</div>
                <ol class="mono" data-testid="preview-times">
                  {preview.next_fire_times.map((x) => (
                    <li key={x}>
                      {fmtDateTime(x, tz, false)} {tzLabel(tz)}
                    </li>
                  ))}
                </ol>
              </>
            ) : (
              <span class="field-error" role="alert">
                ✕ {sayPreview(preview, t)}
              </span>
            )}
          </div>
          {job && (
            <ParamsForm
              schema={job.parameter_schema}
              value={params}
              onChange={setParams}
              errors={paramErrors}
              idPrefix="s-param"
            />
          )}
          <div class="grid-2">
            <Field
              id="s-policy"
              label={t("policy")}
              error={errors.execution_policy}
              hint={t(`policy_hint_${form.execution_policy}` as MessageKey)}
            >
              <select
                id="s-policy"
                value={form.execution_policy}
                onChange={(e) => set({ execution_policy: e.currentTarget.value })}
              >
                {EXECUTION_POLICIES.map((p) => (
                  <option key={p} value={p}>
                    {t(`policy_${p}` as MessageKey)}
                  </option>
                ))}
              </select>
            </Field>
            {form.execution_policy === "queue" && (
              <Field id="s-queue" label={t("queue_timeout")} error={errors.queue_timeout_seconds}>
                <input
                  id="s-queue"
                  inputMode="numeric"
                  value={form.queue_timeout_seconds}
                  onInput={(e) => set({ queue_timeout_seconds: e.currentTarget.value })}
                />
              </Field>
            )}
            <Field id="s-tags" label={t("tags")} error={errors.tags} hint={t("tags_hint")}>
              <input id="s-tags" value={form.tags} onInput={(e) => set({ tags: e.currentTarget.value })} />
            </Field>
            <Field id="s-category" label={t("category")} error={errors.category}>
              <input
                id="s-category"
                value={form.category}
                onInput={(e) => {
                  const category = e.currentTarget.value;
                  set({ category });
                  setFollow({ ...follow, category: category.trim() === "" });
                }}
              />
            </Field>
            <Field
              id="s-desc"
              label={t("description")}
              error={errors.description}
              hint={follow.descLang ? t("description_hint_auto") : undefined}
            >
              <input
                id="s-desc"
                value={form.description}
                onInput={(e) => {
                  set({ description: e.currentTarget.value });
                  setFollow({ ...follow, descLang: null });
                }}
              />
            </Field>
            <div class="field field-check">
              <input
                id="s-enabled"
                type="checkbox"
                checked={form.enabled}
                onChange={(e) => set({ enabled: e.currentTarget.checked })}
              />
              <label for="s-enabled">{t("enabled")}</label>
            </div>
          </div>
        </fieldset>
        {failure && (
          <p class="error-note" role="alert">
            {failure}
          </p>
        )}
        <div class="actions">
          <a class="btn" href="/schedules">
            {t("cancel")}
          </a>
          <button type="submit" class="btn primary" disabled={!canWrite || busy}>
            {t("save")}
          </button>
        </div>
      </form>
    </section>
  );
}
