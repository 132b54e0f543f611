import { DashboardService } from "#domain/runs/dashboard-service.ts";
import { StatsQuerySchema } from "#schemas/dashboard.ts";
import type { ApiApp } from "./app.ts";
import { etagOf } from "./etags.ts";
import { contractHandler, noQuery, parseWith } from "./http.ts";

/**
 * A weak ETag over the answer without the fields that only say when it was computed: an idle
 * dashboard polled every few seconds then costs 304s, not the whole answer each time.
 */
const stableTag = (body: object, volatile: readonly string[]) =>
  etagOf(JSON.stringify(body, (k, v) => (volatile.includes(k) ? undefined : v)));

export function createDashboardApi(app: ApiApp) {
  const dashboard = new DashboardService(app.deps);
  return contractHandler(
    {
      "GET /v1/dashboard/job-stats": async (req) => {
        const q = parseWith(StatsQuerySchema, req.query, "query");
        const body = await dashboard.jobStats(q.window ?? "24h");
        return { status: 200, body, headers: { etag: stableTag(body, ["generated_at", "since"]) } };
      },
      "GET /v1/dashboard/job-progress": async (req) => {
        noQuery(req);
        const body = await dashboard.jobProgress();
        return { status: 200, body, headers: { etag: stableTag(body, ["generated_at"]) } };
      },
    },
    { logger: app.deps.logger, timeZone: app.deps.settings.displayTimeZone },
  );
}
