// Is this error a store outage (the caller may retry later) rather than a defect or a refusal? Read
// by shape only (name, code, HTTP status, message), with no SDK import: the domain decides with it
// how a run ends, the API answers 503 with it, and it holds for any copy of the SDK.

/** Error names of a store that is down, slow or overloaded (the SDK's and Node's). */
const UNAVAILABLE_NAMES = new Set([
  "TimeoutError",
  "AbortError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalServerError",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "LimitExceededException",
  "TransactionInProgressException",
]);
/** Node's codes of a connection that could not be made or was lost. */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  // the disk under the store is full
  "ENOSPC",
  "EDQUOT",
  "SQLITE_FULL",
  "SQLITE_IOERR",
]);
/**
 * What a store that failed on its side says when it has no HTTP status to show: DynamoDB Local
 * with a full disk answers "InternalFailure: unknown error" (sometimes namespaced, as
 * `com.amazonaws.dynamodb.v20120810#InternalFailure`), or passes SQLite's "database or disk is full".
 */
const STORE_FAILURE_NAME = /(^|[#.])(InternalFailure|InternalServerError|ServiceUnavailable)(Exception)?$/;
const STORE_FAILURE_MESSAGE =
  /socket hang up|ECONNREFUSED|ECONNRESET|^unknown error$|database or disk is full|disk full|no space left on device|ENOSPC|SQLITE_FULL|SQLITE_IOERR/i;

/**
 * True when `e` says the store could not be reached or could not serve the call right now
 * (connection refused or lost, a timeout, a 5xx, throttling, a full disk) — an outage the caller may retry,
 * not a defect nor a refusal of this request. Recognised by shape (name, code, HTTP status), so
 * it holds for any copy of the SDK and for errors wrapped as `cause`.
 */
export function isStoreUnavailable(e: unknown): boolean {
  for (let err = e, depth = 0; err && typeof err === "object" && depth < 5; depth++) {
    const x = err as {
      name?: unknown;
      code?: unknown;
      message?: unknown;
      $metadata?: { httpStatusCode?: number };
      $fault?: unknown;
      cause?: unknown;
    };
    if (typeof x.name === "string" && (UNAVAILABLE_NAMES.has(x.name) || STORE_FAILURE_NAME.test(x.name)))
      return true;
    if (typeof x.code === "string" && UNAVAILABLE_CODES.has(x.code)) return true;
    if (typeof x.message === "string" && STORE_FAILURE_MESSAGE.test(x.message.trim())) return true;
    // the SDK marks a failure on the service's side as a server fault
    if (x.$fault === "server") return true;
    const status = x.$metadata?.httpStatusCode;
    if (typeof status === "number" && status >= 500) return true;
    err = x.cause;
  }
  return false;
}
