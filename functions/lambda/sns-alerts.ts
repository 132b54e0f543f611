// The failure-alert publisher of the functions that end runs (workflow steps, reconciler, sweeper):
// SNS to the alarm topic named by ALERT_TOPIC_ARN. Kept out of aws-host.ts so that the API
// functions never bundle the SNS client.
import { SNSClient } from "@aws-sdk/client-sns";
import { SnsAlertPublisher } from "#adapters/sns-alert-publisher.ts";
import type { AlertPublisher } from "#ports/alert-publisher.ts";
import type { AwsConfig } from "./aws-host.ts";

export function snsAlerts(config: AwsConfig): AlertPublisher {
  return new SnsAlertPublisher(new SNSClient({ region: config.region }), config.alertTopicArn ?? "");
}
