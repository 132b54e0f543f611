// Lambda entry of the API area "runs" (functions/api/areas.ts).
import { createRunsApi } from "#api/runs-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry("runs", createRunsApi);
