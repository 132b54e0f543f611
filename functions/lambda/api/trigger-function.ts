// Lambda entry of the API area "trigger" (lib/lambda-catalog.ts API_LAMBDAS.trigger).
import { createTriggerApi } from "#api/trigger-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry(createTriggerApi, { scheduling: true, cursors: true });
