// A job's card on the jobs page: switch, schedules, last / next run, counts, Run now, progress.
// Schedules are in words with a change-time button; the progress shows while a run is active.
import { useState } from "preact/hooks";
import { ApiError, api, type JobView, newIdempotencyKey, type Run } from "../api.ts";
import { useApp } from "../app-context.ts";
import { CooldownLine } from "../components/cooldown-line.tsx";
import { Switch } from "../components/form-fields.tsx";
import { JobNextRun } from "../components/job-state.tsx";
import { type PauseAsk, PauseAskDialog, PauseNoteLine } from "../components/pause-note.tsx";
import { isRetryWait, RunProgress, StatusBadge } from "../components/run-status.tsx";
import { RuntimeLine } from "../components/runtime.tsx";
import { When } from "../components/when.tsx";
import { dailyTime } from "../daily-schedule.ts";
import { fmtDuration, fmtNumber, fmtPercent } from "../format.ts";
import type { Translate } from "../i18n.ts";
import { useJobWords } from "../job-words.ts";
import { fmtLimit } from "../runtime-words.ts";

export type ScheduleSummary = JobView["schedules"][number];

/** "取得 4,411 / 登録 4,411 / スキップ 0": a run's counts, on the card and in its end toast. */
export const countsLine = (t: Translate, r: Pick<Run, "input_count" | "inserted_count" | "skipped_count">) =>
  t("counts_line", {
    fetched: fmtNumber(r.input_count),
    inserted: fmtNumber(r.inserted_count),
    skipped: fmtNumber(r.skipped_count),
  });

export function JobCard({
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
  const words = useJobWords();
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
  // Issue 16 part 5: turning a job off is a pause — it asks why and until when first.
  const [asking, setAsking] = useState(false);
  const setEnabled = async (enabled: boolean, ask?: PauseAsk) => {
    try {
      await api("PUT /v1/jobs/{job_name}/enabled", {
        path: { job_name: j.name },
        body: enabled ? { enabled } : { enabled, ...ask },
      });
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
          onChange={(v) => (v ? void setEnabled(true) : setAsking(true))}
        />
      </header>
      {!j.enabled && j.pause && (
        <p class="pause-line">
          <PauseNoteLine pause={j.pause} />
        </p>
      )}
      <PauseAskDialog
        open={asking}
        title={t("pause_job_title", { job: j.name })}
        onConfirm={(ask) => void setEnabled(false, ask)}
        onClose={() => setAsking(false)}
      />
      <p class="desc">{words.description(j)}</p>
      <dl class="facts">
        <dt>{t("schedules")}</dt>
        <dd>
          {j.schedules.length === 0 && <span class="muted">{t("no_schedules")}</span>}
          <ul class="plain">
            {j.schedules.map((s) => (
              <li key={s.id} data-testid="job-schedule" data-schedule={s.name}>
                <span class={s.enabled ? undefined : "muted strike"}>{s.description[lang]}</span>
                {!s.enabled && <span class="muted"> ({t("disabled")})</span>}{" "}
                {!s.enabled && s.pause && <PauseNoteLine pause={s.pause} />}
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
          {/* issue 14 (B): the next run, or why there is none */}
          <JobNextRun job={j} />
        </dd>
        {j.cooldown && (
          <>
            <dt>{t("cooldown_label")}</dt>
            <dd data-testid="job-cooldown">
              <CooldownLine cooldown={j.cooldown} />
            </dd>
          </>
        )}
        <dt>{t("last_run")}</dt>
        <dd>
          {j.last_run ? (
            <>
              <StatusBadge status={j.last_run.status} /> <When iso={j.last_run.started_at} compact past />{" "}
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
        {/* issue 15: where it runs and how long it may */}
        <dt>{t("runtime_label")}</dt>
        <dd data-testid="job-runtime" data-runtime={j.runtime}>
          <RuntimeLine job={j} />
        </dd>
        <dt>{t("time_limit_label")}</dt>
        <dd data-testid="job-time-limit">
          {t("time_limit_line", { limit: fmtLimit(j.timeout_seconds, lang) })}
        </dd>
        {j.fargate && (
          <>
            <dt>{t("heartbeat_label")}</dt>
            <dd data-testid="job-heartbeat">
              {t("heartbeat_line", { limit: fmtLimit(j.fargate.heartbeat_seconds, lang) })}
            </dd>
          </>
        )}
      </dl>
      {active && (
        <div class="active-run" data-testid="job-active-run">
          <div class="active-head">
            <StatusBadge status={active.status} retrying={isRetryWait(active)} />{" "}
            <a href={`/runs/${active.execution_uuid}`}>{t("open_run")}</a>
          </div>
          <RunProgress progress={active.progress} job={j.name} run={active} />
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
        <a class="btn link" href={`/jobs/${encodeURIComponent(j.name)}/backfill`} data-testid="backfill-link">
          {t("bf_open")}
        </a>
      </footer>
    </article>
  );
}
