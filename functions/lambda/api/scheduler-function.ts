// Lambda entry of the API area "scheduler" (lib/lambda-catalog.ts API_LAMBDAS.scheduler).
import { createSchedulerApi } from "#api/scheduler-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry(createSchedulerApi, { scheduling: true, cursors: true });
