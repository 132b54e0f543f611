// Every HTTP route, which Lambda serves it and who may call it. The CDK api construct and the local
// HTTP server both build from this list, so a route cannot exist in one mode only.

export type ApiLambda = "runs" | "trigger" | "jobs" | "schedules" | "scheduler" | "dashboard" | "meta";
export type Role = "admin" | "viewer";

export type RouteDef = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  lambda: ApiLambda;
  /** minimum group; null = no auth (healthz only) */
  role: Role | null;
  summary: string;
};

export const ROUTES = [
  { method: "GET", path: "/healthz", lambda: "meta", role: null, summary: "Liveness" },
  {
    method: "GET",
    path: "/v1/openapi.json",
    lambda: "meta",
    role: "viewer",
    summary: "OpenAPI 3.1 document",
  },
  { method: "GET", path: "/v1/runs", lambda: "runs", role: "viewer", summary: "Run history, newest first" },
  { method: "GET", path: "/v1/runs/{execution_uuid}", lambda: "runs", role: "viewer", summary: "One run" },
  // Issue 14 (part A): a run's own log lines.
  {
    method: "GET",
    path: "/v1/runs/{execution_uuid}/logs",
    lambda: "runs",
    role: "viewer",
    summary: "A run's log lines, oldest first",
  },
  {
    method: "POST",
    path: "/v1/runs/{execution_uuid}/cancel",
    lambda: "runs",
    role: "admin",
    summary: "Cancel a run (stops its execution)",
  },
  {
    method: "POST",
    path: "/v1/runs/{execution_uuid}/rerun",
    lambda: "runs",
    role: "admin",
    summary: "Start a new run with the same job and params",
  },
  { method: "POST", path: "/v1/trigger", lambda: "trigger", role: "admin", summary: "Run a job now" },
  { method: "GET", path: "/v1/jobs", lambda: "jobs", role: "viewer", summary: "Registered jobs" },
  { method: "GET", path: "/v1/jobs/{job_name}", lambda: "jobs", role: "viewer", summary: "One job" },
  {
    method: "PUT",
    path: "/v1/jobs/{job_name}/enabled",
    lambda: "jobs",
    role: "admin",
    summary: "Enable or disable a job",
  },
  {
    method: "GET",
    path: "/v1/schedules",
    lambda: "schedules",
    role: "viewer",
    summary: "Schedules (filters job_name, category, tag, enabled)",
  },
  { method: "POST", path: "/v1/schedules", lambda: "schedules", role: "admin", summary: "Create a schedule" },
  {
    method: "POST",
    path: "/v1/schedules/preview",
    lambda: "schedules",
    role: "viewer",
    summary: "Validate an expression and list its next fire times",
  },
  { method: "GET", path: "/v1/schedules/{id}", lambda: "schedules", role: "viewer", summary: "One schedule" },
  {
    method: "PUT",
    path: "/v1/schedules/{id}",
    lambda: "schedules",
    role: "admin",
    summary: "Replace a schedule",
  },
  {
    method: "PATCH",
    path: "/v1/schedules/{id}",
    lambda: "schedules",
    role: "admin",
    summary: "Change some fields of a schedule",
  },
  {
    method: "DELETE",
    path: "/v1/schedules/{id}",
    lambda: "schedules",
    role: "admin",
    summary: "Delete a schedule",
  },
  {
    method: "GET",
    path: "/v1/scheduler/status",
    lambda: "scheduler",
    role: "viewer",
    summary: "Scheduler status",
  },
  {
    method: "PUT",
    path: "/v1/scheduler/paused",
    lambda: "scheduler",
    role: "admin",
    summary: "Pause or resume every schedule",
  },
  {
    method: "GET",
    path: "/v1/audit",
    lambda: "scheduler",
    role: "admin",
    summary: "Audit trail of operator actions, newest first (filters action, actor, target, since, until)",
  },
  {
    method: "GET",
    path: "/v1/dashboard/job-stats",
    lambda: "dashboard",
    role: "viewer",
    summary: "Per-job and overall run statistics over a window (1h, 24h, 7d, 30d)",
  },
  {
    method: "GET",
    path: "/v1/dashboard/job-progress",
    lambda: "dashboard",
    role: "viewer",
    summary: "Active runs with progress and the last 10 finished runs",
  },
  // issue 16 part 5: pause / resume a selection of schedules (a reason, an optional until)
  {
    method: "POST",
    path: "/v1/schedules/pause",
    lambda: "schedules",
    role: "admin",
    summary: "Pause schedules (a reason, an optional until)",
  },
  {
    method: "POST",
    path: "/v1/schedules/resume",
    lambda: "schedules",
    role: "admin",
    summary: "Resume paused schedules",
  },
  // Issue 16 part 2: backfills (served with the trigger: they start runs).
  {
    method: "POST",
    path: "/v1/jobs/{job_name}/backfill",
    lambda: "trigger",
    role: "admin",
    summary: "Preview (dry run) or start a backfill of a job over a past window",
  },
  {
    method: "GET",
    path: "/v1/backfills",
    lambda: "trigger",
    role: "viewer",
    summary: "Backfills, newest first",
  },
  {
    method: "GET",
    path: "/v1/backfills/{id}",
    lambda: "trigger",
    role: "viewer",
    summary: "One backfill and its progress",
  },
  {
    method: "POST",
    path: "/v1/backfills/{id}/cancel",
    lambda: "trigger",
    role: "admin",
    summary: "Cancel a backfill: its pending runs never start",
  },
  // Issue 16 part 1: served by the jobs function, which already reads schedules and runs by job.
  {
    method: "GET",
    path: "/v1/calendar",
    lambda: "jobs",
    role: "viewer",
    summary: "Every fire of every schedule in a window (≤ 31 days), with its state and overlap flags",
  },
] as const satisfies readonly RouteDef[];

type KeyOf<R> = R extends { method: infer M extends string; path: infer P extends string }
  ? `${M} ${P}`
  : never;
/** API Gateway's route key of every route, e.g. "GET /v1/runs". */
export type RouteKey = KeyOf<(typeof ROUTES)[number]>;

export const routeKey = (r: Pick<RouteDef, "method" | "path">) => `${r.method} ${r.path}`;

/** Matches a concrete path against the route templates (API Gateway does this in AWS). */
export function matchRoute(
  method: string,
  path: string,
):
  | { route: RouteDef; pathParameters: Record<string, string> }
  | { allowed: string[] }
  | { route: RouteDef; badEncoding: string }
  | null {
  const allowed: string[] = [];
  for (const route of ROUTES) {
    const names: string[] = [];
    const pattern = route.path
      .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
      .replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a, b) => {
        names.push(a ?? b);
        return "([^/]+)";
      });
    const m = new RegExp(`^${pattern}$`).exec(path);
    if (!m) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    const pathParameters: Record<string, string> = {};
    for (const [i, n] of names.entries()) {
      // A malformed escape (`%ZZ`) is the client's mistake: API Gateway answers 400, so do we.
      try {
        pathParameters[n] = decodeURIComponent(m[i + 1] ?? "");
      } catch {
        return { route, badEncoding: n };
      }
    }
    return { route, pathParameters };
  }
  return allowed.length ? { allowed } : null;
}
