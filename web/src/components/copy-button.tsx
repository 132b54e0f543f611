// An icon button that copies a text (an execution id) and says so.
import { useState } from "preact/hooks";
import { useApp } from "../app-context.ts";

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
