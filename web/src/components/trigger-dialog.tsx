// "Run now" with params: the form comes from the job's JSON Schema; a 409 says which run is
// already going and links to it. A disabled job is marked in the picker and says why it cannot
// run before anything is sent (issue 14, problem 1).
import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, api, type JobView, newIdempotencyKey } from "../api.ts";
import { useApp } from "../app-context.ts";
import { reasonOf } from "../failure-reason.ts";
import { type RawParams, sayIssue, validateParams } from "../params-validation.ts";
import { navigate } from "../router.ts";
import { Dialog } from "./dialog.tsx";
import { Field } from "./form-fields.tsx";
import { ParamsForm } from "./params-form.tsx";

export type Started = { execution_uuid: string; status: string };

export function TriggerDialog({
  jobs,
  initialJob,
  open,
  onClose,
  onStarted,
}: {
  jobs: JobView[];
  initialJob: string | null;
  open: boolean;
  onClose: () => void;
  onStarted: (s: Started, job: string) => void;
}) {
  const { t, canWrite } = useApp();
  const [job, setJob] = useState(initialJob ?? jobs[0]?.name ?? "");
  const [raw, setRaw] = useState<RawParams>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per opening: a double click or a retried request starts one run, not two.
  const key = useMemo(() => (open ? newIdempotencyKey() : ""), [open]);

  useEffect(() => {
    if (open) {
      setJob(initialJob ?? jobs[0]?.name ?? "");
      setRaw({});
      setErrors({});
      setConflict(null);
      setFailure(null);
    }
  }, [open, initialJob, jobs]);

  const view = jobs.find((j) => j.name === job);
  const disabled = view !== undefined && !view.enabled;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!view || disabled) return;
    const { params, errors: errs } = validateParams(view.parameter_schema, raw, t);
    setErrors(errs);
    setConflict(null);
    setFailure(null);
    if (Object.keys(errs).length > 0) return;
    setBusy(true);
    try {
      const s = await api("POST /v1/trigger", {
        body: { job_name: job, options: params },
        headers: { "idempotency-key": key },
      });
      onStarted(s, job);
    } catch (err) {
      if (err instanceof ApiError && err.code === "already_running") {
        setConflict(err.runningRun ?? "");
      } else if (err instanceof ApiError && err.code === "job_disabled") {
        // Not "already running": the job is switched off, and says so.
        setFailure(t("job_is_disabled", { job }));
      } else if (err instanceof ApiError && err.fieldErrors.length) {
        setErrors(
          // "options.company_ids.0" belongs to the company_ids input (the form has one per option).
          Object.fromEntries(
            err.fieldErrors.map((f) => [
              f.field.replace(/^options\./, "").split(".")[0] ?? "",
              sayIssue(f, t),
            ]),
          ),
        );
      } else {
        setFailure(reasonOf(t, err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} title={t("trigger_title")} onClose={onClose}>
      <form onSubmit={submit} noValidate class="form">
        <Field id="trigger-job" label={t("job")}>
          <select
            id="trigger-job"
            value={job}
            aria-describedby={disabled ? "trigger-job-disabled" : undefined}
            onChange={(e) => {
              setJob(e.currentTarget.value);
              setRaw({});
              setErrors({});
              setFailure(null);
              setConflict(null);
            }}
          >
            {jobs.map((j) => (
              <option key={j.name} value={j.name}>
                {j.enabled ? j.name : t("job_option_disabled", { job: j.name })}
              </option>
            ))}
          </select>
        </Field>
        {disabled && (
          <p class="warn-note" id="trigger-job-disabled" data-testid="trigger-job-disabled">
            {t("trigger_job_disabled", { job })}
          </p>
        )}
        {view && !disabled && (
          <ParamsForm
            schema={view.parameter_schema}
            value={raw}
            onChange={setRaw}
            errors={errors}
            idPrefix="trigger"
          />
        )}
        {conflict !== null && (
          <p class="error-note" role="alert" data-testid="already-running">
            {t("already_running", { job })}{" "}
            {conflict && (
              <a
                href={`/runs/${conflict}`}
                onClick={(e) => {
                  e.preventDefault();
                  onClose();
                  navigate(`/runs/${conflict}`);
                }}
              >
                {t("open_running_run")}
              </a>
            )}
          </p>
        )}
        {failure && (
          <p class="error-note" role="alert">
            {failure}
          </p>
        )}
        <div class="actions">
          <button type="button" class="btn" onClick={onClose}>
            {t("cancel")}
          </button>
          <button type="submit" class="btn primary" disabled={busy || !canWrite || !view || disabled}>
            {busy ? t("starting") : t("run_now")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
