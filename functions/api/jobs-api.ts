import { JobQueries } from "../domain/job-queries.ts";
import { SetEnabledRequestSchema } from "../schemas/api.ts";
import { JobNameSchema } from "../schemas/common.ts";
import type { ApiApp } from "./app.ts";
import { actorOf, apiHandler, json, parseWith, presentTimes } from "./http.ts";

export function createJobsApi(app: ApiApp) {
  const tz = app.deps.settings.displayTimeZone;
  const jobs = new JobQueries(app.deps);
  const jobName = (raw: string | undefined) => parseWith(JobNameSchema, raw, "job_name", "job_name");
  return apiHandler(
    {
      "GET /v1/jobs": async () => {
        const all = await jobs.list();
        return json(200, presentTimes({ count: all.length, results: all }, tz));
      },
      "GET /v1/jobs/{job_name}": async (req) =>
        json(200, presentTimes(await jobs.get(jobName(req.params.job_name)), tz)),
      "PUT /v1/jobs/{job_name}/enabled": async (req) => {
        const name = jobName(req.params.job_name);
        const body = parseWith(SetEnabledRequestSchema, req.body ?? {}, "body");
        const view = await jobs.setEnabled(name, body.enabled, actorOf(req.identity));
        return json(200, presentTimes(view, tz));
      },
    },
    { logger: app.deps.logger },
  );
}
