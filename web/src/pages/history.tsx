// データ収集履歴: every run, newest first, 100 a page, filters in the URL, refreshing by itself
// (conditional GETs: an unchanged page is a 304 and no re-render), rows that expand in place.
import { useMemo, useRef, useState } from "preact/hooks";
import type { RunListItem } from "#schemas/answers.ts";
import { RUN_STATUSES, TRIGGER_SOURCES, type TriggerSource } from "#schemas/run.ts";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { CopyButton } from "../components/copy-button.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { Pager } from "../components/pager.tsx";
import { StatusBadge } from "../components/run-status.tsx";
import { TriggerDialog } from "../components/trigger-dialog.tsx";
import { When } from "../components/when.tsx";
import { dateInputToInstant, fmtDuration, fmtNumber, startOfDay } from "../format.ts";
import { useJobs, usePoll } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { setQuery, useLocation } from "../router.ts";

const PAGE_SIZE = 100;
const PERIODS = ["today", "7d", "30d", "all", "custom"] as const;
type Period = (typeof PERIODS)[number];

export function HistoryPage() {
  const { t, tz, canWrite, toast } = useApp();
  const { query } = useLocation();
  const period = (PERIODS as readonly string[]).includes(query.get("period") ?? "")
    ? (query.get("period") as Period)
    : "7d";
  const job = query.get("job") ?? "";
  const status = query.get("status") ?? "";
  const source = query.get("source") ?? "";
  const trigger = query.get("trigger") ?? "";
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  const cursor = query.get("cursor") ?? "";
  const jobs = useJobs();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [triggerOpen, setTriggerOpen] = useState(false);
  const cursorStack = useRef<string[]>([]);

  const range = useMemo(() => {
    if (period === "today") return { after: startOfDay(tz, 0), before: undefined };
    if (period === "7d") return { after: startOfDay(tz, 6), before: undefined };
    if (period === "30d") return { after: startOfDay(tz, 29), before: undefined };
    if (period === "custom")
      return {
        after: from ? (dateInputToInstant(from, tz) ?? undefined) : undefined,
        before: to ? (dateInputToInstant(to, tz, true) ?? undefined) : undefined,
      };
    return { after: undefined, before: undefined };
  }, [period, from, to, tz]);

  const filterKey = JSON.stringify([period, job, status, source, trigger, from, to, cursor]);
  const [fast, setFast] = useState(false);
  const runs = usePoll(
    (signal) =>
      api("GET /v1/runs", {
        conditional: true,
        signal,
        // Empty filters are left out of the query (the client drops empty values).
        query: {
          limit: PAGE_SIZE,
          job_name: job || undefined,
          status: status || undefined,
          data_source: source || undefined,
          trigger_source: (trigger || undefined) as TriggerSource | undefined,
          started_after: range.after,
          started_before: range.before,
          cursor: cursor || undefined,
        },
      }).then((p) => {
        setFast(p.results.some((r) => r.status === "RUNNING" || r.status === "QUEUED"));
        return p;
      }),
    // ≤ 5 s always; 2 s while a run on the page is moving, so its stage is seen advancing.
    fast ? 2000 : 5000,
    filterKey,
  );
  const header = usePoll(
    (signal) =>
      Promise.all([
        api("GET /v1/dashboard/job-progress", { conditional: true, signal }),
        api("GET /v1/runs", { conditional: true, signal, query: { limit: 1, job_name: job || undefined } }),
      ]),
    5000,
    `head:${job}`,
  );

  const [progress, latest] = header.data ?? [null, null];
  const running = (progress?.active ?? []).filter((r) => !job || r.job_name === job);
  const latestRun = latest?.results[0] ?? null;
  const page = runs.data;
  const dataSources = [...new Set(jobs.flatMap((j) => j.data_sources))].sort();

  const toggle = (id: string) =>
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const filter = (changes: Record<string, string | null>) => {
    cursorStack.current = [];
    setQuery({ ...changes, cursor: null }, { push: true });
  };

  return (
    <section>
      <div class="page-head">
        <PageTitle titleKey="history_title" />
        <div class="head-facts" data-testid="history-head">
          <div>
            <span class="fact-label">{t("next_run")}</span>{" "}
            {running.length > 0 ? (
              <a
                href={`/runs/${running[0]?.execution_uuid}`}
                class="badge badge-running"
                data-testid="head-running"
              >
                <span aria-hidden="true">▶</span> {t("running_now")}
              </a>
            ) : (
              <When
                iso={page?.next_scheduled_for ?? latest?.next_scheduled_for ?? null}
                withSeconds={false}
              />
            )}
          </div>
          <div>
            <span class="fact-label">{t("latest_status")}</span>{" "}
            {latestRun ? (
              <>
                <StatusBadge status={latestRun.status} /> <When iso={latestRun.started_at} compact />
              </>
            ) : (
              <span class="muted">{t("no_runs_yet")}</span>
            )}
          </div>
          <button
            type="button"
            class="btn primary"
            disabled={!canWrite}
            onClick={() => setTriggerOpen(true)}
            title={canWrite ? undefined : t("viewer_disabled")}
          >
            ▶ {t("run_now")}
          </button>
        </div>
      </div>

      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label={t("filters")}>
        <label>
          {t("period")}
          <select value={period} onChange={(e) => filter({ period: e.currentTarget.value })}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {t(`period_${p}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        {period === "custom" && (
          <>
            <label>
              {t("from")}
              <input type="date" value={from} onChange={(e) => filter({ from: e.currentTarget.value })} />
            </label>
            <label>
              {t("to")}
              <input type="date" value={to} onChange={(e) => filter({ to: e.currentTarget.value })} />
            </label>
          </>
        )}
        <label>
          {t("job")}
          <select value={job} onChange={(e) => filter({ job: e.currentTarget.value })} name="job">
            <option value="">{t("all")}</option>
            {jobs.map((j) => (
              <option key={j.name} value={j.name}>
                {j.name}
              </option>
            ))}
            {job && !jobs.some((j) => j.name === job) && <option value={job}>{job}</option>}
          </select>
        </label>
        <label>
          {t("status")}
          <select value={status} onChange={(e) => filter({ status: e.currentTarget.value })} name="status">
            <option value="">{t("all")}</option>
            <option value="QUEUED,RUNNING">{t("status_active")}</option>
            <option value="FAILURE,TIMED_OUT">{t("status_failed_any")}</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`status_${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("data_source")}
          <select value={source} onChange={(e) => filter({ source: e.currentTarget.value })} name="source">
            <option value="">{t("all")}</option>
            {dataSources.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("trigger_source")}
          <select value={trigger} onChange={(e) => filter({ trigger: e.currentTarget.value })} name="trigger">
            <option value="">{t("all")}</option>
            {TRIGGER_SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`trigger_${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        {(job || status || source || trigger || period !== "7d") && (
          <button
            type="button"
            class="btn small"
            onClick={() =>
              filter({
                job: null,
                status: null,
                source: null,
                trigger: null,
                period: null,
                from: null,
                to: null,
              })
            }
          >
            {t("clear_filters")}
          </button>
        )}
      </form>

      <ErrorNote error={runs.error} />
      <div class="table-wrap">
        <table class="runs" aria-busy={runs.loading && !page}>
          <caption class="sr-only">{t("history_caption")}</caption>
          <thead>
            <tr>
              <th scope="col">
                <span class="sr-only">{t("expand")}</span>
              </th>
              <th scope="col">{t("col_started")}</th>
              <th scope="col">{t("col_finished")}</th>
              <th scope="col">{t("job")}</th>
              <th scope="col">{t("data_source")}</th>
              <th scope="col" class="num" title={t("tip_fetched")}>
                {t("col_fetched")}
              </th>
              <th scope="col" class="num" title={t("tip_inserted")}>
                {t("col_inserted")}
              </th>
              <th scope="col" class="num" title={t("tip_skipped")}>
                {t("col_skipped")}
              </th>
              <th scope="col">{t("status")}</th>
              <th scope="col" class="num">
                {t("col_duration")}
              </th>
              <th scope="col">{t("col_execution_id")}</th>
              <th scope="col">{t("col_error")}</th>
            </tr>
          </thead>
          <tbody>
            {page?.results.map((r) => (
              <RunRow
                key={r.execution_uuid}
                run={r}
                open={expanded.has(r.execution_uuid)}
                onToggle={() => toggle(r.execution_uuid)}
              />
            ))}
            {page && page.results.length === 0 && (
              <tr>
                <td colSpan={12} class="empty">
                  {t("no_runs_match")}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <Pager cursor={cursor} next={page?.next_cursor} stack={cursorStack}>
        <span class="muted" data-testid="page-count">
          {page ? t("rows_shown", { n: page.count }) : ""}
        </span>
      </Pager>
      {jobs.length > 0 && (
        <TriggerDialog
          jobs={jobs}
          initialJob={job || null}
          open={triggerOpen}
          onClose={() => setTriggerOpen(false)}
          onStarted={(s, name) => {
            setTriggerOpen(false);
            toast({
              kind: "info",
              title: t("started_toast", { job: name }),
              href: `/runs/${s.execution_uuid}`,
            });
            runs.refresh();
            header.refresh();
          }}
        />
      )}
    </section>
  );
}

function RunRow({ run: r, open, onToggle }: { run: RunListItem; open: boolean; onToggle: () => void }) {
  const { t, lang } = useApp();
  const breakdown = r.skip_breakdown
    ? Object.entries(r.skip_breakdown)
        .map(([k, v]) => `${k}: ${fmtNumber(v)}`)
        .join("\n")
    : t("no_breakdown");
  const detailId = `run-detail-${r.execution_uuid}`;
  const stage = r.progress?.stage;
  return (
    <>
      <tr
        class={`run-row${open ? " open" : ""}`}
        data-testid="run-row"
        data-uuid={r.execution_uuid}
        data-status={r.status}
      >
        <td>
          <button
            type="button"
            class="icon-btn"
            aria-expanded={open}
            aria-controls={detailId}
            aria-label={t("expand_row")}
            onClick={onToggle}
          >
            {open ? "▾" : "▸"}
          </button>
        </td>
        <td class="nowrap" data-label={t("col_started")}>
          <When iso={r.started_at} compact />
        </td>
        <td class="nowrap" data-label={t("col_finished")}>
          {r.finished_at ? <When iso={r.finished_at} compact /> : <span class="muted">—</span>}
        </td>
        <td data-label={t("job")}>
          <a href={`/history?job=${encodeURIComponent(r.job_name)}`}>{r.job_name}</a>
        </td>
        <td data-label={t("data_source")}>{r.data_source.join(", ")}</td>
        <td class="num" data-label={t("col_fetched")}>
          {fmtNumber(r.input_count)}
        </td>
        <td class="num" data-label={t("col_inserted")}>
          {fmtNumber(r.inserted_count)}
        </td>
        <td class="num" title={breakdown} data-label={t("col_skipped")}>
          <span class={r.skip_breakdown ? "has-tip" : undefined}>{fmtNumber(r.skipped_count)}</span>
        </td>
        <td class="nowrap" data-label={t("status")}>
          <StatusBadge status={r.status} />
          {r.status === "RUNNING" && stage && (
            <div class="row-stage" data-testid="row-stage">
              {stage}
              {r.progress && r.progress.stage_index !== null
                ? ` (${r.progress.stage_index + 1}/${r.progress.stage_count})`
                : ""}
            </div>
          )}
          {r.attempt > 1 && <div class="muted small">{t("attempt_n", { n: r.attempt })}</div>}
        </td>
        <td class="num nowrap" data-label={t("col_duration")}>
          {fmtDuration(r.duration_seconds, lang)}
        </td>
        <td class="nowrap mono" data-label={t("col_execution_id")}>
          <a href={`/runs/${r.execution_uuid}`} title={r.execution_uuid}>
            {r.execution_uuid.slice(0, 8)}
          </a>
          <CopyButton text={r.execution_uuid} label={t("copy_id")} />
        </td>
        <td class="error-cell" title={r.error_summary ?? undefined} data-label={t("col_error")}>
          {r.error_summary ?? ""}
        </td>
      </tr>
      {open && <RunDetail row={r} id={detailId} />}
    </>
  );
}

/**
 * An opened row: the list carries only what the table shows, so the whole record (params, stages,
 * per-item progress, links) is fetched when the row opens, and again when the row itself changes.
 */
function RunDetail({ row: r, id }: { row: RunListItem; id: string }) {
  const { t } = useApp();
  const full = usePoll(
    (signal) =>
      api("GET /v1/runs/{execution_uuid}", {
        path: { execution_uuid: r.execution_uuid },
        conditional: true,
        signal,
      }),
    0,
    `${r.execution_uuid}:${r.updated_at}`,
  );
  return (
    <tr class="run-detail-row" id={id}>
      <td colSpan={12}>
        {r.error_summary && (
          <div class="full-error">
            <strong>{t("col_error")}</strong>
            <pre>{r.error_summary}</pre>
          </div>
        )}
        <ErrorNote error={full.error} />
        <details open>
          <summary>{t("run_json")}</summary>
          <pre class="json" aria-busy={full.loading && !full.data}>
            {JSON.stringify(full.data ?? r, null, 2)}
          </pre>
        </details>
        <a href={`/runs/${r.execution_uuid}`}>{t("open_run")} →</a>
      </td>
    </tr>
  );
}
