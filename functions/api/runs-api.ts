import { RunCommands } from "#domain/runs/run-commands.ts";
import { RunLogs } from "#domain/runs/run-logs.ts";
import { RunQueries } from "#domain/runs/run-queries.ts";
import { ListRunsQuerySchema } from "#schemas/api.ts";
import { UuidSchema } from "#schemas/common.ts";
import { RunLogsQuerySchema } from "#schemas/run-logs.ts";
import type { ApiApp } from "./app.ts";
import { contractHandler, noQuery, parseWith } from "./http.ts";
import { actorOf } from "./identity.ts";

export function createRunsApi(app: ApiApp) {
  const commands = new RunCommands(app.deps);
  const runs = new RunQueries(app.deps, app.cursors);
  const logs = new RunLogs(app.deps, app.cursors);
  const runId = (raw: string | undefined) => parseWith(UuidSchema, raw, "execution_uuid", "execution_uuid");
  return contractHandler(
    {
      "GET /v1/runs": async (req) => {
        const q = parseWith(ListRunsQuerySchema, req.query, "query");
        return { status: 200, body: await runs.list(q) };
      },
      "POST /v1/runs/{execution_uuid}/cancel": async (req) => ({
        status: 202,
        body: await commands.cancel(runId(req.params.execution_uuid), actorOf(req.identity)),
      }),
      "POST /v1/runs/{execution_uuid}/rerun": async (req) => ({
        status: 202,
        body: await commands.rerun(runId(req.params.execution_uuid), actorOf(req.identity)),
      }),
      "GET /v1/runs/{execution_uuid}/logs": async (req) => {
        const q = parseWith(RunLogsQuerySchema, req.query, "query");
        return { status: 200, body: await logs.page(runId(req.params.execution_uuid), q) };
      },
      "GET /v1/runs/{execution_uuid}": async (req) => {
        noQuery(req);
        return { status: 200, body: await runs.get(runId(req.params.execution_uuid)) };
      },
    },
    { logger: app.deps.logger, timeZone: app.deps.settings.displayTimeZone },
  );
}
