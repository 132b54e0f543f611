// Observability: a CloudWatch dashboard of the runs (from the EMF metrics the functions publish in
// namespace "jobdeck"), an alarm per job on failed / timed-out runs and on the dead-letter queues,
// all to one encrypted SNS topic with an optional e-mail subscription.
import { Aws, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import * as sns from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { FINISHED_STATUSES } from "../../functions/schemas/run.ts";
import { POWERTOOLS } from "../functions.ts";
import { jobConstructId } from "../names.ts";
import type { JobdeckSettings } from "../settings.ts";
import type { JobWorkflow } from "./workflows.ts";

/**
 * The metrics contract with the Lambda side (functions/adapters/powertools-logger.ts: Powertools
 * Metrics, EMF, default `service` dimension cleared so that every function's run ends land in the
 * same series): dimension sets {job_name, status} for RunsFinished and {job_name} for the others.
 */
export const RUN_METRICS = {
  namespace: POWERTOOLS.metricsNamespace,
  /** Count, one per finished run; dimensions job_name, status. */
  runsFinished: "RunsFinished",
  /** Seconds from start to end of a finished run; dimensions job_name. */
  duration: "RunDurationSeconds",
  /** Records inserted by a run; dimensions job_name. */
  inserted: "RunInsertedCount",
  /** Count, one per run that ended FAILURE or TIMED_OUT; dimensions job_name. */
  failures: "RunFailures",
} as const;

const PERIOD = Duration.minutes(5);

function runMetric(
  metricName: string,
  jobName: string,
  statistic: string,
  extra: Record<string, string> = {},
) {
  return new cloudwatch.Metric({
    namespace: RUN_METRICS.namespace,
    metricName,
    dimensionsMap: { job_name: jobName, ...extra },
    statistic,
    period: PERIOD,
  });
}

export type ObservabilityProps = {
  settings: JobdeckSettings;
  workflows: readonly JobWorkflow[];
  deadLetterQueues: Record<string, sqs.IQueue>;
};

export class JobdeckObservability extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
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
    const action = new SnsAction(this.topic);

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      defaultInterval: Duration.days(7),
      periodOverride: cloudwatch.PeriodOverride.AUTO,
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          "# jobdeck\nRuns per job (EMF metrics, namespace `jobdeck`): finished runs by status, duration, " +
          "inserted records and failures. Alarms: any FAILURE / TIMED_OUT run, any dead-lettered event.",
        width: 24,
        height: 2,
      }),
    );

    for (const { job, stateMachine } of props.workflows) {
      const jid = jobConstructId(job.name);
      const failures = runMetric(RUN_METRICS.failures, job.name, cloudwatch.Stats.SUM);
      const alarm = new cloudwatch.Alarm(this, `${jid}FailedRunsAlarm`, {
        alarmDescription: `jobdeck: a run of ${job.name} ended FAILURE or TIMED_OUT`,
        metric: failures,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);

      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${job.name}: runs by status`,
          stacked: true,
          left: FINISHED_STATUSES.map((status) =>
            runMetric(RUN_METRICS.runsFinished, job.name, cloudwatch.Stats.SUM, { status }).with({
              label: status,
            }),
          ),
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${job.name}: duration (s)`,
          left: [
            runMetric(RUN_METRICS.duration, job.name, cloudwatch.Stats.AVERAGE).with({ label: "avg" }),
            runMetric(RUN_METRICS.duration, job.name, cloudwatch.Stats.MAXIMUM).with({ label: "max" }),
          ],
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${job.name}: inserted`,
          left: [runMetric(RUN_METRICS.inserted, job.name, cloudwatch.Stats.SUM).with({ label: "inserted" })],
          width: 6,
        }),
        new cloudwatch.GraphWidget({
          title: `${job.name}: failures / executions`,
          left: [failures.with({ label: "failed runs" })],
          right: [
            stateMachine.metricFailed({ period: PERIOD, label: "executions failed" }),
            stateMachine.metricTimedOut({ period: PERIOD, label: "executions timed out" }),
            stateMachine.metricAborted({ period: PERIOD, label: "executions aborted" }),
          ],
          leftAnnotations: [{ value: 1, label: "alarm", color: cloudwatch.Color.RED }],
          width: 6,
        }),
      );
    }

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const alarm = new cloudwatch.Alarm(this, `${name}DeadLetterAlarm`, {
        alarmDescription: `jobdeck: ${name} dead-letter queue holds messages (an event was not delivered)`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    }
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "alarms", alarms: this.alarms, width: 24 }),
    );
  }
}
