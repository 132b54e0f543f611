// The jobs page's change-time dialog for a daily schedule (HH:MM), with the next fires previewed.
import { useEffect, useState } from "preact/hooks";
import { api, type PreviewResult } from "../api.ts";
import { useApp } from "../app-context.ts";
import { Dialog } from "../components/dialog.tsx";
import { dailyExpression, dailyTime } from "../daily-schedule.ts";
import { fmtDateTime, tzLabel } from "../format.ts";
import { useDebounced } from "../hooks.ts";
import type { ScheduleSummary } from "./job-card.tsx";

/** HH:MM for a daily schedule: PATCHes the expression, previews the next fires as you type. */
export function ChangeTimeDialog({
  target,
  onClose,
  onSaved,
}: {
  target: { job: string; schedule: ScheduleSummary } | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, tz, toast } = useApp();
  const [time, setTime] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<PreviewResult | null>(null);
  useEffect(() => {
    setTime(target ? (dailyTime(target.schedule.schedule_expression) ?? "") : "");
    setError(null);
  }, [target]);
  const expr = dailyExpression(time);
  const debounced = useDebounced(expr, 250);
  useEffect(() => {
    if (!debounced || !target) return setPreview(null);
    void api("POST /v1/schedules/preview", {
      body: { schedule_expression: debounced, timezone: target.schedule.timezone, count: 3 },
    }).then(setPreview, () => setPreview(null));
  }, [debounced, target]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!target || !expr) return setError(t("v_time"));
    try {
      await api("PATCH /v1/schedules/{id}", {
        path: { id: target.schedule.id },
        body: { schedule_expression: expr },
      });
      toast({ kind: "success", title: t("time_changed", { name: target.schedule.name, time }) });
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <Dialog
      open={target !== null}
      title={t("change_time_title", { job: target?.job ?? "" })}
      onClose={onClose}
    >
      <form class="form" onSubmit={save} noValidate>
        <div class="field">
          <label for="change-time">
            {t("daily_at")} ({target ? tzLabel(target.schedule.timezone) : ""})
          </label>
          <input
            id="change-time"
            type="time"
            required
            value={time}
            onInput={(e) => setTime(e.currentTarget.value)}
            aria-invalid={error ? true : undefined}
          />
          {error && (
            <small class="field-error" role="alert">
              {error}
            </small>
          )}
        </div>
        {preview?.valid && (
          <div class="preview" aria-live="polite">
            <strong>{t("next_fires")}</strong>
            <ul class="plain mono">
              {preview.next_fire_times.map((x) => (
                <li key={x}>
                  {fmtDateTime(x, tz, false)} {tzLabel(tz)}
                </li>
              ))}
            </ul>
          </div>
        )}
        <div class="actions">
          <button type="button" class="btn" onClick={onClose}>
            {t("cancel")}
          </button>
          <button type="submit" class="btn primary">
            {t("save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
