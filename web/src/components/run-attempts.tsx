// A run's failed attempts (Run.attempts): number, times, error type, message, and the first stack
// frames folded away, so a failure explains itself without opening the logs.
import type { Attempt } from "#schemas/run.ts";
import { useApp } from "../app-context.ts";
import { fmtDuration } from "../format.ts";
import { When } from "./when.tsx";

export function RunAttempts({ attempts }: { attempts: readonly Attempt[] }) {
  const { t, lang } = useApp();
  if (attempts.length === 0) return <p class="muted">{t("no_failed_attempts")}</p>;
  return (
    <ol class="attempts plain" data-testid="attempts">
      {attempts.map((a) => {
        const took =
          a.started_at && a.finished_at
            ? Math.max(0, (Date.parse(a.finished_at) - Date.parse(a.started_at)) / 1000)
            : null;
        return (
          <li key={a.attempt} class="attempt card" data-testid="attempt" data-attempt={a.attempt}>
            <div class="attempt-head">
              <strong>{t("attempt_label", { n: a.attempt })}</strong>{" "}
              <code class="attempt-type">{a.error_type}</code>{" "}
              <span class="muted small">
                <When iso={a.finished_at} compact past />
                {took != null && ` · ${fmtDuration(took, lang)}`}
              </span>
            </div>
            <pre class="attempt-message">{a.message}</pre>
            {a.stack.length > 0 && (
              <details>
                <summary>{t("attempt_stack", { n: a.stack.length })}</summary>
                <pre class="attempt-stack">{a.stack.join("\n")}</pre>
              </details>
            )}
          </li>
        );
      })}
    </ol>
  );
}
