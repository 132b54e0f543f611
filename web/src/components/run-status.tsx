// A run's state at a glance: status badge, pipeline stage bar, progress bars.
// Colour is never the only signal: badges carry a symbol and a word, bars carry numbers.
import type { Progress, RunStatus, StageStatus } from "#schemas/run.ts";
import { useApp } from "../app-context.ts";
import type { MessageKey } from "../i18n.ts";
import { useJobWords } from "../job-words.ts";

const STATUS_SYMBOL: Record<RunStatus, string> = {
  QUEUED: "◷",
  RUNNING: "▶",
  SUCCESS: "✓",
  FAILURE: "✕",
  CANCELLED: "■",
  TIMED_OUT: "⧗",
  SKIPPED: "↷",
};

export function StatusBadge({ status }: { status: RunStatus }) {
  const { t } = useApp();
  return (
    <span class={`badge badge-${status.toLowerCase()}`} data-status={status}>
      <span aria-hidden="true">{STATUS_SYMBOL[status]}</span> {t(`status_${status}` as MessageKey)}
    </span>
  );
}

export function ProgressBar({
  current,
  total,
  label,
}: {
  current: number | null;
  total: number | null;
  label: string;
}) {
  const pct = current != null && total ? Math.min(100, Math.round((current / total) * 100)) : null;
  return (
    <div class="progress">
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total ?? undefined}
        aria-valuenow={current ?? undefined}
        aria-valuetext={current != null ? `${current}${total ? ` / ${total}` : ""}` : undefined}
      >
        <div
          class={`progress-fill${pct == null ? " indeterminate" : ""}`}
          style={{ width: `${pct ?? 100}%` }}
        />
      </div>
      <span class="progress-text">
        {current != null
          ? `${current.toLocaleString("ja-JP")}${total ? ` / ${total.toLocaleString("ja-JP")}` : ""}`
          : ""}
        {pct != null ? ` (${pct}%)` : ""}
      </span>
    </div>
  );
}

const STAGE_SYMBOL: Record<StageStatus, string> = {
  pending: "○",
  running: "◐",
  done: "●",
  failed: "✕",
  skipped: "↷",
};

/** The pipeline bar: one segment per stage, current one highlighted. */
export function StageBar({ progress, job }: { progress: Progress | null; job: string }) {
  const { t } = useApp();
  const words = useJobWords();
  const stages = progress?.stages ?? [];
  if (stages.length === 0) return null;
  const current = stages.findIndex((s) => s.status === "running");
  return (
    <ol class="stages" aria-label={t("stages_label")}>
      {stages.map((s, i) => (
        <li
          key={s.name}
          class={`stage stage-${s.status}`}
          aria-current={i === current ? "step" : undefined}
          title={`${words.stage(job, s.name)}: ${t(`stage_${s.status}` as MessageKey)}`}
        >
          <span aria-hidden="true">{STAGE_SYMBOL[s.status]}</span>
          <span class="stage-name">{words.stage(job, s.name)}</span>
          <span class="sr-only"> ({t(`stage_${s.status}` as MessageKey)})</span>
        </li>
      ))}
    </ol>
  );
}

/** What a running run is doing: stage bar, message, current/total, per-item bars. */
export function RunProgress({
  progress,
  job,
  stagesBar = true,
}: {
  progress: Progress | null;
  /** the run's job: its words name the stages, items and message */
  job: string;
  stagesBar?: boolean;
}) {
  const { t } = useApp();
  const words = useJobWords();
  if (!progress) return <p class="muted">{t("progress_waiting")}</p>;
  return (
    <div class="run-progress">
      {stagesBar && <StageBar progress={progress} job={job} />}
      <p class="progress-message">
        {progress.stage && <strong>{words.stage(job, progress.stage)}</strong>} {words.message(job, progress)}
      </p>
      {(progress.current != null || progress.total != null) && (
        <ProgressBar current={progress.current} total={progress.total} label={t("progress_label")} />
      )}
      {progress.items.length > 0 && (
        <ul class="items" aria-label={t("progress_items")}>
          {progress.items.map((it) => (
            <li key={it.name}>
              <span class="item-name">
                <span aria-hidden="true">{STAGE_SYMBOL[it.status]}</span> {words.item(job, it.name)}
              </span>
              <ProgressBar current={it.current} total={it.total} label={words.item(job, it.name)} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
