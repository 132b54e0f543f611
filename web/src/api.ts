// The only way the page talks to the backend: /v1 with the bearer token, through a client typed by
// the API's own contract (functions/api/contract.ts): a call names its route ("GET /v1/runs"), and
// its path, query, body and answer are the types the OpenAPI document is generated from. GETs can
// be conditional (If-None-Match): a poll of an unchanged page costs one 304 and no re-render.
// Errors come back in the API's shape ({error: {code, message, details}}) as ApiError.
import type { BodyOf, PathOf, QueryOf, SuccessBody } from "#api/contract-types.ts";
import type { RouteKey } from "#api/routes.ts";
import type { JobView, PreviewResult, ScheduleView } from "#schemas/answers.ts";
import type { AuditEntry } from "#schemas/audit.ts";
import type { Run } from "#schemas/run.ts";
import { refreshSession, type Session, saveSession } from "./auth.ts";
import type { WebConfig } from "./config.ts";

export type { AuditEntry, JobView, PreviewResult, Run, ScheduleView };
/** A field issue of a 400: `code` and `params` (issue 14 part C) let the page say it in its language. */
export type FieldError = {
  field: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
  /** The run a `409 already_running` names (the API always names it), else null. */
  get runningRun(): string | null {
    const d = this.details;
    if (this.code !== "already_running" || !d || typeof d !== "object" || Array.isArray(d)) return null;
    const id = (d as Record<string, unknown>).execution_uuid;
    return typeof id === "string" ? id : null;
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

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
type Split<K> = K extends `${infer M extends Method} ${infer P}` ? [M, P] : never;

/** What a call of route K sends: its path parameters, query and body, each only where K has one. */
export type RequestOptions<K extends RouteKey> = ([PathOf<K>] extends [never]
  ? { path?: never }
  : { path: PathOf<K> }) &
  ([QueryOf<K>] extends [never] ? { query?: never } : { query?: QueryOf<K> }) &
  ([BodyOf<K>] extends [never] ? { body?: never } : { body: BodyOf<K> }) & {
    headers?: Record<string, string>;
    /** GET only: send If-None-Match and answer from the cached body on 304. */
    conditional?: boolean;
    signal?: AbortSignal;
  };

export async function api<K extends RouteKey>(
  route: K,
  // Options may be left out only when the route needs no path parameter and no body.
  ...[opts]: Record<never, never> extends RequestOptions<K> ? [RequestOptions<K>?] : [RequestOptions<K>]
): Promise<SuccessBody<K>> {
  const o = (opts ?? {}) as {
    path?: Record<string, string>;
    query?: Record<string, unknown>;
    body?: unknown;
    headers?: Record<string, string>;
    conditional?: boolean;
    signal?: AbortSignal;
  };
  const [method, template] = route.split(" ") as Split<K>;
  const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(o.path?.[name] ?? ""));
  return request<SuccessBody<K>>(method, path, o);
}

async function request<T>(
  method: Method,
  path: string,
  opts: {
    query?: Record<string, unknown>;
    body?: unknown;
    headers?: Record<string, string>;
    conditional?: boolean;
    signal?: AbortSignal;
  },
): Promise<T> {
  if (!auth) throw new Error("api used before initApi");
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v != null && v !== "") q.set(k, String(v));
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
    method,
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
