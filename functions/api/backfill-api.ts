// Issue 16 part 2: the backfill routes, served by the trigger area (they start runs).
import { BackfillService } from "#domain/backfills/backfill-service.ts";
import {
  BackfillIdSchema,
  BackfillRequestSchema,
  CancelBackfillRequestSchema,
  ListBackfillsQuerySchema,
} from "#schemas/backfill.ts";
import { JobNameSchema } from "#schemas/common.ts";
import type { ApiApp } from "./app.ts";
import type { ApiRequest } from "./http.ts";
import { noQuery, parseWith } from "./http.ts";
import { actorOf } from "./identity.ts";

export function backfillRoutes(app: ApiApp) {
  const backfills = new BackfillService(app.deps);
  const idOf = (req: ApiRequest) => parseWith(BackfillIdSchema, req.params.id, "id", "id");
  return {
    "POST /v1/jobs/{job_name}/backfill": async (req: ApiRequest) => {
      noQuery(req);
      const name = parseWith(JobNameSchema, req.params.job_name, "job_name", "job_name");
      const body = parseWith(BackfillRequestSchema, req.body ?? {}, "body");
      const result = await backfills.request(name, body, actorOf(req.identity));
      if ("preview" in result) return { status: 200 as const, body: result.preview };
      const headers: Record<string, string> = result.created
        ? { location: `/v1/backfills/${result.view.id}` }
        : { "idempotent-replayed": "true" };
      return { status: 200 as const, body: result.view, headers };
    },
    "GET /v1/backfills": async (req: ApiRequest) => {
      const q = parseWith(ListBackfillsQuerySchema, req.query, "query");
      const results = await backfills.list(q.job_name);
      return { status: 200 as const, body: { count: results.length, results } };
    },
    "GET /v1/backfills/{id}": async (req: ApiRequest) => {
      noQuery(req);
      return { status: 200 as const, body: await backfills.get(idOf(req)) };
    },
    "POST /v1/backfills/{id}/cancel": async (req: ApiRequest) => {
      noQuery(req);
      const body = parseWith(CancelBackfillRequestSchema, req.body ?? {}, "body");
      return {
        status: 200 as const,
        body: await backfills.cancel(idOf(req), actorOf(req.identity), body.cancel_running ?? false),
      };
    },
  };
}
