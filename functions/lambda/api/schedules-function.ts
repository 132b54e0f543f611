// Lambda entry of the API area "schedules" (lib/lambda-catalog.ts API_LAMBDAS.schedules).
import { createSchedulesApi } from "#api/schedules-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry(createSchedulesApi, { scheduling: true, cursors: true });
