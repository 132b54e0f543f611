// Lambda entry of the API area "dashboard" (functions/api/dashboard-api.ts), ready for when
// lib/lambda-catalog.ts lists it (routes.ts ApiLambda has no "dashboard" yet).
import { createDashboardApi } from "../api/dashboard-api.ts";
import { apiEntry } from "./api-entry.ts";

export const handler = apiEntry(createDashboardApi, { scheduling: true, cursors: true });
