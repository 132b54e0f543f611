import type { ApiApp } from "./app.ts";
import { contractHandler } from "./http.ts";

export function createMetaApi(app: ApiApp) {
  return contractHandler(
    {
      "GET /healthz": async () => ({ status: 200, body: { ok: true } }),
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
