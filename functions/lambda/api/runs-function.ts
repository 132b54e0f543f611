// Lambda entry of the API area "runs" (functions/api/areas.ts): the one API function that reads
// runs' log lines from CloudWatch Logs (the other bundles carry no CloudWatch Logs client).
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { CloudWatchRunLog } from "#adapters/cloudwatch-run-log.ts";
import { createRunsApi } from "#api/runs-api.ts";
import { apiEntry } from "./api-function.ts";

export const handler = apiEntry("runs", createRunsApi, {
  runLogs: (config) =>
    new CloudWatchRunLog(new CloudWatchLogsClient({ region: config.region }), {
      groups: config.runLogGroups,
    }),
});
