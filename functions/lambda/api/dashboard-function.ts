// Lambda entry of the API area "dashboard" (functions/api/dashboard-api.ts).
import { createDashboardApi } from "#api/dashboard-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry("dashboard", createDashboardApi);
