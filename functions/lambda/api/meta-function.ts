// Lambda entry of the API area "meta" (functions/api/areas.ts): GET /healthz and
// GET /v1/openapi.json. No route pages through runs, so the cursor secret is not read (healthz
// does not depend on Secrets Manager) and cursors get a key of this container only.
import { createMetaApi } from "#api/meta-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry("meta", createMetaApi);
