import type { ApiApp } from "./app.ts";
import { contractHandler, UNAVAILABLE_RETRY_AFTER_SECONDS } from "./http.ts";

/** The store probe's budget: /healthz answers within about this long even when the store hangs. */
export const HEALTH_PROBE_TIMEOUT_MS = 1500;

export function createMetaApi(app: ApiApp) {
  return contractHandler(
    {
      // Readiness as well as liveness: the same handler runs in AWS (meta Lambda), so the probe
      // goes through the store port (a GetItem of the control table), not a local-only object.
      "GET /healthz": async () => {
        const dynamodb = await app.deps.schedulerState.probe(HEALTH_PROBE_TIMEOUT_MS).then(
          () => "up" as const,
          (e: unknown) => {
            app.deps.logger.warn("health probe: the store did not answer", {
              error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
            });
            return "down" as const;
          },
        );
        return dynamodb === "up"
          ? { status: 200, body: { ok: true, dynamodb } }
          : {
              status: 503,
              body: { ok: false, dynamodb },
              headers: { "retry-after": String(UNAVAILABLE_RETRY_AFTER_SECONDS) },
            };
      },
      // Built on first request: the OpenAPI builder (zod's JSON Schema code and every schema) is
      // the biggest part of this function, and health checks never need it.
      "GET /v1/openapi.json": async () => ({
        status: 200,
        body: (await import("./openapi.ts")).openApiDocument(),
      }),
    },
    {
      logger: app.deps.logger,
      timeZone: app.deps.settings.displayTimeZone,
      verbatim: ["GET /v1/openapi.json"],
    },
  );
}
