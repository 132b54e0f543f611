// Lambda entry of the API area "trigger" (functions/api/areas.ts).
import { createTriggerApi } from "#api/trigger-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry("trigger", createTriggerApi);
