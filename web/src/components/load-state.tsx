// The three states a list shows before or instead of its rows, told apart (issue 14, problem 9):
// still loading, failed (why, in the operator's language, and a Retry), or really empty. Without
// it a slow or failed request looked like "no runs yet".
import type { ComponentChildren } from "preact";
import { ApiError } from "../api.ts";
import { useApp } from "../app-context.ts";
import type { Translate } from "../i18n.ts";

/** Why a request failed, in words an operator can act on (never a bare "Failed to fetch"). */
export function failureReason(t: Translate, error: Error): string {
  if (typeof navigator !== "undefined" && navigator.onLine === false) return t("state_offline");
  if (error instanceof ApiError) {
    if (error.status === 401 || error.status === 403) return t("state_unauthorized");
    if (error.status >= 500) return t("state_server", { status: error.status });
    return error.message;
  }
  // fetch() rejects with a TypeError when the request never got an answer: the browser is online,
  // so the server (or the way to it) is down.
  if (error instanceof TypeError) return t("state_unreachable");
  return error.message;
}

/** The same for something that is not an Error (a thrown string). */
export const reasonOf = (t: Translate, e: unknown): string =>
  e instanceof Error ? failureReason(t, e) : String(e);

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
