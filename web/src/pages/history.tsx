// データ収集履歴: every run, newest first, 100 a page, filters in the URL, refreshing by itself
// (conditional GETs: an unchanged page is a 304 and no re-render), rows that expand in place.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { TriggerSource } from "#schemas/run.ts";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { Blocked } from "../components/job-state.tsx";
import { LoadState } from "../components/load-state.tsx";
import { PageTitle } from "../components/page-title.tsx";
import { Pager } from "../components/pager.tsx";
import { StatusBadge } from "../components/run-status.tsx";
import { TriggerDialog } from "../components/trigger-dialog.tsx";
import { When } from "../components/when.tsx";
import { dateInputToInstant, fmtNumber, startOfDay } from "../format.ts";
import { useJobs, usePoll } from "../hooks.ts";
import { setQuery, useLocation } from "../router.ts";
import { HistoryFilters, PERIODS, type Period } from "./history-filters.tsx";
import { RunRow } from "./history-run-row.tsx";

const PAGE_SIZE = 100;

export function HistoryPage() {
  const { t, tz, canWrite, toast, scheduler } = useApp();
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
  const run = query.get("run") ?? "";
  // issue 16 part 3: flagged runs only
  const anomaly = query.get("anomaly") === "true" ? "true" : "";
  // A whole execution id finds its run whatever the period (the API reads it directly).
  const wholeId = run.length === 36;
  // The period is always in the URL, so a shared link shows what its sender saw (issue 14,
  // problem 8): a link without one used to mean "last 7 days" silently.
  const periodInUrl = query.has("period");
  useEffect(() => {
    if (!periodInUrl) setQuery({ period }, { push: false });
  }, [periodInUrl, period]);
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

  const filterKey = JSON.stringify([period, job, status, source, trigger, from, to, cursor, run, anomaly]);
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
          started_after: wholeId ? undefined : range.after,
          started_before: wholeId ? undefined : range.before,
          execution_id: run || undefined,
          anomaly: anomaly || undefined,
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
  // The total comes with the first page; the next pages keep showing it (same filter).
  const totalKey = JSON.stringify([period, job, status, source, trigger, from, to, run, anomaly]);
  const totalRef = useRef<{ key: string; count: number; capped: boolean } | null>(null);
  if (page?.total) totalRef.current = { key: totalKey, ...page.total };
  const total = totalRef.current?.key === totalKey ? totalRef.current : null;

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
        <div class="title-with-total">
          <PageTitle titleKey="history_title" />
          {total && (
            <span class="total" data-testid="history-total" aria-live="polite">
              {t(total.capped ? "history_total_capped" : "history_total", { n: fmtNumber(total.count) })}
            </span>
          )}
        </div>
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
            ) : job && jobs.some((j) => j.name === job && !j.enabled) ? (
              <Blocked reason="no_next_job_disabled" />
            ) : scheduler?.paused ? (
              <Blocked reason="no_next_paused" />
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
            ) : latest ? (
              <span class="muted">{t("no_runs_yet")}</span>
            ) : (
              // Not loaded (yet, or it failed): not "never ran".
              <span class="muted">{header.error ? "—" : t("state_loading")}</span>
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

      <HistoryFilters
        values={{ period, from, to, job, status, source, trigger, run, anomaly }}
        jobs={jobs}
        filter={filter}
      />

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
              <th scope="col">{t("col_trigger")}</th>
              <th scope="col">{t("status")}</th>
              <th scope="col" class="num">
                {t("col_duration")}
              </th>
              <th scope="col">{t("col_execution_id")}</th>
              <th scope="col">{t("col_error")}</th>
            </tr>
          </thead>
          <tbody>
            <LoadState
              as="row"
              colSpan={13}
              loading={runs.loading}
              error={runs.error}
              hasData={page !== null}
              isEmpty={page?.results.length === 0}
              onRetry={runs.refresh}
              empty={t("no_runs_match")}
            />
            {page?.results.map((r) => (
              <RunRow
                key={r.execution_uuid}
                run={r}
                open={expanded.has(r.execution_uuid)}
                onToggle={() => toggle(r.execution_uuid)}
              />
            ))}
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
