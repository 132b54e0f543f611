// One card per job, like the seed's data-source card: switch, schedules in words, change-time,
// last / next run, Run now, live progress while a run is active, and a toast when it ends.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, type JobView, newIdempotencyKey, type PreviewResult, type Run } from "../api.ts";
import { useApp } from "../app-context.ts";
import { Dialog } from "../components/dialog.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { Switch } from "../components/form-fields.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { RunProgress, StatusBadge } from "../components/run-status.tsx";
import { type Started, TriggerDialog } from "../components/trigger-dialog.tsx";
import { When } from "../components/when.tsx";
import { dailyExpression, dailyTime } from "../daily-schedule.ts";
import { fmtDateTime, fmtDuration, fmtNumber, fmtPercent, tzLabel } from "../format.ts";
import { useDebounced, usePoll } from "../hooks.ts";
import type { Translate } from "../i18n.ts";

type ScheduleSummary = JobView["schedules"][number];

/** "取得 4,411 / 登録 4,411 / スキップ 0": a run's counts, on the card and in its end toast. */
const countsLine = (t: Translate, r: Pick<Run, "input_count" | "inserted_count" | "skipped_count">) =>
  t("counts_line", {
    fetched: fmtNumber(r.input_count),
    inserted: fmtNumber(r.inserted_count),
    skipped: fmtNumber(r.skipped_count),
  });

export function JobsPage() {
  const { t, lang, toast } = useApp();
  const jobs = usePoll((signal) => api("GET /v1/jobs", { conditional: true, signal }), 2000, "jobs-page");
  const [triggerFor, setTriggerFor] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ job: string; schedule: ScheduleSummary } | null>(null);
  const seen = useRef(new Map<string, string>());

  // A run that was active in the last answer and is not any more has ended: say how.
  useEffect(() => {
    const list = jobs.data?.results;
    if (!list) return;
    const now = new Map<string, string>();
    for (const j of list) for (const r of j.active_runs) now.set(r.execution_uuid, j.name);
    for (const [id, job] of seen.current) {
      if (now.has(id)) continue;
      void api("GET /v1/runs/{execution_uuid}", { path: { execution_uuid: id } }).then((r) => {
        const counts = countsLine(t, r);
        if (r.status === "SUCCESS")
          toast({
            kind: "success",
            title: t("toast_success", { job }),
            body: `${counts} · ${fmtDuration(r.duration_seconds, lang)}`,
            href: `/runs/${id}`,
          });
        else if (r.status !== "RUNNING" && r.status !== "QUEUED")
          toast({
            kind: r.status === "SKIPPED" ? "info" : "error",
            title: t("toast_ended", { job, status: t(`status_${r.status}`) }),
            body: r.error_summary ?? counts,
            href: `/runs/${id}`,
          });
      });
    }
    seen.current = now;
  }, [jobs.data, t, lang, toast]);

  const list = jobs.data?.results ?? [];
  return (
    <section>
      <PageTitle titleKey="jobs_title" />
      <ErrorNote error={jobs.error} />
      <div class="cards">
        {list.map((j) => (
          <JobCard
            key={j.name}
            job={j}
            onChanged={jobs.refresh}
            onTriggerWithParams={() => setTriggerFor(j.name)}
            onEditTime={(s) => setEditing({ job: j.name, schedule: s })}
          />
        ))}
      </div>
      {list.length > 0 && (
        <TriggerDialog
          jobs={list}
          initialJob={triggerFor}
          open={triggerFor !== null}
          onClose={() => setTriggerFor(null)}
          onStarted={(s: Started, name) => {
            setTriggerFor(null);
            toast({
              kind: "info",
              title: t("started_toast", { job: name }),
              href: `/runs/${s.execution_uuid}`,
            });
            jobs.refresh();
          }}
        />
      )}
      <ChangeTimeDialog
        target={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          jobs.refresh();
        }}
      />
    </section>
  );
}

function JobCard({
  job: j,
  onChanged,
  onTriggerWithParams,
  onEditTime,
}: {
  job: JobView;
  onChanged: () => void;
  onTriggerWithParams: () => void;
  onEditTime: (s: ScheduleSummary) => void;
}) {
  const { t, lang, canWrite, toast } = useApp();
  const [busy, setBusy] = useState(false);
  const active = j.active_runs[0] ?? null;
  const s24 = j.stats_24h;

  const runNow = async () => {
    setBusy(true);
    try {
      const s = await api("POST /v1/trigger", {
        body: { job_name: j.name, options: {} },
        headers: { "idempotency-key": newIdempotencyKey() },
      });
      toast({ kind: "info", title: t("started_toast", { job: j.name }), href: `/runs/${s.execution_uuid}` });
      onChanged();
    } catch (e) {
      const running = e instanceof ApiError ? e.runningRun : null;
      const code = e instanceof ApiError ? e.code : null;
      toast({
        kind: "error",
        title:
          code === "already_running"
            ? t("already_running", { job: j.name })
            : code === "job_disabled"
              ? t("job_is_disabled", { job: j.name })
              : t("action_failed"),
        body: e instanceof Error ? e.message : String(e),
        href: running ? `/runs/${running}` : undefined,
      });
    } finally {
      setBusy(false);
    }
  };
  const setEnabled = async (enabled: boolean) => {
    try {
      await api("PUT /v1/jobs/{job_name}/enabled", { path: { job_name: j.name }, body: { enabled } });
      toast({ kind: "success", title: t(enabled ? "job_enabled" : "job_disabled", { job: j.name }) });
      onChanged();
    } catch (e) {
      toast({ kind: "error", title: t("action_failed"), body: e instanceof Error ? e.message : String(e) });
    }
  };

  return (
    <article
      class={`card job-card${j.enabled ? "" : " disabled"}`}
      data-testid="job-card"
      data-job={j.name}
      aria-labelledby={`job-${j.name}`}
    >
      <header class="card-head">
        <div>
          <h2 id={`job-${j.name}`}>{j.name}</h2>
          <div class="muted small">
            {j.category} · {j.data_sources.join(", ")}
          </div>
        </div>
        <Switch
          checked={j.enabled}
          label={t("job_enabled_label", { job: j.name })}
          disabled={!canWrite}
          onChange={(v) => void setEnabled(v)}
        />
      </header>
      <p class="desc">{j.description}</p>
      <dl class="facts">
        <dt>{t("schedules")}</dt>
        <dd>
          {j.schedules.length === 0 && <span class="muted">{t("no_schedules")}</span>}
          <ul class="plain">
            {j.schedules.map((s) => (
              <li key={s.id} data-testid="job-schedule" data-schedule={s.name}>
                <span class={s.enabled ? undefined : "muted strike"}>{s.description[lang]}</span>
                {!s.enabled && <span class="muted"> ({t("disabled")})</span>}{" "}
                {s.expression_error && (
                  <span class="warn" title={t("expression_error", { message: s.expression_error })}>
                    ⚠ {t("expression_error_short")}{" "}
                  </span>
                )}
                {dailyTime(s.schedule_expression) && (
                  <button type="button" class="btn small" disabled={!canWrite} onClick={() => onEditTime(s)}>
                    {t("change_time")}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </dd>
        <dt>{t("next_run")}</dt>
        <dd data-testid="job-next-run">
          <When iso={j.next_scheduled_for} withSeconds={false} />
        </dd>
        <dt>{t("last_run")}</dt>
        <dd>
          {j.last_run ? (
            <>
              <StatusBadge status={j.last_run.status} /> <When iso={j.last_run.started_at} compact />{" "}
              <span class="muted">{fmtDuration(j.last_run.duration_seconds, lang)}</span>
            </>
          ) : (
            <span class="muted">{t("no_runs_yet")}</span>
          )}
        </dd>
        {j.last_run && (
          <>
            <dt>{t("last_counts")}</dt>
            <dd data-testid="job-last-counts">
              {countsLine(t, j.last_run)}
              {j.last_run.error_count > 0 && (
                <span class="warn"> · {t("errors_n", { n: fmtNumber(j.last_run.error_count) })}</span>
              )}
            </dd>
          </>
        )}
        <dt>{t("runs_24h")}</dt>
        <dd>{t("runs_24h_line", { n: s24.total, ok: fmtPercent(s24.success_rate), failed: s24.failed })}</dd>
      </dl>
      {active && (
        <div class="active-run" data-testid="job-active-run">
          <div class="active-head">
            <StatusBadge status={active.status} />{" "}
            <a href={`/runs/${active.execution_uuid}`}>{t("open_run")}</a>
          </div>
          <RunProgress progress={active.progress} />
        </div>
      )}
      <footer class="card-actions">
        <button
          type="button"
          class="btn primary"
          disabled={!canWrite || busy || !j.enabled}
          onClick={() => void runNow()}
        >
          ▶ {t("run_now")}
        </button>
        <button type="button" class="btn" disabled={!canWrite || !j.enabled} onClick={onTriggerWithParams}>
          {t("run_with_params")}
        </button>
        <a class="btn link" href={`/history?job=${encodeURIComponent(j.name)}`}>
          {t("view_history")}
        </a>
      </footer>
    </article>
  );
}

/** HH:MM for a daily schedule: PATCHes the expression, previews the next fires as you type. */
function ChangeTimeDialog({
  target,
  onClose,
  onSaved,
}: {
  target: { job: string; schedule: ScheduleSummary } | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, tz, toast } = useApp();
  const [time, setTime] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  useEffect(() => {
    setTime(target ? (dailyTime(target.schedule.schedule_expression) ?? "") : "");
    setError(null);
  }, [target]);
  const expr = dailyExpression(time);
  const debounced = useDebounced(expr, 250);
  useEffect(() => {
    if (!debounced || !target) return setPreview(null);
    void api("POST /v1/schedules/preview", {
      body: { schedule_expression: debounced, timezone: target.schedule.timezone, count: 3 },
    }).then(setPreview, () => setPreview(null));
  }, [debounced, target]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!target || !expr) return setError(t("v_time"));
    try {
      await api("PATCH /v1/schedules/{id}", {
        path: { id: target.schedule.id },
        body: { schedule_expression: expr },
      });
      toast({ kind: "success", title: t("time_changed", { name: target.schedule.name, time }) });
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Dialog
      open={target !== null}
      title={t("change_time_title", { job: target?.job ?? "" })}
      onClose={onClose}
    >
      <form class="form" onSubmit={save} noValidate>
        <div class="field">
          <label for="change-time">
            {t("daily_at")} ({target ? tzLabel(target.schedule.timezone) : ""})
          </label>
          <input
            id="change-time"
            type="time"
            required
            value={time}
            onInput={(e) => setTime(e.currentTarget.value)}
            aria-invalid={error ? true : undefined}
          />
          {error && (
            <small class="field-error" role="alert">
              {error}
            </small>
          )}
        </div>
        {preview?.valid && (
          <div class="preview" aria-live="polite">
            <strong>{t("next_fires")}</strong>
            <ul class="plain mono">
              {preview.next_fire_times.map((x) => (
                <li key={x}>
                  {fmtDateTime(x, tz, false)} {tzLabel(tz)}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div class="actions">
          <button type="button" class="btn" onClick={onClose}>
            {t("cancel")}
          </button>
          <button type="submit" class="btn primary">
            {t("save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
