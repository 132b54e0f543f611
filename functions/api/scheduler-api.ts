import { SchedulerService } from "../domain/scheduler-service.ts";
import { SetPausedRequestSchema } from "../schemas/schedule.ts";
import type { ApiApp } from "./app.ts";
import { actorOf, apiHandler, json, parseWith, presentTimes } from "./http.ts";

export function createSchedulerApi(app: ApiApp) {
  const tz = app.deps.settings.displayTimeZone;
  const scheduler = new SchedulerService(app.deps);
  return apiHandler(
    {
      "GET /v1/scheduler/status": async () => json(200, presentTimes(await scheduler.status(), tz)),
      "PUT /v1/scheduler/paused": async (req) => {
        const body = parseWith(SetPausedRequestSchema, req.body ?? {}, "body");
        return json(200, presentTimes(await scheduler.setPaused(body.paused, actorOf(req.identity)), tz));
      },
    },
    { logger: app.deps.logger },
  );
}
