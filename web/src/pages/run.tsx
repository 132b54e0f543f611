// One run: every field, the stage timeline (every stage it passed, with durations), its failed
// attempts and its own log lines, the skip breakdown, params, who started it, links to the
// console / logs, and Cancel / Rerun. Polled every second while it runs (ETags: a 304 when unchanged).
import { useState } from "preact/hooks";
import { ApiError, api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { AnomalyNote } from "../components/anomaly.tsx";
import { CopyButton } from "../components/copy-button.tsx";
import { ConfirmActions, Dialog } from "../components/dialog.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { Blocked } from "../components/job-state.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { RunAttempts } from "../components/run-attempts.tsx";
import { RunLog } from "../components/run-log.tsx";
import { isRetryWait, RunProgress, StatusBadge, stageLook } from "../components/run-status.tsx";
import { RuntimeLine, TaskLine } from "../components/runtime.tsx";
import { When } from "../components/when.tsx";
import { fmtDateTime, fmtDuration, fmtNumber, fmtUsd } from "../format.ts";
import { useJobs, usePoll } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { jobBlock } from "../job-state.ts";
import { useJobWords } from "../job-words.ts";
import { navigate } from "../router.ts";
import { cancelledBy } from "../run-words.ts";
import { isTaskStarting } from "../runtime-words.ts";

export function RunDetailPage({ id }: { id: string }) {
  const { t, lang, tz, canWrite, toast, scheduler } = useApp();
  const words = useJobWords();
  const jobs = useJobs();
  const [active, setActive] = useState(true);
  const run = usePoll(
    (signal) =>
      api("GET /v1/runs/{execution_uuid}", { path: { execution_uuid: id }, conditional: true, signal }).then(
        (r) => {
          setActive(r.status === "RUNNING" || r.status === "QUEUED");
          return r;
        },
      ),
    active ? 1000 : 15_000,
    id,
  );
  const [confirmCancel, setConfirmCancel] = useState(false);
  const r = run.data;
  if (!r)
    return (
      <section>
        <PageTitle titleKey="run_title" />
        <ErrorNote error={run.error} />
      </section>
    );
  const isActive = r.status === "RUNNING" || r.status === "QUEUED";
  // a rerun of a disabled job would be refused: say why instead of offering it
  const job = jobs.find((j) => j.name === r.job_name);
  const jobOff = job?.enabled === false;
  // a paused scheduler or a disabled job has no next run, whatever the run recorded
  const nextBlocked = job ? jobBlock(job, scheduler?.paused ?? false) : null;
  const retrying = isRetryWait(r);
  const ended = !isActive;
  // who cancelled it, shown beside when
  const canceller = cancelledBy(r);
  // issue 15: a run recording a task ran on fargate even if the job list has not loaded yet
  const runtime = job?.runtime ?? (r.task ? "fargate" : undefined);

  const cancel = async () => {
    setConfirmCancel(false);
    try {
      await api("POST /v1/runs/{execution_uuid}/cancel", { path: { execution_uuid: r.execution_uuid } });
      toast({ kind: "info", title: t("cancel_requested") });
      run.refresh();
    } catch (e) {
      toast({ kind: "error", title: t("action_failed"), body: e instanceof Error ? e.message : String(e) });
    }
  };
  const rerun = async () => {
    try {
      const s = await api("POST /v1/runs/{execution_uuid}/rerun", {
        path: { execution_uuid: r.execution_uuid },
      });
      toast({ kind: "info", title: t("started_toast", { job: r.job_name }) });
      navigate(`/runs/${s.execution_uuid}`);
    } catch (e) {
      const running = e instanceof ApiError ? e.runningRun : null;
      toast({
        kind: "error",
        title: t("action_failed"),
        body: e instanceof Error ? e.message : String(e),
        href: running ? `/runs/${running}` : undefined,
      });
    }
  };
  const breakdown = Object.entries(r.skip_breakdown ?? {}).sort((a, b) => b[1] - a[1]);
  const maxSkip = Math.max(1, ...breakdown.map(([, v]) => v));

  return (
    <section data-testid="run-page" data-status={r.status}>
      <div class="page-head">
        <PageTitle titleKey="run_title" />
        <div class="actions">
          <button
            type="button"
            class="btn danger"
            disabled={!canWrite || !isActive}
            onClick={() => setConfirmCancel(true)}
          >
            ■ {t("cancel_run")}
          </button>
          <button
            type="button"
            class="btn"
            disabled={!canWrite || isActive || jobOff}
            aria-describedby={jobOff ? "rerun-blocked" : undefined}
            onClick={() => void rerun()}
          >
            ↻ {t("rerun")}
          </button>
        </div>
      </div>
      {jobOff && (
        <p class="muted small" id="rerun-blocked" data-testid="rerun-blocked">
          {t("trigger_job_disabled", { job: r.job_name })}
        </p>
      )}
      <p class="run-title">
        <StatusBadge status={r.status} retrying={retrying} /> <strong>{r.job_name}</strong>{" "}
        <span class="mono small">{r.execution_uuid}</span>{" "}
        <CopyButton text={r.execution_uuid} label={t("copy_id")} />
      </p>
      {r.status === "CANCELLED" ? (
        <div class="note-neutral" role="status" data-testid="cancelled-note">
          <span aria-hidden="true">■ </span>
          {canceller
            ? t("cancelled_by_at", { who: canceller, time: fmtDateTime(r.finished_at, tz) })
            : t("cancelled_at", { time: fmtDateTime(r.finished_at, tz) })}
          {!canceller && r.error_summary && <span class="muted"> — {r.error_summary}</span>}
        </div>
      ) : r.status === "SKIPPED" && r.error_summary ? (
        <div class="note-neutral" role="status">
          <span aria-hidden="true">↷ </span>
          {r.error_summary}
        </div>
      ) : (
        r.error_summary && (
          <div class="error-note" role="status">
            <strong>{t("col_error")}:</strong> <pre>{r.error_summary}</pre>
          </div>
        )
      )}
      {r.anomalies?.length ? <AnomalyNote anomalies={r.anomalies} /> : null}
      {isTaskStarting(r, runtime) && (
        <p class="note-neutral" role="status" data-testid="task-starting">
          <span aria-hidden="true">◷ </span>
          {t("task_starting")}
        </p>
      )}
      <div class="grid-2 wide">
        <dl class="facts card">
          <dt>{t("col_started")}</dt>
          <dd>
            <When iso={r.started_at} past />
          </dd>
          <dt>{t("col_finished")}</dt>
          <dd>
            <When iso={r.finished_at} past />
          </dd>
          <dt>{t("col_duration")}</dt>
          <dd>{fmtDuration(r.duration_seconds, lang)}</dd>
          <dt>{t("trigger_source")}</dt>
          <dd>
            {t(`trigger_${r.trigger_source}` as MessageKey)}
            {r.triggered_by && ` · ${r.triggered_by}`}
          </dd>
          <dt>{t("schedule")}</dt>
          <dd>{r.schedule_name ?? "—"}</dd>
          <dt>{t("data_source")}</dt>
          <dd>{r.data_source.join(", ") || "—"}</dd>
          <dt>{t("attempt")}</dt>
          <dd>{r.attempt}</dd>
          {job && (
            <>
              <dt>{t("runtime_label")}</dt>
              <dd data-testid="run-runtime" data-runtime={job.runtime}>
                <RuntimeLine job={job} />
              </dd>
            </>
          )}
          {runtime === "fargate" && (
            <>
              <dt>{t("task_label")}</dt>
              <dd class="task-line" data-testid="run-task">
                {r.task ? (
                  <TaskLine task={r.task} runAttempt={r.attempt} />
                ) : isActive ? (
                  <span class="muted">{t("task_waiting")}</span>
                ) : (
                  <span class="muted">—</span>
                )}
              </dd>
            </>
          )}
          {r.scheduled_for && (
            <>
              <dt>{t("run_for_label")}</dt>
              <dd data-testid="run-for">
                <When iso={r.scheduled_for} withSeconds={false} />
                {r.backfill_id && (
                  <>
                    {" "}
                    <a href={`/backfills/${r.backfill_id}`}>{t("run_backfill_link")}</a>
                  </>
                )}
              </dd>
            </>
          )}
          {r.cost && (
            <>
              <dt>{t("cost_column")}</dt>
              <dd data-testid="run-cost" data-basis={r.cost.basis ?? "counted"}>
                {fmtUsd(r.cost.usd)}{" "}
                <span class="muted small">
                  {t("cost_detail", {
                    n: fmtNumber(r.cost.state_transitions),
                    gbs: r.cost.lambda_gb_seconds,
                    vcpus: r.cost.fargate_vcpu_seconds,
                  })}
                  {r.cost.basis === "estimated" && ` · ${t("cost_estimated")}`}
                </span>
              </dd>
            </>
          )}
          <dt>{t("next_run")}</dt>
          <dd data-testid="run-next">
            {nextBlocked ? (
              <Blocked reason={nextBlocked} />
            ) : (
              <When iso={r.next_scheduled_for} withSeconds={false} />
            )}
          </dd>
          <dt>{t("concurrency_key")}</dt>
          <dd class="mono small">{r.concurrency_key}</dd>
          <dt>{t("links")}</dt>
          <dd>
            {r.console_url ? (
              <a href={r.console_url} target="_blank" rel="noreferrer">
                {t("console")}
              </a>
            ) : (
              <span class="muted">{t("console")} —</span>
            )}
            {" · "}
            {r.logs_url ? (
              <a href={r.logs_url} target="_blank" rel="noreferrer">
                {t("logs")}
              </a>
            ) : (
              <span class="muted">{t("logs")} —</span>
            )}
          </dd>
        </dl>
        <div>
          <div class="kpis small-kpis">
            <div class="kpi" title={t("tip_fetched")}>
              <div class="kpi-label">{t("col_fetched")}</div>
              <div class="kpi-value">{fmtNumber(r.input_count)}</div>
            </div>
            <div class="kpi" title={t("tip_inserted")}>
              <div class="kpi-label">{t("col_inserted")}</div>
              <div class="kpi-value">{fmtNumber(r.inserted_count)}</div>
            </div>
            <div class="kpi">
              <div class="kpi-label">{t("col_updated")}</div>
              <div class="kpi-value">{fmtNumber(r.updated_count)}</div>
            </div>
            <div class="kpi" title={t("tip_skipped")}>
              <div class="kpi-label">{t("col_skipped")}</div>
              <div class="kpi-value">{fmtNumber(r.skipped_count)}</div>
            </div>
            <div class="kpi">
              <div class="kpi-label">{t("col_errors")}</div>
              <div class="kpi-value">{fmtNumber(r.error_count)}</div>
            </div>
          </div>
          <h2>{t("skip_breakdown")}</h2>
          {breakdown.length === 0 ? (
            <p class="muted">{t("no_breakdown")}</p>
          ) : (
            <ul class="bars plain" data-testid="skip-breakdown">
              {breakdown.map(([k, v]) => (
                <li key={k}>
                  <span class="bar-label">{words.skipReason(r.job_name, k)}</span>
                  <span
                    class="bar"
                    style={{ width: `${Math.max(2, (v / maxSkip) * 100)}%` }}
                    aria-hidden="true"
                  />
                  <span class="bar-value">{fmtNumber(v)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <h2>{t("stages_label")}</h2>
      {isActive && <RunProgress progress={r.progress} job={r.job_name} run={r} startingHint={false} />}
      {r.progress && r.progress.stages.length > 0 ? (
        <ol class="timeline" data-testid="stage-timeline">
          {r.progress.stages.map((s) => {
            const d =
              s.started_at && s.finished_at
                ? Math.max(0, (Date.parse(s.finished_at) - Date.parse(s.started_at)) / 1000)
                : null;
            const look = stageLook(s.status, { retrying, ended, cancelled: r.status === "CANCELLED" });
            return (
              <li key={s.name} class={`stage-${look.cls}`} data-stage={s.name} data-stage-status={look.cls}>
                <strong>{words.stage(r.job_name, s.name)}</strong>{" "}
                <span class="badge-lite">{t(look.key)}</span>{" "}
                <span class="muted small">
                  {s.started_at ? <When iso={s.started_at} compact past /> : ""}{" "}
                  {d != null ? `· ${t("stage_duration", { d: fmtDuration(d, lang) })}` : ""}
                </span>
              </li>
            );
          })}
        </ol>
      ) : (
        <p class="muted">{t("no_stages")}</p>
      )}
      <h2>{t("attempts_title")}</h2>
      <RunAttempts attempts={r.attempts ?? []} />
      <h2>{t("run_log_title")}</h2>
      <RunLog id={r.execution_uuid} version={r.updated_at} />
      <h2>{t("params")}</h2>
      <pre class="json">{JSON.stringify(r.params, null, 2)}</pre>
      <details>
        <summary>{t("run_json")}</summary>
        <pre class="json">{JSON.stringify(r, null, 2)}</pre>
      </details>
      <Dialog open={confirmCancel} title={t("cancel_run")} onClose={() => setConfirmCancel(false)}>
        <p>{t("cancel_confirm", { job: r.job_name })}</p>
        <ConfirmActions
          keepLabel={t("keep_running")}
          confirmLabel={t("cancel_this_run")}
          danger
          onKeep={() => setConfirmCancel(false)}
          onConfirm={() => void cancel()}
        />
      </Dialog>
    </section>
  );
}
