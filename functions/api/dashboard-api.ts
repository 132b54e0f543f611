import * as z from "zod/mini";
import { DashboardService, WINDOWS } from "../domain/dashboard-service.ts";
import type { ApiApp } from "./app.ts";
import { apiHandler, json, parseWith, presentTimes } from "./http.ts";

const StatsQuerySchema = z.strictObject({
  window: z.optional(z.enum(Object.keys(WINDOWS) as [keyof typeof WINDOWS, ...(keyof typeof WINDOWS)[]])),
});

export function createDashboardApi(app: ApiApp) {
  const tz = app.deps.settings.displayTimeZone;
  const dashboard = new DashboardService(app.deps);
  return apiHandler(
    {
      "GET /v1/dashboard/job-stats": async (req) => {
        const q = parseWith(StatsQuerySchema, req.query, "query");
        return json(200, presentTimes(await dashboard.jobStats(q.window ?? "24h"), tz));
      },
      "GET /v1/dashboard/job-progress": async () =>
        json(200, presentTimes(await dashboard.jobProgress(), tz)),
    },
    { logger: app.deps.logger },
  );
}
