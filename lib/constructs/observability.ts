// Observability: a CloudWatch dashboard of the runs (from the EMF metrics the functions publish in
// namespace "jobdeck"), an alarm per job on failed / timed-out runs and on the dead-letter queues,
// all to one encrypted SNS topic with an optional e-mail subscription.
import { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type * as sns from "aws-cdk-lib/aws-sns";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DEFAULTS } from "#config/defaults.ts";
import { SWEEP_METRICS } from "#domain/runs/run-sweeper.ts";
import { SCHEDULE_SYNC_METRICS } from "#domain/schedules/schedule-sync.ts";
import { FINISHED_STATUSES } from "#schemas/run.ts";
import { jobConstructId } from "../names.ts";
import type { JobdeckSettings } from "../settings.ts";
import type { AlarmTopic } from "./alarm-topic.ts";
import type { JobWorkflow } from "./workflows.ts";

/**
 * The metrics contract with the Lambda side (functions/adapters/powertools-logger.ts: Powertools
 * Metrics, EMF, default `service` dimension cleared so that every function's run ends land in the
 * same series): dimension sets {job_name, status} for RunsFinished and {job_name} for the others.
 */
export const RUN_METRICS = {
  namespace: DEFAULTS.serviceName,
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
  /** The topic every alarm and failure alert goes to (made before the functions that publish). */
  alarms: AlarmTopic;
  workflows: readonly JobWorkflow[];
  deadLetterQueues: Record<string, sqs.IQueue>;
};

export class JobdeckObservability extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);

    this.topic = props.alarms.topic;
    const action = new SnsAction(this.topic);
    /** Every alarm here fires on the first occurrence (≥ 1 in a period), to the topic; no data is fine. */
    const alarmOnAny = (id: string, description: string, metric: cloudwatch.IMetric) => {
      const alarm = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(action);
      this.alarms.push(alarm);
    };

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

    // A schedule fire with no run (the sweeper's MissedFires, emitted every minute, 0 included).
    const missed = new cloudwatch.Metric({
      namespace: RUN_METRICS.namespace,
      metricName: SWEEP_METRICS.missed,
      statistic: cloudwatch.Stats.SUM,
      period: PERIOD,
    });
    alarmOnAny(
      "MissedFiresAlarm",
      "jobdeck: a schedule's fire time passed with no run (see GET /v1/scheduler/status)",
      missed,
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Missed schedule fires and swept runs",
        left: [
          missed,
          new cloudwatch.Metric({
            namespace: RUN_METRICS.namespace,
            metricName: SWEEP_METRICS.swept,
            statistic: cloudwatch.Stats.SUM,
            period: PERIOD,
          }),
        ],
        width: 24,
      }),
    );

    // EventBridge schedules the sweeper's reconcile had to repair (each one a schedule write that failed
    // halfway and was not repaired at once, or a hand edit) and ones it could not repair. Both alarm:
    // drift means a schedule fired when it should not have, or did not fire, until the repair.
    const syncMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: RUN_METRICS.namespace,
        metricName,
        statistic: cloudwatch.Stats.SUM,
        period: PERIOD,
      });
    const drift = syncMetric(SCHEDULE_SYNC_METRICS.repaired);
    const syncFailures = syncMetric(SCHEDULE_SYNC_METRICS.failed);
    alarmOnAny(
      "ScheduleDriftAlarm",
      "jobdeck: EventBridge Scheduler differed from the schedules table and was repaired (see the sweeper's " +
        "'schedule drift repaired' log line for the schedule ids)",
      drift,
    );
    alarmOnAny(
      "ScheduleReconcileFailedAlarm",
      "jobdeck: the sweeper could not reconcile EventBridge Scheduler with the schedules table (see its " +
        "'schedule reconcile' log lines)",
      syncFailures,
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: "Schedule drift repaired (EventBridge ← table)",
        left: (["created", "updated", "deleted"] as const).map((change) =>
          drift.with({ dimensionsMap: { [SCHEDULE_SYNC_METRICS.changeDimension]: change }, label: change }),
        ),
        right: [syncFailures],
        width: 24,
      }),
    );

    for (const { job, stateMachine } of props.workflows) {
      const jid = jobConstructId(job.name);
      const failures = runMetric(RUN_METRICS.failures, job.name, cloudwatch.Stats.SUM);
      alarmOnAny(
        `${jid}FailedRunsAlarm`,
        `jobdeck: a run of ${job.name} ended FAILURE or TIMED_OUT`,
        failures,
      );

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
      alarmOnAny(
        `${name}DeadLetterAlarm`,
        `jobdeck: ${name} dead-letter queue holds messages (an event was not delivered)`,
        queue.metricApproximateNumberOfMessagesVisible({
          period: PERIOD,
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
      );
    }
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "alarms", alarms: this.alarms, width: 24 }),
    );
  }
}
