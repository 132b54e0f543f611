// The history page's filter bar: period (or a custom range), job, status, data source, trigger,
// execution id.

import { useEffect, useState } from "preact/hooks";
import { RUN_STATUSES, TRIGGER_SOURCES } from "#schemas/run.ts";
import type { JobView } from "../api.ts";
import { useApp } from "../app-context.ts";
import { useDebounced } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";

export const PERIODS = ["today", "7d", "30d", "all", "custom"] as const;
export type Period = (typeof PERIODS)[number];

/** The filters as read from the URL ("" = not set). */
export type HistoryFilterValues = {
  period: Period;
  from: string;
  to: string;
  job: string;
  status: string;
  source: string;
  trigger: string;
  /** the start of an execution id */
  run: string;
  /** "true": flagged runs only (issue 16 part 3) */
  anomaly: string;
};

export function HistoryFilters({
  values: { period, from, to, job, status, source, trigger, run, anomaly },
  jobs,
  filter,
}: {
  values: HistoryFilterValues;
  jobs: readonly JobView[];
  /** changes the URL's filters (null drops one) and starts paging over */
  filter: (changes: Record<string, string | null>) => void;
}) {
  const { t } = useApp();
  const dataSources = [...new Set(jobs.flatMap((j) => j.data_sources))].sort();
  return (
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
      <RunIdSearch value={run} onSearch={(v) => filter({ run: v || null })} />
      <label class="check-filter">
        <input
          type="checkbox"
          name="anomaly"
          checked={anomaly === "true"}
          onChange={(e) => filter({ anomaly: e.currentTarget.checked ? "true" : null })}
        />
        {t("anomaly_filter")}
      </label>
      {(job || status || source || trigger || run || anomaly || period !== "7d") && (
        <button
          type="button"
          class="btn small"
          onClick={() =>
            filter({
              job: null,
              status: null,
              source: null,
              trigger: null,
              run: null,
              anomaly: null,
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
  );
}

/**
 * Search by execution id (issue 14, problem 8): the start of one (what a log line or a chat
 * message quotes) narrows the list as it is typed; a whole id finds that run whatever the period.
 */
function RunIdSearch({ value, onSearch }: { value: string; onSearch: (v: string) => void }) {
  const { t } = useApp();
  const [text, setText] = useState(value);
  const typed = useDebounced(text, 300);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    const v = typed.trim().toLowerCase();
    if (v !== value && (v === "" || /^[0-9a-f-]{1,36}$/.test(v))) onSearch(v);
  }, [typed]);
  return (
    <label>
      {t("run_id_search")}
      <input
        id="f-run-id"
        class="mono"
        type="search"
        value={text}
        size={12}
        maxLength={36}
        spellcheck={false}
        autoComplete="off"
        placeholder={t("run_id_placeholder")}
        onInput={(e) => setText(e.currentTarget.value)}
      />
    </label>
  );
}
