// Small shared pieces. Colour is never the only signal: badges carry a symbol and a word, bars
// carry numbers, switches carry their state in text and aria.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Progress, RunStatus, StageStatus } from "#schemas/run.ts";
import { useApp } from "../app-context.ts";
import { fmtDateTime, fmtRelative, tzLabel } from "../format.ts";
import { useNow } from "../hooks.ts";
import type { MessageKey } from "../i18n.ts";
import { setQuery } from "../router.ts";

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

/** Absolute time in the display zone with its label, and the relative time beside it. */
export function When({
  iso,
  withSeconds = true,
  compact = false,
}: {
  iso: string | null | undefined;
  withSeconds?: boolean;
  compact?: boolean;
}) {
  const { tz, lang } = useApp();
  const now = useNow();
  if (!iso) return <span class="muted">—</span>;
  const abs = `${fmtDateTime(iso, tz, withSeconds)} ${tzLabel(tz)}`;
  return (
    <time dateTime={iso} title={abs} class="when">
      <span>{compact ? fmtDateTime(iso, tz, withSeconds).slice(5) : abs}</span>{" "}
      <span class="rel">({fmtRelative(iso, lang, now)})</span>
    </time>
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
export function StageBar({ progress }: { progress: Progress | null }) {
  const { t } = useApp();
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
          title={`${s.name}: ${t(`stage_${s.status}` as MessageKey)}`}
        >
          <span aria-hidden="true">{STAGE_SYMBOL[s.status]}</span>
          <span class="stage-name">{s.name}</span>
          <span class="sr-only"> ({t(`stage_${s.status}` as MessageKey)})</span>
        </li>
      ))}
    </ol>
  );
}

/** What a running run is doing: stage bar, message, current/total, per-item bars. */
export function RunProgress({
  progress,
  stagesBar = true,
}: {
  progress: Progress | null;
  stagesBar?: boolean;
}) {
  const { t } = useApp();
  if (!progress) return <p class="muted">{t("progress_waiting")}</p>;
  return (
    <div class="run-progress">
      {stagesBar && <StageBar progress={progress} />}
      <p class="progress-message">
        {progress.stage && <strong>{progress.stage}</strong>} {progress.message ?? ""}
      </p>
      {(progress.current != null || progress.total != null) && (
        <ProgressBar current={progress.current} total={progress.total} label={t("progress_label")} />
      )}
      {progress.items.length > 0 && (
        <ul class="items" aria-label={t("progress_items")}>
          {progress.items.map((it) => (
            <li key={it.name}>
              <span class="item-name">
                <span aria-hidden="true">{STAGE_SYMBOL[it.status]}</span> {it.name}
              </span>
              <ProgressBar current={it.current} total={it.total} label={it.name} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useApp();
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="icon-btn"
      aria-label={label}
      title={label}
      onClick={async (e) => {
        e.stopPropagation();
        try {
          await navigator.clipboard.writeText(text);
        } catch {
          // no clipboard permission (http, old browser): select-and-copy still works on the text
        }
        setDone(true);
        setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? (
        "✓"
      ) : (
        <svg
          width="14"
          height="14"
          viewBox="0 0 16 16"
          aria-hidden="true"
          fill="none"
          stroke="currentColor"
          stroke-width="1.5"
        >
          <rect x="5" y="5" width="9" height="9" rx="1.5" />
          <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" />
        </svg>
      )}
      <span class="sr-only" aria-live="polite">
        {done ? t("copied") : ""}
      </span>
    </button>
  );
}

export function Switch({
  checked,
  onChange,
  label,
  disabled,
  id,
  onText,
  offText,
}: {
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  disabled?: boolean;
  id?: string;
  /** words for the two states (default 有効 / 無効) */
  onText?: string;
  offText?: string;
}) {
  const { t } = useApp();
  return (
    <button
      type="button"
      role="switch"
      id={id}
      class={`switch${checked ? " on" : ""}`}
      aria-checked={checked}
      aria-label={label}
      disabled={disabled}
      onClick={() => onChange(!checked)}
    >
      <span class="knob" aria-hidden="true" />
      <span class="switch-text">{checked ? (onText ?? t("on")) : (offText ?? t("off"))}</span>
    </button>
  );
}

/** A native modal <dialog>: focus is trapped and Escape closes it, for free. */
export function Dialog({
  open,
  title,
  onClose,
  children,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const { t } = useApp();
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="dialog-title" class="dialog">
      {open && (
        <>
          <header class="dialog-head">
            <h2 id="dialog-title">{title}</h2>
            <button type="button" class="icon-btn" aria-label={t("close")} onClick={onClose}>
              ✕
            </button>
          </header>
          {children}
        </>
      )}
    </dialog>
  );
}

export function ErrorNote({ error }: { error: Error | null }) {
  const { t } = useApp();
  if (!error) return null;
  return (
    <p class="error-note" role="alert">
      {t("load_failed")}: {error.message}
    </p>
  );
}

export function Field({
  label,
  error,
  hint,
  children,
  id,
}: {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  id: string;
  children: JSX.Element;
}) {
  return (
    <div class={`field${error ? " has-error" : ""}`}>
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <small class="hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
      {error && (
        <small class="field-error" id={`${id}-error`} role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function Kpi({
  label,
  value,
  sub,
  tone,
}: {
  label: string;
  value: string;
  sub?: string;
  tone?: "good" | "bad" | undefined;
}) {
  return (
    <div class={`kpi${tone ? ` kpi-${tone}` : ""}`}>
      <div class="kpi-label">{label}</div>
      <div class="kpi-value">{value}</div>
      {sub && <div class="kpi-sub">{sub}</div>}
    </div>
  );
}

/** The job picker of the trigger dialog and the schedule form. */
export function JobSelect({
  id,
  jobs,
  value,
  onChange,
}: {
  id: string;
  jobs: readonly { name: string }[];
  value: string;
  onChange: (name: string) => void;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      {jobs.map((j) => (
        <option key={j.name} value={j.name}>
          {j.name}
        </option>
      ))}
    </select>
  );
}

/**
 * Newer / Older over a signed cursor kept in the URL (?cursor=). The cursors of the pages walked
 * so far are kept in memory, so Newer goes back one page; a shared link starts a new walk.
 */
export function Pager({
  cursor,
  next,
  stack,
  children,
}: {
  cursor: string;
  next: string | null | undefined;
  stack: { current: string[] };
  children?: ComponentChildren;
}) {
  const { t } = useApp();
  return (
    <nav class="pager" aria-label={t("pages")}>
      <button
        type="button"
        class="btn"
        disabled={!cursor}
        onClick={() => setQuery({ cursor: stack.current.pop() ?? null }, { push: true })}
      >
        ← {t("newer")}
      </button>
      {children}
      <button
        type="button"
        class="btn"
        disabled={!next}
        onClick={() => {
          stack.current.push(cursor);
          setQuery({ cursor: next ?? null }, { push: true });
        }}
      >
        {t("older")} →
      </button>
    </nav>
  );
}
