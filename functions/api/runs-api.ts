import { RunCommands } from "../domain/run-commands.ts";
import { RunQueries } from "../domain/run-queries.ts";
import { ListRunsQuerySchema } from "../schemas/api.ts";
import { UuidSchema } from "../schemas/common.ts";
import type { ApiApp } from "./app.ts";
import { actorOf, apiHandler, json, parseWith, presentTimes } from "./http.ts";

export function createRunsApi(app: ApiApp) {
  const tz = app.deps.settings.displayTimeZone;
  const commands = new RunCommands(app.deps);
  const runs = new RunQueries(app.deps, app.cursors);
  const runId = (raw: string | undefined) => parseWith(UuidSchema, raw, "execution_uuid", "execution_uuid");
  return apiHandler(
    {
      "GET /v1/runs": async (req) => {
        const q = parseWith(ListRunsQuerySchema, req.query, "query");
        const page = await runs.list({ ...q, limit: q.limit ? Number(q.limit) : undefined });
        return json(200, presentTimes(page, tz));
      },
      "POST /v1/runs/{execution_uuid}/cancel": async (req) =>
        json(
          202,
          presentTimes(await commands.cancel(runId(req.params.execution_uuid), actorOf(req.identity)), tz),
        ),
      "POST /v1/runs/{execution_uuid}/rerun": async (req) =>
        json(
          202,
          presentTimes(await commands.rerun(runId(req.params.execution_uuid), actorOf(req.identity)), tz),
        ),
      "GET /v1/runs/{execution_uuid}": async (req) => {
        const id = parseWith(UuidSchema, req.params.execution_uuid, "execution_uuid", "execution_uuid");
        return json(200, presentTimes(await runs.get(id), tz));
      },
    },
    { logger: app.deps.logger },
  );
}
