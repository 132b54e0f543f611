// The overview: KPIs over a window, a card per active run with its pipeline, recent runs, and a
// duration sparkline per job.
import { useMemo, useState } from "preact/hooks";
import type { JobStatsAnswer } from "#schemas/answers.ts";
import { STATS_WINDOWS, StatsWindowSchema } from "#schemas/dashboard.ts";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { AnomalyBadge, useAnomalyWords } from "../components/anomaly.tsx";
import { Kpi } from "../components/kpi.tsx";
import { LoadState } from "../components/load-state.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { isRetryWait, RunProgress, StatusBadge } from "../components/run-status.tsx";
import { Sparkline } from "../components/sparkline.tsx";
import { When } from "../components/when.tsx";
import { fmtDuration, fmtNumber, fmtPercent, fmtRelative, fmtUsd } from "../format.ts";
import { livePollMs, useJobs, usePoll } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { setQuery, useLocation } from "../router.ts";
import { cancelledBy } from "../run-words.ts";

export function DashboardPage() {
  const { t, lang } = useApp();
  const { query } = useLocation();
  const w = StatsWindowSchema.safeParse(query.get("window")).data ?? "24h";
  const stats = usePoll(
    (signal) => api("GET /v1/dashboard/job-stats", { query: { window: w }, conditional: true, signal }),
    15_000,
    w,
  );
  // Issue 14 (part A): every second while a run is on screen, slower when none is.
  const [live, setLive] = useState(false);
  const progress = usePoll(
    (signal) =>
      api("GET /v1/dashboard/job-progress", { conditional: true, signal }).then((p) => {
        setLive(p.active.length > 0);
        return p;
      }),
    livePollMs(live),
    "progress",
  );
  const o = stats.data?.overall;
  // Which jobs are switched off: said beside their figures (issue 14, problem 1).
  const jobs = useJobs();
  const off = new Set(jobs.filter((j) => !j.enabled).map((j) => j.name));
  const sparks = useMemo(
    () =>
      Object.entries(stats.data?.durations ?? {}).map(([job, runs]) => ({
        job,
        points: runs.map((r) => ({
          t: Date.parse(r.started_at) / 1000,
          v: r.duration_seconds,
          failed: r.status !== "SUCCESS",
        })),
      })),
    [stats.data],
  );

  return (
    <section>
      <div class="page-head">
        <PageTitle titleKey="dashboard_title" />
        <fieldset class="segmented">
          <legend class="sr-only">{t("window")}</legend>
          {STATS_WINDOWS.map((x) => (
            <button
              key={x}
              type="button"
              class={`btn small${x === w ? " active" : ""}`}
              aria-pressed={x === w}
              onClick={() => setQuery({ window: x === "24h" ? null : x })}
            >
              {t(`window_${x}` as MessageKey)}
            </button>
          ))}
        </fieldset>
      </div>
      {stats.error && !progress.error && (
        <LoadState
          loading={stats.loading}
          error={stats.error}
          hasData={stats.data !== null}
          isEmpty={false}
          onRetry={stats.refresh}
          empty={null}
        />
      )}
      <div class="kpis" data-testid="kpis">
        <Kpi
          label={t("kpi_success_rate")}
          value={fmtPercent(o?.success_rate)}
          tone={o?.success_rate == null ? undefined : o.success_rate >= 0.95 ? "good" : "bad"}
        />
        <Kpi label={t("kpi_avg_duration")} value={fmtDuration(o?.avg_duration_seconds, lang)} />
        <Kpi label={t("kpi_p95_duration")} value={fmtDuration(o?.p95_duration_seconds, lang)} />
        <Kpi
          label={t("kpi_cost")}
          value={fmtUsd(o?.cost_usd)}
          sub={o ? t("kpi_cost_sub", { n: fmtNumber(o.costed_runs) }) : undefined}
        />
        <Kpi
          label={t("kpi_failures")}
          value={fmtNumber(o?.failed)}
          tone={o && o.failed > 0 ? "bad" : undefined}
          sub={
            o?.last_failure
              ? t("kpi_last_failure", { when: fmtRelative(o.last_failure.started_at, lang) })
              : undefined
          }
        />
        <Kpi
          label={t("kpi_runs")}
          value={fmtNumber(o?.total)}
          sub={o ? t("kpi_runs_sub", { ok: o.succeeded, skipped: o.skipped }) : undefined}
        />
        <Kpi
          label={t("kpi_anomalies")}
          value={fmtNumber(stats.data?.flagged.count)}
          tone={stats.data && stats.data.flagged.count > 0 ? "bad" : undefined}
          sub={t("kpi_anomalies_sub")}
        />
      </div>
      {stats.data && stats.data.flagged.count > 0 && <FlaggedRuns flagged={stats.data.flagged} />}

      <h2>{t("active_runs")}</h2>
      <div class="cards wide-cards">
        {(progress.data?.active ?? []).map((r) => (
          <article
            key={r.execution_uuid}
            class="card active-card"
            data-testid="active-run"
            data-job={r.job_name}
          >
            <header class="card-head">
              <h3>
                <a href={`/runs/${r.execution_uuid}`}>{r.job_name}</a>
              </h3>
              <StatusBadge status={r.status} retrying={isRetryWait(r)} />
            </header>
            <div class="muted small">
              {t("started")} <When iso={r.started_at} /> · {t(`trigger_${r.trigger_source}` as MessageKey)}
            </div>
            <RunProgress progress={r.progress} job={r.job_name} run={r} />
          </article>
        ))}
        <LoadState
          loading={progress.loading}
          error={progress.error}
          hasData={progress.data !== null}
          isEmpty={progress.data?.active.length === 0}
          onRetry={progress.refresh}
          empty={t("no_active_runs")}
        />
      </div>

      <div class="grid-2 wide">
        <div>
          <h2>{t("recent_runs")}</h2>
          <ul class="recent plain">
            {(progress.data?.recent ?? []).map((r) => (
              <li key={r.execution_uuid}>
                <StatusBadge status={r.status} /> <a href={`/runs/${r.execution_uuid}`}>{r.job_name}</a>{" "}
                <When iso={r.started_at} compact />{" "}
                <span class="muted">{fmtDuration(r.duration_seconds, lang)}</span>
                {cancelledBy(r) ? (
                  <div class="muted small">{t("cancelled_by_short", { who: cancelledBy(r)! })}</div>
                ) : (
                  r.error_summary && <div class="error-cell small">{r.error_summary}</div>
                )}
              </li>
            ))}
            {progress.data && progress.data.recent.length === 0 && (
              <li class="muted">{t("no_finished_runs_yet")}</li>
            )}
            {!progress.data && !progress.error && <li class="muted">{t("state_loading")}</li>}
          </ul>
        </div>
        <div>
          <h2>{t("durations")}</h2>
          <div class="table-wrap plain-wrap">
            <table class="spark-table">
              <thead>
                <tr>
                  <th scope="col">{t("job")}</th>
                  <th scope="col">{t("kpi_runs")}</th>
                  <th scope="col">{t("kpi_success_rate")}</th>
                  <th scope="col">p95</th>
                  <th scope="col">{t("cost_column")}</th>
                  <th scope="col">{t("trend")}</th>
                </tr>
              </thead>
              <tbody>
                {(stats.data?.jobs ?? []).map((j) => {
                  const s = sparks.find((x) => x.job === j.job_name);
                  return (
                    <tr key={j.job_name}>
                      <td>
                        <a href={`/history?job=${encodeURIComponent(j.job_name)}`}>{j.job_name}</a>
                        {off.has(j.job_name) && (
                          <span class="badge badge-cancelled job-off">{t("job_off_short")}</span>
                        )}
                      </td>
                      <td class="num">{fmtNumber(j.total)}</td>
                      <td class="num">{fmtPercent(j.success_rate)}</td>
                      <td class="num">{fmtDuration(j.p95_duration_seconds, lang)}</td>
                      <td class="num" data-testid="job-cost">
                        {fmtUsd(j.costed_runs > 0 ? j.cost_usd : null)}
                      </td>
                      <td>
                        <Sparkline
                          points={s?.points ?? []}
                          label={
                            (s?.points.length ?? 0) < 2
                              ? t("trend_empty")
                              : t("trend_label", {
                                  n: s?.points.length ?? 0,
                                  avg: fmtDuration(j.avg_duration_seconds, lang),
                                  p95: fmtDuration(j.p95_duration_seconds, lang),
                                })
                          }
                        />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </div>
      </div>
    </section>
  );
}

/** The window's flagged runs (issue 16 part 3): the newest ten, and the way to all of them. */
function FlaggedRuns({ flagged }: { flagged: JobStatsAnswer["flagged"] }) {
  const { t } = useApp();
  const words = useAnomalyWords();
  return (
    <div class="card anomaly-list" data-testid="anomaly-list">
      <h2>{t("anomaly_recent")}</h2>
      <ul>
        {flagged.runs.map((r) => (
          <li key={r.execution_uuid}>
            <AnomalyBadge anomalies={r.anomalies} /> <a href={`/runs/${r.execution_uuid}`}>{r.job_name}</a>{" "}
            <When iso={r.started_at} compact />{" "}
            <span class="muted small">{r.anomalies.map(words.line).join("; ")}</span>
          </li>
        ))}
      </ul>
      <a href="/history?anomaly=true&period=30d">{t("anomaly_show_all")} →</a>
    </div>
  );
}
