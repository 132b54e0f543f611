// The API areas: one Lambda function each in AWS (lib/lambda-catalog.ts derives them from this
// list, each served by functions/lambda/api/<area>-function.ts), one handler each in the local
// HTTP server (bin/local/local-stack.ts, keyed by this list). Routes name their area in routes.ts.
import type { ApiLambda } from "./routes.ts";

export type ApiArea = ApiLambda;

export type ApiAreaSpec = {
  /** Its environment contract (functions/config/env-contract.ts): "api-meta" has no scheduling, no cursor key. */
  kind: "api" | "api-runs" | "api-meta";
  description: string;
};

export const API_AREAS = {
  runs: { kind: "api-runs", description: "GET /v1/runs, /v1/runs/{id}, its logs, cancel, rerun" },
  trigger: {
    kind: "api",
    description: "POST /v1/trigger; issue 16: backfills (POST /v1/jobs/{name}/backfill, /v1/backfills…)",
  },
  jobs: { kind: "api", description: "GET/PUT /v1/jobs…, GET /v1/calendar" },
  schedules: { kind: "api", description: "/v1/schedules…" },
  scheduler: { kind: "api", description: "/v1/scheduler/…, GET /v1/audit" },
  dashboard: { kind: "api", description: "GET /v1/dashboard/job-stats, /v1/dashboard/job-progress" },
  meta: { kind: "api-meta", description: "GET /healthz, /v1/openapi.json" },
} as const satisfies Record<ApiArea, ApiAreaSpec>;
