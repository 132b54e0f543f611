// A failed request's reason in words an operator can act on, in their language (issue 14,
// problem 9): offline, the server unreachable, a server error, not allowed; never "Failed to fetch".
import { ApiError } from "./api.ts";
import type { Translate } from "./i18n.ts";

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
