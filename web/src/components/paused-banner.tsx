// The scheduler's pause, on every page (issue 14, problem 2): who paused it and when, and a Resume
// for admins; pausing and resuming both ask first, naming what happens.
import { useState } from "preact/hooks";
import { api } from "../api.ts";
import { useApp } from "../app-context.ts";
import { reasonOf } from "../failure-reason.ts";
import { fmtDateTime, tzLabel } from "../format.ts";
import { Dialog } from "./dialog.tsx";
import { type PauseAsk, PauseFields, PauseNoteLine } from "./pause-note.tsx";

/** Confirms pausing (paused=true) or resuming all schedules, then does it and says so. */
export function PauseDialog({ paused, onClose }: { paused: boolean | null; onClose: () => void }) {
  const { t, toast, scheduler, refreshScheduler } = useApp();
  // Issue 16 part 5: pausing takes a reason and an optional end.
  const [ask, setAsk] = useState<PauseAsk | null>(null);
  const set = async (value: boolean) => {
    onClose();
    try {
      await api("PUT /v1/scheduler/paused", {
        body: value && ask ? { paused: true, ...ask } : { paused: value },
      });
      toast({ kind: "success", title: t(value ? "paused_all" : "resumed_all") });
    } catch (e) {
      toast({ kind: "error", title: t("action_failed"), body: reasonOf(t, e) });
    }
    refreshScheduler();
  };
  const pausing = paused === true;
  return (
    <Dialog
      open={paused !== null}
      title={t(pausing ? "pause_confirm_title" : "resume_confirm_title")}
      onClose={onClose}
    >
      <p>
        {pausing
          ? t("pause_confirm_body", { n: scheduler?.schedules_enabled ?? 0 })
          : t("resume_confirm_body")}
      </p>
      {pausing && <PauseFields onChange={setAsk} />}
      <div class="actions">
        <button type="button" class="btn" onClick={onClose}>
          {t("cancel")}
        </button>
        <button
          type="button"
          class={`btn ${pausing ? "danger" : "primary"}`}
          disabled={pausing && !ask}
          onClick={() => void set(pausing)}
        >
          {t(pausing ? "pause_confirm_action" : "resume_confirm_action")}
        </button>
      </div>
    </Dialog>
  );
}

export function PausedBanner({ onResume }: { onResume: () => void }) {
  const { t, tz, scheduler, canWrite } = useApp();
  if (!scheduler?.paused) return null;
  const when = scheduler.paused_at ? `${fmtDateTime(scheduler.paused_at, tz, false)} ${tzLabel(tz)}` : "";
  return (
    <div class="paused-banner" role="status" data-testid="paused-banner">
      <span>
        <strong>{t("paused_banner")}</strong>{" "}
        {scheduler.pause ? (
          <PauseNoteLine pause={scheduler.pause} />
        ) : (
          scheduler.paused_by && <span>{t("paused_banner_by", { who: scheduler.paused_by, when })}</span>
        )}
      </span>
      {canWrite && (
        <button type="button" class="btn small primary" onClick={onResume}>
          {t("resume")}
        </button>
      )}
    </div>
  );
}
