// Lambda entry of the API area "jobs" (functions/api/areas.ts).
import { createJobsApi } from "#api/jobs-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry("jobs", createJobsApi);
