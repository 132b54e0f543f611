// Lambda entry of the API area "jobs" (lib/lambda-catalog.ts API_LAMBDAS.jobs).
import { createJobsApi } from "#api/jobs-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry(createJobsApi, { scheduling: true, cursors: true });
