// A run's state at a glance: status badge, pipeline stage bar, progress bars, the retry wait.
// Colour is never the only signal: badges carry a symbol and a word, bars carry numbers.
import type { Progress, Run, RunStatus, StageStatus } from "#schemas/run.ts";
import { useApp } from "../app-context.ts";
import { fmtDateTime, fmtNumber } from "../format.ts";
import { useJobs } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { useJobWords } from "../job-words.ts";
import { isTaskStarting } from "../runtime-words.ts";

/** What the progress views read of a run (the full run or its summary in other answers). */
export type RunLike = Pick<Run, "status" | "progress" | "attempt" | "retry_at" | "max_attempts"> & {
  job_name: string;
};

/** The run waits before its next attempt (the workflow's back-off after a failed attempt). */
export const isRetryWait = (r: Pick<RunLike, "status" | "retry_at">): boolean =>
  r.status === "RUNNING" && !!r.retry_at;

const STATUS_SYMBOL: Record<RunStatus, string> = {
  QUEUED: "◷",
  RUNNING: "▶",
  SUCCESS: "✓",
  FAILURE: "✕",
  CANCELLED: "■",
  TIMED_OUT: "⧗",
  SKIPPED: "↷",
};

export function StatusBadge({ status, retrying = false }: { status: RunStatus; retrying?: boolean }) {
  const { t } = useApp();
  if (retrying)
    return (
      <span class="badge badge-queued" data-status={status} data-retry="true">
        <span aria-hidden="true">↻</span> {t("status_retry_wait")}
      </span>
    );
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
        {current != null ? `${fmtNumber(current)}${total ? ` / ${fmtNumber(total)}` : ""}` : ""}
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

/**
 * How a stage reads: during a retry wait the failed stage waits for the next attempt (not a red ✕);
 * once the run has ended, a stage still running was interrupted and a pending one never ran.
 */
export function stageLook(
  status: StageStatus,
  run: { retrying: boolean; ended: boolean; cancelled: boolean },
): { cls: string; symbol: string; key: MessageKey } {
  if (run.retrying && status === "failed") return { cls: "retry", symbol: "↻", key: "stage_retry_wait" };
  if (run.ended && status === "running")
    return run.cancelled
      ? { cls: "cancelled", symbol: "■", key: "stage_cancelled" }
      : { cls: "failed", symbol: "✕", key: "stage_interrupted" };
  if (run.ended && status === "pending") return { cls: "notrun", symbol: "–", key: "stage_not_run" };
  return { cls: status, symbol: STAGE_SYMBOL[status], key: `stage_${status}` as MessageKey };
}

/** The pipeline bar: one segment per stage, current one highlighted. */
export function StageBar({
  progress,
  job,
  status = "RUNNING",
  retrying = false,
}: {
  progress: Progress | null;
  /** the run's job: its words name the stages */
  job: string;
  status?: RunStatus;
  retrying?: boolean;
}) {
  const { t } = useApp();
  const words = useJobWords();
  const stages = progress?.stages ?? [];
  if (stages.length === 0) return null;
  const current = stages.findIndex((s) => s.status === "running");
  const ended = status !== "RUNNING" && status !== "QUEUED";
  return (
    <ol class="stages" aria-label={t("stages_label")}>
      {stages.map((s, i) => {
        const look = stageLook(s.status, { retrying, ended, cancelled: status === "CANCELLED" });
        const name = words.stage(job, s.name);
        return (
          <li
            key={s.name}
            class={`stage stage-${look.cls}`}
            aria-current={i === current && !ended ? "step" : undefined}
            title={`${name}: ${t(look.key)}`}
          >
            <span aria-hidden="true">{look.symbol}</span>
            <span class="stage-name">{name}</span>
            <span class="sr-only"> ({t(look.key)})</span>
          </li>
        );
      })}
    </ol>
  );
}

/** Where the run is as a whole: "Stage 2/8", and a bar by stages done (not the stage's own counter). */
function overall(progress: Progress): { index: number | null; count: number; done: number } {
  const stages = progress.stages;
  const i = stages.findIndex((s) => s.status === "running" || s.name === progress.stage);
  return {
    index: i >= 0 ? i + 1 : null,
    count: stages.length,
    done: stages.filter((s) => s.status === "done" || s.status === "skipped").length,
  };
}

/** "Retry 2/3 — starts at 14:05:10": the wait before the next attempt, from the job's retry policy. */
export function RetryNote({ run }: { run: RunLike }) {
  const { t, tz } = useApp();
  const jobs = useJobs();
  if (!isRetryWait(run) || !run.retry_at) return null;
  const max = run.max_attempts ?? jobs.find((j) => j.name === run.job_name)?.retry.attempts;
  return (
    <p class="retry-note" role="status" data-testid="retry-note">
      <span aria-hidden="true">↻ </span>
      {t("retry_wait_line", {
        n: run.attempt,
        max: max ?? "?",
        time: fmtDateTime(run.retry_at, tz).slice(11),
      })}
    </p>
  );
}

/**
 * What a running run is doing: the retry wait, stage bar, its position as a whole (stage k of n and
 * a bar by stages done), then the current stage's own counter, message and per-item bars.
 */
export function RunProgress({
  progress,
  job,
  run,
  stagesBar = true,
  startingHint = true,
}: {
  progress: Progress | null;
  /** the run's job: its words name the stages, items and message */
  job: string;
  /** The run itself: its retry wait and status shape the view. */
  run?: RunLike;
  stagesBar?: boolean;
  /** Issue 15: whether a fargate run without progress says its task is starting (the run page says it at length). */
  startingHint?: boolean;
}) {
  const { t } = useApp();
  const words = useJobWords();
  const jobs = useJobs();
  const retrying = run ? isRetryWait(run) : false;
  if (!progress) {
    const starting =
      startingHint && run && isTaskStarting(run, jobs.find((j) => j.name === run.job_name)?.runtime);
    return (
      <>
        {run && <RetryNote run={run} />}
        {starting ? (
          <p class="muted" role="status" data-testid="task-starting-short">
            {t("task_starting_short")}
          </p>
        ) : (
          <p class="muted">{t("progress_waiting")}</p>
        )}
      </>
    );
  }
  const pos = overall(progress);
  return (
    <div class="run-progress" data-testid="run-progress">
      {run && <RetryNote run={run} />}
      {stagesBar && <StageBar progress={progress} job={job} status={run?.status} retrying={retrying} />}
      {pos.count > 0 && (
        <div class="run-position" data-testid="run-position">
          <ProgressBar current={pos.done} total={pos.count} label={t("overall_progress")} />
        </div>
      )}
      <p class="progress-message" data-testid="stage-position">
        {pos.index != null && (
          <span class="muted">{t("stage_position", { k: pos.index, n: pos.count })} · </span>
        )}
        {progress.stage && <strong>{words.stage(job, progress.stage)}</strong>} {words.message(job, progress)}
      </p>
      {(progress.current != null || progress.total != null) && (
        <ProgressBar current={progress.current} total={progress.total} label={t("stage_progress_label")} />
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
