// Lambda entry of the API area "runs" (lib/lambda-catalog.ts API_LAMBDAS.runs).
import { createRunsApi } from "#api/runs-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry(createRunsApi, { scheduling: true, cursors: true });
