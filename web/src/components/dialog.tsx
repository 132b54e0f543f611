// A native modal <dialog> with a title bar and a close button.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { useApp } from "../app-context.ts";

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

/**
 * A confirmation's two buttons, each naming what it does ("Keep it running" / "Cancel this run"),
 * never a bare "Continue" / "OK": the operator reads the action, not the dialog, before clicking.
 */
export function ConfirmActions({
  keepLabel,
  confirmLabel,
  danger = false,
  onKeep,
  onConfirm,
}: {
  keepLabel: string;
  confirmLabel: string;
  danger?: boolean;
  onKeep: () => void;
  onConfirm: () => void;
}) {
  return (
    <div class="actions">
      <button type="button" class="btn" onClick={onKeep}>
        {keepLabel}
      </button>
      <button type="button" class={`btn ${danger ? "danger" : "primary"}`} onClick={onConfirm}>
        {confirmLabel}
      </button>
    </div>
  );
}
