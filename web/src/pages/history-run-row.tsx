// One row of the history table, and the full record it fetches when opened.
import type { RunListItem } from "#schemas/answers.ts";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { AnomalyBadge } from "../components/anomaly.tsx";
import { CopyButton } from "../components/copy-button.tsx";
import { ErrorNote } from "../components/error-note.tsx";
import { StatusBadge } from "../components/run-status.tsx";
import { When } from "../components/when.tsx";
import { fmtDuration, fmtNumber } from "../format.ts";
import { usePoll } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { useJobWords } from "../job-words.ts";
import { cancelledBy } from "../run-words.ts";

export function RunRow({
  run: r,
  open,
  onToggle,
}: {
  run: RunListItem;
  open: boolean;
  onToggle: () => void;
}) {
  const { t, lang } = useApp();
  const words = useJobWords();
  const canceller = cancelledBy(r);
  const breakdown = r.skip_breakdown
    ? Object.entries(r.skip_breakdown)
        .map(([k, v]) => `${words.skipReason(r.job_name, k)}: ${fmtNumber(v)}`)
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
        <td class="nowrap finished-cell" data-label={t("col_finished")}>
          {r.finished_at ? <When iso={r.finished_at} compact /> : <span class="muted">—</span>}
        </td>
        <td data-label={t("job")}>
          <a href={`/history?job=${encodeURIComponent(r.job_name)}`}>{r.job_name}</a>
        </td>
        <td data-label={t("data_source")} class="source-cell">
          {r.data_source.join(", ")}
        </td>
        <td class="num phone-hide" data-label={t("col_fetched")}>
          {fmtNumber(r.input_count)}
        </td>
        <td class="num" data-label={t("col_inserted")}>
          {fmtNumber(r.inserted_count)}
        </td>
        <td class="num phone-hide" title={breakdown} data-label={t("col_skipped")}>
          <span class={r.skip_breakdown ? "has-tip" : undefined}>{fmtNumber(r.skipped_count)}</span>
        </td>
        <td class="nowrap" data-label={t("col_trigger")} data-testid="run-trigger">
          {t(`trigger_${r.trigger_source}` as MessageKey)}
        </td>
        <td class="nowrap" data-label={t("status")}>
          <StatusBadge status={r.status} />
          {r.anomalies?.length ? <AnomalyBadge anomalies={r.anomalies} /> : null}
          {r.status === "RUNNING" && stage && (
            <div class="row-stage" data-testid="row-stage">
              {words.stage(r.job_name, stage)}
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
        {canceller ? (
          <td class="muted small" data-label={t("col_error")}>
            {t("cancelled_by_short", { who: canceller })}
          </td>
        ) : (
          <td class="error-cell" title={r.error_summary ?? undefined} data-label={t("col_error")}>
            {r.error_summary ?? ""}
          </td>
        )}
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
      <td colSpan={13}>
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
