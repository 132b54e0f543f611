// AlertPublisher on SNS: the stack's alarm topic (the same one CloudWatch alarms use), with the
// job and status as message attributes so a subscription can filter on them.
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { AlertPublisher, FailureAlert } from "#ports/alert-publisher.ts";

export class SnsAlertPublisher implements AlertPublisher {
  constructor(
    private readonly client: Pick<SNSClient, "send">,
    private readonly topicArn: string,
  ) {}

  async publish(alert: FailureAlert): Promise<void> {
    await this.client.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Subject: alert.subject,
        Message: alert.message,
        MessageAttributes: {
          job_name: { DataType: "String", StringValue: alert.job_name },
          status: { DataType: "String", StringValue: alert.status },
          execution_uuid: { DataType: "String", StringValue: alert.execution_uuid },
          kind: { DataType: "String", StringValue: alert.kind ?? "failure" },
        },
      }),
    );
  }
}
