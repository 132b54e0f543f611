// Lambda entry of the API area "scheduler" (functions/api/areas.ts).
import { createSchedulerApi } from "#api/scheduler-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry("scheduler", createSchedulerApi);
