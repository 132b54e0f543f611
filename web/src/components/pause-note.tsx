// Issue 16 part 5: who paused a thing, why, and until when (absolute in the display zone and
// relative, on the page's one clock) — the same words on the banner, job cards and schedules.
// PauseFields asks the reason (required) and an optional end when pausing.
import { useState } from "preact/hooks";
import { useApp } from "../app-context.ts";
import type { MessageKey } from "../i18n.ts";
import { Dialog } from "./dialog.tsx";
import { When } from "./when.tsx";

export type PauseNote = { by: string; at: string; reason: string; until: string | null };

export function PauseNoteLine({ pause }: { pause: PauseNote | null | undefined }) {
  const { t } = useApp();
  if (!pause) return null;
  return (
    <span class="pause-note" data-testid="pause-note">
      <span class="pause-who">{t("pause_note_by", { who: pause.by })}</span>{" "}
      <span class="pause-why">
        {t("pause_note_reason")}: <q>{pause.reason}</q>
      </span>{" "}
      <span class="pause-until">
        {pause.until ? (
          <>
            {t("pause_note_until")}: <When iso={pause.until} withSeconds={false} />
          </>
        ) : (
          t("pause_note_no_until")
        )}
      </span>
    </span>
  );
}

/** Hours ahead a pause may end (0: until resumed by hand). */
const UNTIL_CHOICES = [0, 1, 4, 24, 24 * 7] as const;

export type PauseAsk = { reason: string; until: string | null };

/** The reason and the end of a pause, for a dialog; `onReady` gets them once a reason is given. */
export function PauseFields({ onChange }: { onChange: (ask: PauseAsk | null) => void }) {
  const { t } = useApp();
  const [reason, setReason] = useState("");
  const [hours, setHours] = useState(0);
  const emit = (r: string, h: number) => {
    onChange(
      r.trim()
        ? { reason: r.trim(), until: h ? new Date(Date.now() + h * 3600_000).toISOString() : null }
        : null,
    );
  };
  return (
    <>
      <div class="field">
        <label for="pause-reason">{t("pause_reason_label")}</label>
        <textarea
          id="pause-reason"
          rows={2}
          maxLength={500}
          required
          value={reason}
          onInput={(e) => {
            setReason(e.currentTarget.value);
            emit(e.currentTarget.value, hours);
          }}
        />
      </div>
      <div class="field">
        <label for="pause-until">{t("pause_until_label")}</label>
        <select
          id="pause-until"
          value={String(hours)}
          onChange={(e) => {
            const h = Number(e.currentTarget.value);
            setHours(h);
            emit(reason, h);
          }}
        >
          {UNTIL_CHOICES.map((h) => (
            <option key={h} value={String(h)}>
              {t(`pause_until_${h}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

/** Asks why (and until when) before pausing one thing; `onConfirm` gets the answer. */
export function PauseAskDialog({
  open,
  title,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  onConfirm: (ask: PauseAsk) => void;
  onClose: () => void;
}) {
  const { t } = useApp();
  const [ask, setAsk] = useState<PauseAsk | null>(null);
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      {open && <PauseFields onChange={setAsk} />}
      <div class="actions">
        <button type="button" class="btn" onClick={onClose}>
          {t("cancel")}
        </button>
        <button
          type="button"
          class="btn danger"
          disabled={!ask}
          onClick={() => {
            if (ask) onConfirm(ask);
            onClose();
          }}
        >
          {t("pause_action")}
        </button>
      </div>
    </Dialog>
  );
}
