// The alarm topic: one encrypted SNS topic that CloudWatch alarms and the functions' failure alerts
// publish to, with an optional e-mail subscription. Made first: the functions that end runs get
// its ARN in their environment.
import { Aws, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";
import type { MadeFunction } from "../functions.ts";
import { acknowledge } from "../nag.ts";
import type { JobdeckSettings } from "../settings.ts";

export class AlarmTopic extends Construct {
  readonly topic: sns.Topic;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: { settings: JobdeckSettings }) {
    super(scope, id);
    const key = new kms.Key(this, "AlarmTopicKey", {
      description: "jobdeck: encrypts the alarm topic",
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch alarms publish to an encrypted topic only if they may use its key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchAlarmsPublish",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
        resources: ["*"],
      }),
    );
    // Grants of this key only for AWS services (Control Tower CT.KMS.PR.3); nothing here creates one.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "GrantsOnlyForAwsServices",
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ["kms:CreateGrant"],
        resources: ["*"],
        conditions: {
          BoolIfExists: { "kms:GrantIsForAWSResource": "false", "aws:PrincipalIsAWSService": "false" },
        },
      }),
    );
    this.topic = new sns.Topic(this, "AlarmTopic", {
      displayName: "jobdeck alarms",
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy CDK writes (SSL only) replaces SNS's default one: allow this account's alarms.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: "CloudWatchAlarmsOfThisAccount",
        principals: [new iam.ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: {
            "aws:SourceArn": `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*`,
          },
        },
      }),
    );
    if (props.settings.alarmEmail)
      this.topic.addSubscription(new EmailSubscription(props.settings.alarmEmail));
    this.key = key;
  }

  /** Lets a function publish failure alerts (the topic is encrypted: it also needs the key). */
  grantPublish(made: MadeFunction): void {
    this.topic.grantPublish(made.role);
    this.key.grant(made.role, "kms:Decrypt", "kms:GenerateDataKey*");
    acknowledge(
      made.role.node.tryFindChild("DefaultPolicy") ?? made.role,
      "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
      "SNS encrypts each published message under a fresh data key of the alarm topic's own KMS key: the " +
        "GenerateDataKey family is what publishing to an encrypted topic needs, on that one key only.",
    );
  }
}
