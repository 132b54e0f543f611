import { withIdempotency } from "../domain/idempotency.ts";
import { TriggerService } from "../domain/trigger-service.ts";
import { IdempotencyKeySchema, TriggerRequestSchema } from "../schemas/api.ts";
import type { ApiApp } from "./app.ts";
import { actorOf, apiHandler, json, parseWith, presentTimes } from "./http.ts";

export function createTriggerApi(app: ApiApp) {
  const tz = app.deps.settings.displayTimeZone;
  const triggers = new TriggerService(app.deps);
  return apiHandler(
    {
      "POST /v1/trigger": async (req) => {
        const body = parseWith(TriggerRequestSchema, req.body ?? {}, "body");
        const rawKey = req.header("idempotency-key");
        const key =
          rawKey === undefined
            ? undefined
            : parseWith(IdempotencyKeySchema, rawKey, "header", "Idempotency-Key");
        const actor = actorOf(req.identity);
        const result = await withIdempotency(app.deps.control, { actor, key, request: body }, async () => ({
          status: 202,
          body: await triggers.trigger({
            job_name: body.job_name,
            options: body.options,
            actor,
            trigger_source: "manual",
          }),
        }));
        return json(
          result.status,
          presentTimes(result.body, tz),
          result.replayed ? { "idempotent-replayed": "true" } : {},
        );
      },
    },
    { logger: app.deps.logger },
  );
}
