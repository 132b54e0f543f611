import { withIdempotency } from "#domain/runs/idempotency.ts";
import { TriggerService } from "#domain/runs/trigger-service.ts";
import { IdempotencyKeySchema, TriggerRequestSchema } from "#schemas/api.ts";
import type { ApiApp } from "./app.ts";
import { backfillRoutes } from "./backfill-api.ts";
import { contractHandler, parseWith } from "./http.ts";
import { actorOf } from "./identity.ts";

export function createTriggerApi(app: ApiApp) {
  const triggers = new TriggerService(app.deps);
  return contractHandler(
    {
      "POST /v1/trigger": async (req) => {
        const body = parseWith(TriggerRequestSchema, req.body ?? {}, "body");
        const rawKey = req.header("idempotency-key");
        const key =
          rawKey === undefined
            ? undefined
            : parseWith(IdempotencyKeySchema, rawKey, "header", "Idempotency-Key");
        const actor = actorOf(req.identity);
        const result = await withIdempotency(
          app.deps,
          { actor, key, request: body },
          {
            run: async (reservedId) => ({
              status: 202 as const,
              body: await triggers.trigger({
                job_name: body.job_name,
                options: body.options,
                actor,
                trigger_source: "manual",
                execution_uuid: reservedId,
              }),
            }),
            // A request that died after starting its run: the run is the answer it would have given.
            recover: async (reservedId) => {
              const run = await app.deps.runs.get(reservedId);
              if (!run) return null;
              return {
                status: 202 as const,
                body: {
                  execution_uuid: run.execution_uuid,
                  status: "RUNNING" as const,
                  next_scheduled_for: await app.deps.nextFire.nextFor(run.job_name),
                },
              };
            },
          },
        );
        return {
          status: 202,
          body: result.body,
          headers: result.replayed ? { "idempotent-replayed": "true" } : undefined,
        };
      },
      // Issue 16 part 2
      ...backfillRoutes(app),
    },
    { logger: app.deps.logger, timeZone: app.deps.settings.displayTimeZone },
  );
}
