// The three states a list shows before or instead of its rows, told apart (issue 14, problem 9):
// still loading, failed (why, in the operator's language, and a Retry), or really empty. Without
// it a slow or failed request looked like "no runs yet".
import type { ComponentChildren } from "preact";
import { useApp } from "../app-context.ts";
import { failureReason } from "../failure-reason.ts";

/**
 * Renders the state of a polled list: `error` wins while there is no data to show (a failed poll
 * over shown data is a line above it), then loading, then `empty` when `isEmpty`; else nothing.
 */
export function LoadState({
  loading,
  error,
  hasData,
  isEmpty,
  onRetry,
  empty,
  as = "p",
  colSpan,
}: {
  loading: boolean;
  error: Error | null;
  hasData: boolean;
  isEmpty: boolean;
  onRetry: () => void;
  empty: ComponentChildren;
  /** "row": a table row spanning `colSpan` columns */
  as?: "p" | "row";
  colSpan?: number;
}) {
  const { t } = useApp();
  let body: ComponentChildren = null;
  let state = "";
  if (error) {
    state = "failed";
    body = (
      <>
        <span role="alert">{t("state_failed", { reason: failureReason(t, error) })}</span>{" "}
        <button type="button" class="btn small" onClick={onRetry}>
          {t("retry")}
        </button>
      </>
    );
  } else if (!hasData && loading) {
    state = "loading";
    body = <span role="status">{t("state_loading")}</span>;
  } else if (hasData && isEmpty) {
    state = "empty";
    body = empty;
  }
  if (!state) return null;
  const cls = `load-state load-${state}`;
  if (as === "row")
    return (
      <tr>
        <td colSpan={colSpan} class={cls} data-testid="load-state" data-state={state}>
          {body}
        </td>
      </tr>
    );
  return (
    <p class={cls} data-testid="load-state" data-state={state}>
      {body}
    </p>
  );
}
