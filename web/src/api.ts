// The only way the page talks to the backend: /v1 with the bearer token. GETs can be conditional
// (If-None-Match): a poll of an unchanged page costs one 304 and no re-render. Errors come back in
// the API's shape ({error: {code, message, details}}) as ApiError.
import type { JobStatsAnswer } from "../../functions/domain/dashboard-service.ts";
import type { JobView } from "../../functions/domain/job-queries.ts";
import type { RunsPage } from "../../functions/domain/run-queries.ts";
import type { PreviewResult, ScheduleView } from "../../functions/domain/schedule-service.ts";
import type { SchedulerStatus } from "../../functions/domain/scheduler-service.ts";
import type { Run, RunSummary } from "../../functions/schemas/run.ts";
import { refreshSession, type Session, saveSession } from "./auth.ts";
import type { WebConfig } from "./config.ts";

export type {
  JobStatsAnswer,
  JobView,
  PreviewResult,
  Run,
  RunSummary,
  RunsPage,
  SchedulerStatus,
  ScheduleView,
};
export type JobProgressAnswer = { active: Run[]; recent: RunSummary[]; generated_at: string };
export type FieldError = { field: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
  /** Field messages when the API sent them as details: [{field, message}]. */
  get fieldErrors(): FieldError[] {
    return Array.isArray(this.details)
      ? this.details.filter(
          (d): d is FieldError => typeof d?.field === "string" && typeof d?.message === "string",
        )
      : [];
  }
}

type Auth = {
  config: WebConfig;
  session: Session | null;
  onChange: (s: Session | null) => void;
};
let auth: Auth | null = null;

export function initApi(a: Auth): void {
  auth = a;
}
export function setSession(s: Session | null): void {
  if (!auth) return;
  auth.session = s;
  saveSession(s);
  auth.onChange(s);
}

const etags = new Map<string, { etag: string; body: unknown }>();

export type RequestOptions = {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, string | undefined | null>;
  body?: unknown;
  headers?: Record<string, string>;
  /** GET only: send If-None-Match and answer from the cached body on 304. */
  conditional?: boolean;
  signal?: AbortSignal;
};

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  if (!auth) throw new Error("api used before initApi");
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v != null && v !== "") q.set(k, v);
  const url = `${auth.config.apiUrl}${path}${q.size ? `?${q}` : ""}`;
  let session = auth.session;
  if (session?.refreshToken && session.expiresAt - Date.now() < 60_000) {
    session = await refreshSession(auth.config, session);
    setSession(session);
  }
  const headers: Record<string, string> = { ...opts.headers };
  if (session) headers.authorization = `Bearer ${session.token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const cached = opts.conditional ? etags.get(url) : undefined;
  if (cached) headers["if-none-match"] = cached.etag;
  const res = await fetch(url, {
    method: opts.method ?? "GET",
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: opts.signal,
    // The conditional request is ours; keep the browser's HTTP cache out of it.
    cache: "no-store",
  });
  if (res.status === 304 && cached) return cached.body as T;
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.status === 401) {
    setSession(null); // the app shows the login again and comes back to this page
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(res.status, e?.code ?? `http_${res.status}`, e?.message ?? res.statusText, e?.details);
  }
  const etag = res.headers.get("etag");
  if (opts.conditional && etag) {
    if (etags.size > 200) etags.clear();
    etags.set(url, { etag, body });
  }
  return body as T;
}

export const newIdempotencyKey = (): string => crypto.randomUUID();
