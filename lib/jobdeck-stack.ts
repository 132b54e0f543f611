// The whole AWS deployment of jobdeck in one stack, driven by the job registry: per registered job
// one worker function, one state machine, their permissions, schedules and alarms. Adding a job
// needs no change here (functions/jobs/all-jobs.ts is the only list).

import { CfnOutput, Stack, type StackProps } from "aws-cdk-lib";
import type { Construct } from "constructs";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { JobdeckAdminSite } from "./constructs/admin-site.ts";
import { AlarmTopic } from "./constructs/alarm-topic.ts";
import { JobdeckApi } from "./constructs/api.ts";
import { JobdeckData } from "./constructs/data.ts";
import { JobdeckObservability } from "./constructs/observability.ts";
import { JobdeckSchedules } from "./constructs/schedules.ts";
import { JobdeckWorkflows } from "./constructs/workflows.ts";
import { type EnvValues, type JobDataFile, LambdaFactory } from "./functions.ts";
import { checkJobNames } from "./names.ts";
import type { JobdeckSettings } from "./settings.ts";

export type JobdeckStackProps = StackProps & {
  settings: JobdeckSettings;
  /** Defaults to the registry; tests may pass another list. */
  jobs?: readonly JobDefinition[];
  /** functions/jobs/data-files.ts (copied next to each worker's bundle). */
  jobDataFiles?: readonly JobDataFile[];
};

export class JobdeckStack extends Stack {
  readonly data: JobdeckData;
  readonly schedules: JobdeckSchedules;
  readonly workflows: JobdeckWorkflows;
  readonly site: JobdeckAdminSite;
  readonly api: JobdeckApi;
  readonly observability: JobdeckObservability;
  readonly alarms: AlarmTopic;
  readonly functions: LambdaFactory;
  private readonly zones: readonly string[];

  constructor(scope: Construct, id: string, props: JobdeckStackProps) {
    super(scope, id, props);
    const { settings } = props;
    this.zones = settings.fargateAvailabilityZones;
    const jobs = props.jobs ?? JOBS;
    if (jobs.length === 0) throw new Error("the job registry is empty");
    checkJobNames(this, jobs);
    this.functions = new LambdaFactory(settings, props.jobDataFiles ?? []);

    this.data = new JobdeckData(this, "Data");
    this.schedules = new JobdeckSchedules(this, "Schedules", { jobs, settings });
    // Settings, log groups and Powertools variables come from the factory; tables are bound per function.
    const common: EnvValues = { CURSOR_SECRET_ARN: this.data.cursorSecret.secretArn };
    const scheduling: EnvValues = { ...common, ...this.schedules.envValues() };

    // Before the functions that end runs: they link to the page and publish to the alarm topic.
    this.site = new JobdeckAdminSite(this, "AdminSite", { settings });
    this.alarms = new AlarmTopic(this, "Alarms", { settings });
    this.workflows = new JobdeckWorkflows(this, "Workflows", {
      jobs,
      settings,
      factory: this.functions,
      data: this.data,
      env: {
        ...scheduling,
        ALERT_TOPIC_ARN: this.alarms.topic.topicArn,
        SITE_URL: this.site.url,
      },
      alarms: this.alarms,
    });
    // The sweeper reconciles EventBridge schedules with the table (functions/domain/schedules/schedule-sync.ts).
    this.schedules.grantManageSchedules(this.workflows.sweeper, { reconcile: true });
    this.schedules.addDefaultSchedules(this.functions, this.data, common);
    this.schedules.defaultSchedulesAfter(...this.workflows.jobs.map((w) => w.stateMachine));

    this.api = new JobdeckApi(this, "Api", {
      jobs,
      settings,
      factory: this.functions,
      data: this.data,
      schedules: this.schedules,
      env: scheduling,
      siteUrl: this.site.url,
      runLogGroups: Object.fromEntries(
        this.workflows.jobs.map((w) => [w.job.name, [this.workflows.steps.logGroup, w.runLogGroup]]),
      ),
    });
    this.site.deploy({
      auth: "cognito",
      apiUrl: this.api.url,
      region: this.region,
      cognitoDomain: this.api.domain.baseUrl(),
      clientId: this.api.client.userPoolClientId,
      userPoolId: this.api.userPool.userPoolId,
      displayTimeZone: settings.displayTimeZone,
    });

    this.observability = new JobdeckObservability(this, "Observability", {
      settings,
      alarms: this.alarms,
      workflows: this.workflows.jobs,
      deadLetterQueues: {
        Schedules: this.schedules.deadLetterQueue,
        Reconcile: this.workflows.reconcileDeadLetterQueue,
      },
    });

    new CfnOutput(this, "AdminPageUrl", { value: `${this.site.url}/`, description: "The admin page" });
    new CfnOutput(this, "ApiUrl", { value: this.api.url, description: "HTTP API base URL" });
    new CfnOutput(this, "UserPoolId", {
      value: this.api.userPool.userPoolId,
      description: "Cognito user pool",
    });
    new CfnOutput(this, "UserPoolClientId", { value: this.api.client.userPoolClientId });
    new CfnOutput(this, "CognitoDomain", { value: this.api.domain.baseUrl() });
    new CfnOutput(this, "AlarmTopicArn", { value: this.observability.topic.topicArn });
    new CfnOutput(this, "DashboardName", { value: this.observability.dashboard.dashboardName });
  }

  /**
   * The zones are settings, never looked up: with a concrete account CDK would otherwise ask
   * the account (a context lookup: network and credentials at synth) for the fargate VPC's zones.
   */
  override get availabilityZones(): string[] {
    return this.zones.length > 0 ? [...this.zones] : super.availabilityZones;
  }
}
