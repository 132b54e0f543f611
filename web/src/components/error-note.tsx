// The "could not load" line a page shows above what it failed to load.
import { useApp } from "../app-context.ts";
import { failureReason } from "../failure-reason.ts";

export function ErrorNote({ error }: { error: Error | null }) {
  const { t } = useApp();
  if (!error) return null;
  return (
    <p class="error-note" role="alert">
      {t("load_failed")}: {failureReason(t, error)}
    </p>
  );
}
