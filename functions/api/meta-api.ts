import type { ApiApp } from "./app.ts";
import { apiHandler, json } from "./http.ts";

export function createMetaApi(app: ApiApp) {
  return apiHandler(
    {
      "GET /healthz": async () => json(200, { ok: true }),
      // Built on first request: the OpenAPI builder (zod's JSON Schema code and every schema) is
      // the biggest part of this function, and health checks never need it.
      "GET /v1/openapi.json": async () => json(200, (await import("./openapi.ts")).openApiDocument()),
    },
    { logger: app.deps.logger },
  );
}
