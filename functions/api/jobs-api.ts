import { JobQueries } from "#domain/jobs/job-queries.ts";
import { PauseService } from "#domain/pauses/pause-service.ts";
import { SetEnabledRequestSchema } from "#schemas/api.ts";
import { JobNameSchema } from "#schemas/common.ts";
import type { ApiApp } from "./app.ts";
import { calendarRoutes } from "./calendar-api.ts";
import { requireMatch } from "./etags.ts";
import { contractHandler, noQuery, parseWith } from "./http.ts";
import { actorOf } from "./identity.ts";

/** The `enabled` flag is the job's only writable state: it is the version a write is conditioned on. */
const flagVersion = (enabled: boolean) => `enabled-${enabled}`;

export function createJobsApi(app: ApiApp) {
  const jobs = new JobQueries(app.deps);
  const pauses = new PauseService(app.deps);
  const jobName = (raw: string | undefined) => parseWith(JobNameSchema, raw, "job_name", "job_name");
  return contractHandler(
    {
      "GET /v1/jobs": async (req) => {
        noQuery(req);
        const all = await jobs.list();
        return { status: 200, body: { count: all.length, results: all } };
      },
      "GET /v1/jobs/{job_name}": async (req) => {
        noQuery(req);
        const view = await jobs.get(jobName(req.params.job_name));
        return { status: 200, body: view, version: flagVersion(view.enabled) };
      },
      "PUT /v1/jobs/{job_name}/enabled": async (req) => {
        const name = jobName(req.params.job_name);
        const body = parseWith(SetEnabledRequestSchema, req.body ?? {}, "body");
        const ifMatch = req.header("if-match");
        if (ifMatch !== undefined) requireMatch(ifMatch, flagVersion(await jobs.isEnabled(name)));
        const { enabled, ...ask } = body;
        const view = await pauses.setJobEnabled(name, enabled, ask, actorOf(req.identity));
        return { status: 200, body: view, version: flagVersion(view.enabled) };
      },
      ...calendarRoutes(app),
    },
    { logger: app.deps.logger, timeZone: app.deps.settings.displayTimeZone },
  );
}
