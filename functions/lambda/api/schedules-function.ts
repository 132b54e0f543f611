// Lambda entry of the API area "schedules" (functions/api/areas.ts).
import { createSchedulesApi } from "#api/schedules-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry("schedules", createSchedulesApi);
