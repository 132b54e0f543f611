// Schedules: the schedule group, the role EventBridge Scheduler assumes to start the jobs' state
// machines, the dead-letter queue of failed deliveries, and the jobs' default schedules created at
// deploy through the same schedules service the API uses (a custom resource calling the
// DefaultSchedules function), so that no schedule is owned by CloudFormation.
import { createHash } from "node:crypto";
import { Aws, CustomResource, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import * as scheduler from "aws-cdk-lib/aws-scheduler";
import * as sqs from "aws-cdk-lib/aws-sqs";
import * as cr from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import type { EnvValues, LambdaFactory, MadeFunction } from "../functions.ts";
import { DEFAULT_SCHEDULES_LAMBDA } from "../lambda-catalog.ts";
import { acknowledge, iam5ResourceId } from "../nag.ts";
import { scheduleGroupName, stateMachineArn } from "../names.ts";
import { type JobdeckSettings, logRetentionFor } from "../settings.ts";
import { CORE_TABLE_ACCESS } from "../table-access.ts";
import type { JobdeckData } from "./data.ts";

/** What the schedules functions may do to EventBridge schedules (nothing else of Scheduler). */
export const SCHEDULE_ACTIONS = [
  "scheduler:CreateSchedule",
  "scheduler:UpdateSchedule",
  "scheduler:DeleteSchedule",
] as const;
/** What reconcile adds: reading EventBridge's copies back (the sweeper only). */
export const SCHEDULE_READ_ACTIONS = ["scheduler:GetSchedule"] as const;

export const DEAD_LETTER_REASON =
  "This queue is itself a dead-letter queue (failed deliveries end here and raise an alarm); a queue behind " +
  "it would never be read.";

/** An encrypted, SSL-only SQS dead-letter queue that keeps messages 14 days. */
export function deadLetterQueue(scope: Construct, id: string): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
    // SQS's default when unset, stated so Control Tower's CT.SQS.PR.1 sees a dead-letter queue
    redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  acknowledge(queue, "AwsSolutions-SQS3", DEAD_LETTER_REASON);
  return queue;
}

export type SchedulesProps = {
  jobs: readonly JobDefinition[];
  settings: JobdeckSettings;
};

export class JobdeckSchedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly stateMachineArns: Record<string, string>;
  private defaults?: { made: MadeFunction; resource: CustomResource };

  constructor(
    scope: Construct,
    id: string,
    private readonly props: SchedulesProps,
  ) {
    super(scope, id);
    this.stateMachineArns = Object.fromEntries(
      props.jobs.map((j) => [j.name, stateMachineArn(this, j.name)]),
    );

    this.group = new scheduler.ScheduleGroup(this, "Group", {
      scheduleGroupName: scheduleGroupName(this),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deadLetterQueue = deadLetterQueue(this, "DeadLetterQueue");

    this.role = new iam.Role(this, "SchedulerRole", {
      description: "EventBridge Scheduler: starts the jobdeck state machines, nothing else",
      assumedBy: new iam.ServicePrincipal("scheduler.amazonaws.com", {
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: { "aws:SourceArn": this.group.scheduleGroupArn },
        },
      }),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: "StartJobStateMachines",
        actions: ["states:StartExecution"],
        resources: Object.values(this.stateMachineArns),
      }),
    );
    // Scheduler sends failed deliveries to the dead-letter queue with this role.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: "DeadLetterDelivery",
        actions: ["sqs:SendMessage"],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );
  }

  /** The SCHEDULING variables of the environment contract. */
  envValues(): EnvValues {
    return {
      STATE_MACHINE_ARNS: Stack.of(this).toJsonString(this.stateMachineArns),
      SCHEDULE_GROUP_NAME: this.group.scheduleGroupName,
      SCHEDULER_ROLE_ARN: this.role.roleArn,
      SCHEDULE_DLQ_ARN: this.deadLetterQueue.queueArn,
    };
  }

  /**
   * Writes (Create/Update/Delete) on this group's schedules and PassRole of the scheduler role; with
   * `reconcile`, also the reads reconcile needs (GetSchedule, ListSchedules): the sweeper only.
   */
  grantManageSchedules(made: MadeFunction, opts: { reconcile?: boolean } = {}): void {
    const scheduleArns = Stack.of(this).formatArn({
      service: "scheduler",
      resource: "schedule",
      resourceName: `${this.group.scheduleGroupName}/*`,
    });
    made.role.addToPolicy(
      new iam.PolicyStatement({
        sid: "ManageGroupSchedules",
        actions: [...SCHEDULE_ACTIONS, ...(opts.reconcile ? SCHEDULE_READ_ACTIONS : [])],
        resources: [scheduleArns],
      }),
    );
    if (opts.reconcile) {
      made.role.addToPolicy(
        new iam.PolicyStatement({
          sid: "ListSchedules",
          actions: ["scheduler:ListSchedules"],
          resources: ["*"],
        }),
      );
    }
    made.role.addToPolicy(
      new iam.PolicyStatement({
        sid: "PassSchedulerRole",
        actions: ["iam:PassRole"],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { "iam:PassedToService": "scheduler.amazonaws.com" } },
      }),
    );
    const policy = made.role.node.tryFindChild("DefaultPolicy") ?? made.role;
    acknowledge(
      policy,
      iam5ResourceId(this, scheduleArns),
      "Schedule names are created at run time (one per schedule item); the wildcard is limited to this " +
        "stack's schedule group and to Create/Update/Delete (and GetSchedule for reconcile).",
    );
    if (opts.reconcile) {
      acknowledge(
        policy,
        "AwsSolutions-IAM5[Resource::*]",
        "scheduler:ListSchedules supports no resource-level permission (Service Authorization Reference); it " +
          "lists schedule names only and the code filters on this stack's group and name prefix. Resource '*' " +
          "is also needed by X-Ray tracing.",
      );
    }
  }

  /**
   * The DefaultSchedules function and the custom resource that runs it at deploy. Its properties hold a
   * hash of the jobs' default schedules, so changing one re-runs it on the next deploy.
   */
  addDefaultSchedules(factory: LambdaFactory, data: JobdeckData, common: EnvValues): MadeFunction {
    const made = factory.create(this, DEFAULT_SCHEDULES_LAMBDA, { ...common, ...this.envValues() });
    data.bindCore(made, CORE_TABLE_ACCESS["default-schedules"]);
    this.grantManageSchedules(made);

    const frameworkLogs = new logs.LogGroup(this, "DefaultSchedulesProviderLogs", {
      retention: logRetentionFor(this.props.settings.retentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const frameworkRole = new iam.Role(this, "DefaultSchedulesProviderRole", {
      description: "CDK custom resource framework: invokes the DefaultSchedules function",
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new cr.Provider(this, "DefaultSchedulesProvider", {
      onEventHandler: made.fn,
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole,
    });
    acknowledge(
      frameworkRole.node.tryFindChild("DefaultPolicy") ?? frameworkRole,
      iam5ResourceId(this, `${made.fn.functionArn}:*`),
      "CDK's Provider framework grants lambda:InvokeFunction on the DefaultSchedules function and its " +
        "versions/aliases (`:*`); it can invoke nothing else.",
    );
    // CDK's framework function is plain JavaScript: run it like every jobdeck function (Node.js 22, arm64).
    const framework = provider.node.tryFindChild("framework-onEvent")?.node.defaultChild;
    if (!(framework instanceof lambda.CfnFunction))
      throw new Error("custom resource framework function not found");
    framework.addPropertyOverride("Runtime", lambda.Runtime.NODEJS_22_X.name);
    framework.addPropertyOverride("Architectures", [lambda.Architecture.ARM_64.name]);

    const defaults = this.props.jobs.map((j) => ({ job: j.name, schedules: j.default_schedules ?? [] }));
    const resource = new CustomResource(this, "DefaultSchedulesResource", {
      serviceToken: provider.serviceToken,
      resourceType: "Custom::JobdeckDefaultSchedules",
      properties: {
        jobs: this.props.jobs.map((j) => j.name),
        defaultSchedulesHash: createHash("sha256").update(JSON.stringify(defaults)).digest("hex"),
      },
    });
    this.defaults = { made, resource };
    return made;
  }

  /** The custom resource must run once the state machines (its schedules' targets) exist. */
  defaultSchedulesAfter(...constructs: Construct[]): void {
    for (const c of constructs) this.defaults?.resource.node.addDependency(c);
  }
}
