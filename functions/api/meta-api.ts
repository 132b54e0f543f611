import type { ApiApp } from "./app.ts";
import { apiHandler, json } from "./http.ts";
import { openApiDocument } from "./openapi.ts";

export function createMetaApi(app: ApiApp) {
  return apiHandler(
    {
      "GET /healthz": async () => json(200, { ok: true }),
      "GET /v1/openapi.json": async () => json(200, openApiDocument()),
    },
    { logger: app.deps.logger },
  );
}
