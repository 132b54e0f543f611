// HTTP for jobs that read a web API (J-Quants, the Clone batches' sources): GET with a base URL and
// fixed headers, the source's rate limit kept by spacing requests, and the failures a remote API
// really has — 429 and 5xx (and dropped connections, timeouts) — retried with exponential backoff
// and jitter, honouring Retry-After. Any other 4xx is the caller's mistake and throws at once.
// Hand-written (node's fetch, ~150 lines) rather than a library: ky retries on Retry-After but
// neither spaces requests per minute nor takes a cancellable sleep a test can record.
// Errors carry the status, the URL with secret-looking query values stripped and a bounded body
// snippet: never a header (an API key lives there).

import { maskSecrets } from "#domain/runs/run-attempts.ts";
import { sleep as abortableSleep } from "#jobs/abortable-sleep.ts";

export type HttpQuery = Record<string, string | number | undefined>;

export type HttpJsonOptions = {
  baseUrl: string;
  headers?: Record<string, string>;
  /** The source's limit: requests are spaced 60000 / n ms apart (retries included: they count). */
  requestsPerMinute?: number;
  /** Retries after the first try of a 429, 5xx, timeout or network failure (default 4). */
  retries?: number;
  /** Cancels the wait and the request in flight (the job's ctx.signal). */
  signal?: AbortSignal;
  /** Per request (default 30 s); a timed-out request is retried like a 503. */
  timeoutMs?: number;
  /** The waits (spacing, backoff); tests pass a recorder. Must return early when `signal` fires. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** First backoff step in ms (default 500): 500, 1000, 2000… each with full jitter. */
  backoffMs?: number;
  /** The longest Retry-After honoured, in ms (default 60 s): a longer one waits this long. */
  maxRetryAfterMs?: number;
  /** Told of each retry before its wait (a job logs it). */
  onRetry?: (info: RetryInfo) => void;
  /** Tests: the fetch to use. */
  fetch?: typeof fetch;
};

export type RetryInfo = {
  /** The status that is retried, or null for a network failure or timeout. */
  status: number | null;
  /** 1 for the first retry. */
  retry: number;
  delayMs: number;
  /** Whether the delay came from the answer's Retry-After. */
  retryAfter: boolean;
  url: string;
};

export interface HttpJson {
  getJson(path: string, query?: HttpQuery): Promise<unknown>;
  getText(path: string, query?: HttpQuery): Promise<string>;
}

const SNIPPET_MAX = 300;

/** A status the caller gets to see: a 4xx other than 429, or a 429/5xx after the last retry. */
export class HttpStatusError extends Error {
  override name = "HttpStatusError";
  constructor(
    readonly status: number,
    /** The request's URL, secret-looking query values stripped. */
    readonly url: string,
    readonly bodySnippet: string,
    readonly retried = 0,
  ) {
    super(
      `GET ${url} answered ${status}` +
        (retried ? ` after ${retried} ${retried === 1 ? "retry" : "retries"}` : "") +
        (bodySnippet ? `: ${bodySnippet}` : ""),
    );
  }
}

/** The request never got an answer (connection refused or reset, DNS, timeout), after the retries. */
export class HttpNetworkError extends Error {
  override name = "HttpNetworkError";
  constructor(
    readonly url: string,
    readonly reason: string,
    readonly retried = 0,
  ) {
    super(`GET ${url} failed: ${reason}${retried ? ` (after ${retried} retries)` : ""}`);
  }
}

const SECRET_PARAM = /(key|token|secret|password|passwd|signature|auth|credential|session)/i;

/** The URL as errors and logs show it: query values whose name looks secret replaced by ***. */
export function safeUrl(url: URL): string {
  const shown = new URL(url);
  shown.username = "";
  shown.password = "";
  for (const name of [...shown.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) shown.searchParams.set(name, "***");
  }
  return maskSecrets(shown.toString().replace(/%2A%2A%2A/g, "***"));
}

/** Retry-After as a delay in ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const retriable = (status: number) => status === 429 || status >= 500;

export function createHttpJson(opts: HttpJsonOptions): HttpJson {
  const retries = opts.retries ?? 4;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const sleep = opts.sleep ?? abortableSleep;
  const backoff = opts.backoffMs ?? 500;
  const maxRetryAfter = opts.maxRetryAfterMs ?? 60_000;
  const doFetch = opts.fetch ?? fetch;
  const spacing = opts.requestsPerMinute ? 60_000 / opts.requestsPerMinute : 0;
  const base = opts.baseUrl.endsWith("/") ? opts.baseUrl : `${opts.baseUrl}/`;
  // Requests are serialized through the spacing: the next one may start at `nextAt`.
  let nextAt = 0;
  let queue: Promise<void> = Promise.resolve();

  const cancelled = () => {
    const reason: unknown = opts.signal?.reason;
    return reason instanceof Error ? reason : new Error("request cancelled");
  };

  /** Waits for the request's turn under the rate limit. */
  const turn = (): Promise<void> => {
    if (!spacing) return Promise.resolve();
    const mine = queue.then(async () => {
      const wait = nextAt - Date.now();
      if (wait > 0) await sleep(wait, opts.signal);
      nextAt = Math.max(Date.now(), nextAt) + spacing;
    });
    queue = mine.catch(() => {});
    return mine;
  };

  const urlOf = (path: string, query?: HttpQuery): URL => {
    const url = new URL(path.replace(/^\//, ""), base);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  };

  async function get(path: string, query?: HttpQuery): Promise<string> {
    const url = urlOf(path, query);
    const shown = safeUrl(url);
    for (let attempt = 0; ; attempt++) {
      if (opts.signal?.aborted) throw cancelled();
      await turn();
      if (opts.signal?.aborted) throw cancelled();
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
      let status: number | null = null;
      let wait: number | null = null;
      let failure: Error;
      try {
        const res = await doFetch(url, { headers: { accept: "application/json", ...opts.headers }, signal });
        const body = await res.text();
        if (res.ok) return body;
        status = res.status;
        failure = new HttpStatusError(res.status, shown, snippet(body), attempt);
        if (!retriable(res.status)) throw failure;
        wait = retryAfterMs(res.headers.get("retry-after"));
      } catch (e) {
        if (e instanceof HttpStatusError && !retriable(e.status)) throw e;
        if (opts.signal?.aborted) throw cancelled();
        if (status === null) {
          const err = e as Error;
          const reason =
            err.name === "TimeoutError" ? `timed out after ${timeoutMs} ms` : describeNetwork(err);
          failure = new HttpNetworkError(shown, reason, attempt);
        } else failure = e as Error;
      }
      if (attempt >= retries) throw failure;
      const fromHeader = wait !== null;
      const delay = fromHeader
        ? Math.min(wait as number, maxRetryAfter)
        : Math.round(((1 + Math.random()) / 2) * backoff * 2 ** attempt); // equal jitter: never 0
      opts.onRetry?.({ status, retry: attempt + 1, delayMs: delay, retryAfter: fromHeader, url: shown });
      await sleep(delay, opts.signal);
    }
  }

  return {
    getText: get,
    async getJson(path, query) {
      const text = await get(path, query);
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw new Error(`GET ${safeUrl(urlOf(path, query))} answered 200 but not JSON: ${snippet(text)}`);
      }
    },
  };
}

function snippet(body: string): string {
  const one = maskSecrets(body.replace(/\s+/g, " ").trim());
  return one.length <= SNIPPET_MAX ? one : `${one.slice(0, SNIPPET_MAX - 1)}…`;
}

/** fetch's "fetch failed" says nothing: its cause (ECONNREFUSED, ECONNRESET…) does. */
function describeNetwork(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return maskSecrets(cause?.code ?? cause?.message ?? err.message);
}
