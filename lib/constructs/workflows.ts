// Workflows: per registered job one Standard state machine made from statemachines/run-job.asl.json
// (functions/workflow/run-job-asl.ts renders it per job) with definition substitutions, and its
// worker: a Lambda function, or for a job with runtime "fargate" an ECS task definition on the
// fargate cluster (./fargate.ts, issue 15); the shared workflow steps
// function; and the EventBridge rule that sends every FAILED / TIMED_OUT / ABORTED execution of
// these state machines to the reconcile function (which ends the run record and frees its slot).
import { join } from "node:path";
import { ArnFormat, Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import {
  readRunJobTemplates,
  renderRunJobDefinition,
  subnetSubstitution,
  substitutionNames,
} from "#workflow/run-job-asl.ts";
import { startJobExecutions } from "../execution-grants.ts";
import { type EnvValues, type LambdaFactory, type MadeFunction, PROJECT_ROOT } from "../functions.ts";
import {
  type LambdaSpec,
  RECONCILER_LAMBDA,
  RUN_SWEEPER_LAMBDA,
  WORKFLOW_STEPS_LAMBDA,
  workerLambda,
} from "../lambda-catalog.ts";
import { acknowledge, iam5ResourceId, REASONS } from "../nag.ts";
import { executionArnPattern, jobConstructId, stateMachineArn, stateMachineName } from "../names.ts";
import { type JobdeckSettings, logRetentionFor } from "../settings.ts";
import { CORE_TABLE_ACCESS } from "../table-access.ts";
import type { AlarmTopic } from "./alarm-topic.ts";
import type { JobdeckData } from "./data.ts";
import { JobdeckFargate, type JobTask } from "./fargate.ts";
import { deadLetterQueue } from "./schedules.ts";

/** The ASL template of every job's state machine. */
export const RUN_JOB_ASL = "statemachines/run-job.asl.json";

/**
 * The definition substitutions this construct provides to the ASL, and which function each names:
 * the shared steps function, or the job's own worker (test/infra/asl.test.ts checks the ASL uses only these).
 */
export const ASL_SUBSTITUTIONS = {
  StepsFunctionArn: (): LambdaSpec => WORKFLOW_STEPS_LAMBDA,
  WorkerFunctionArn: (job: Pick<JobDefinition, "name" | "timeout_seconds">): LambdaSpec =>
    workerLambda(job.name, job.timeout_seconds),
} as const;

/** Execution statuses that end a run without the workflow recording it. */
export const RECONCILED_STATUSES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

/** The EventBridge rule Step Functions manages for `.sync` ECS tasks (it learns of the task's stop by it). */
export const ECS_SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule";

export type JobWorkflow = {
  job: JobDefinition;
  /** A lambda job's worker function. */
  worker?: MadeFunction;
  /** A fargate job's task (issue 15). */
  task?: JobTask;
  /** Where the job's own lines go: its worker's or its task's log group. */
  runLogGroup: logs.ILogGroup;
  stateMachine: sfn.StateMachine;
  /** The state machine's log group. */
  logGroup: logs.LogGroup;
};

export type WorkflowsProps = {
  jobs: readonly JobDefinition[];
  settings: JobdeckSettings;
  factory: LambdaFactory;
  data: JobdeckData;
  /** SCHEDULING and ALERTS values (tables are bound per function). */
  env: EnvValues;
  /** Functions that end runs publish failure alerts here. */
  alarms: AlarmTopic;
};

export class JobdeckWorkflows extends Construct {
  readonly steps: MadeFunction;
  readonly reconciler: MadeFunction;
  /**
   * Every minute: ends overdue runs and records missed fires (functions/domain/runs/run-sweeper.ts);
   * every 10 minutes reconciles EventBridge schedules with the table (schedule-sync.ts; its scheduler
   * permissions are granted by JobdeckSchedules.grantManageSchedules in the stack).
   */
  readonly sweeper: MadeFunction;
  readonly jobs: JobWorkflow[] = [];
  /** The fargate jobs' network, cluster and tasks; undefined when every job runs on Lambda. */
  readonly fargate: JobdeckFargate | undefined;
  readonly executionEndedRule: events.Rule;
  readonly reconcileDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const { factory, data, settings } = props;

    this.steps = factory.create(this, WORKFLOW_STEPS_LAMBDA, props.env);
    data.bindCore(this.steps, CORE_TABLE_ACCESS.steps);

    // Issue 15: the network, cluster and task bundle exist only once some job runs on fargate.
    const fargateJobs = props.jobs.filter((j) => j.runtime === "fargate");
    this.fargate =
      fargateJobs.length > 0 ? new JobdeckFargate(this, "Fargate", { settings, factory, data }) : undefined;
    const templates = readRunJobTemplates(PROJECT_ROOT);
    const subnetCount = this.fargate?.subnets.length ?? 0;

    for (const job of props.jobs) {
      const jid = jobConstructId(job.name);
      const name = stateMachineName(this, job.name);
      const definition = renderRunJobDefinition(templates, job, subnetCount);
      const logGroup = new logs.LogGroup(this, `${jid}StateMachineLogs`, {
        // the /aws/vendedlogs/ prefix keeps the account's Logs resource policy small
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: logRetentionFor(settings.retentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const runner =
        job.runtime === "fargate"
          ? this.fargateRunner(job, props.env)
          : this.lambdaRunner(job, props.env, props.factory, props.data);
      const substitutions: Record<string, string> = {
        StepsFunctionArn: this.steps.fn.functionArn,
        ...runner.substitutions,
      };
      const expected = ["StepsFunctionArn", ...substitutionNames(job, subnetCount)].sort();
      if (JSON.stringify(Object.keys(substitutions).sort()) !== JSON.stringify(expected)) {
        throw new Error(`${job.name}: substitutions ${Object.keys(substitutions)} ≠ ${expected}`);
      }
      const stateMachine = new sfn.StateMachine(this, `${jid}StateMachine`, {
        stateMachineName: name,
        comment: `jobdeck: runs of job ${job.name}`,
        stateMachineType: sfn.StateMachineType.STANDARD,
        // A lambda job's rendered definition is run-job.asl.json itself: deployed from the file, its
        // bytes stay those of earlier releases (no state machine update). A fargate job's is its own.
        definitionBody:
          job.runtime === "fargate"
            ? sfn.DefinitionBody.fromString(JSON.stringify(definition, null, 2))
            : sfn.DefinitionBody.fromFile(join(PROJECT_ROOT, RUN_JOB_ASL)),
        definitionSubstitutions: substitutions,
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
        tracingEnabled: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // The definition is opaque to CDK: its Task targets are granted here, explicitly.
      const invoked = [this.steps.fn.functionArn, ...(runner.worker ? [runner.worker.fn.functionArn] : [])];
      stateMachine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: "InvokeTaskFunctions",
          actions: ["lambda:InvokeFunction"],
          resources: invoked.flatMap((arn) => [arn, `${arn}:*`]),
        }),
      );
      const policy = stateMachine.role.node.tryFindChild("DefaultPolicy") ?? stateMachine.role;
      acknowledge(policy, "AwsSolutions-IAM5[Resource::*]", `${REASONS.sfnLogDelivery} ${REASONS.xray}`);
      for (const arn of invoked) {
        acknowledge(
          policy,
          iam5ResourceId(this, `${arn}:*`),
          "Versions and aliases (`:*`) of the one function this Task invokes; the state machine can invoke " +
            "no other function.",
        );
      }
      if (runner.task) this.grantRunTask(stateMachine, policy, runner.task);
      this.jobs.push({
        job,
        ...(runner.worker ? { worker: runner.worker } : {}),
        ...(runner.task ? { task: runner.task } : {}),
        runLogGroup: runner.worker?.logGroup ?? runner.task!.logGroup,
        stateMachine,
        logGroup,
      });
    }

    // Runs whose execution ended without the workflow recording it are ended by the reconciler.
    this.reconciler = factory.create(this, RECONCILER_LAMBDA, props.env);
    data.bindCore(this.reconciler, CORE_TABLE_ACCESS.reconciler);
    this.reconcileDeadLetterQueue = deadLetterQueue(this, "ReconcileDeadLetterQueue");
    this.executionEndedRule = new events.Rule(this, "ExecutionEndedRule", {
      description: "jobdeck: a job's execution FAILED, TIMED_OUT or was ABORTED → reconcile its run",
      eventPattern: {
        source: ["aws.states"],
        detailType: ["Step Functions Execution Status Change"],
        detail: {
          status: [...RECONCILED_STATUSES],
          stateMachineArn: props.jobs.map((j) => stateMachineArn(this, j.name)),
        },
      },
    });
    this.executionEndedRule.addTarget(
      new targets.LambdaFunction(this.reconciler.fn, {
        deadLetterQueue: this.reconcileDeadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );

    // The safety net: whatever the paths above missed is ended within a minute of its budget.
    this.sweeper = factory.create(this, RUN_SWEEPER_LAMBDA, props.env);
    data.bindCore(this.sweeper, CORE_TABLE_ACCESS.sweeper);
    // Ending a backfill's run starts its next time: the steps (FinishRun), the reconciler and the
    // sweeper (its every-minute pass over running backfills) all end runs.
    for (const fn of [this.steps, this.reconciler, this.sweeper])
      fn.role.addToPolicy(startJobExecutions(this, props.jobs));
    const executions = props.jobs.map((j) => executionArnPattern(this, j.name));
    this.sweeper.role.addToPolicy(
      new iam.PolicyStatement({
        sid: "StopSweptExecutions",
        actions: ["states:StopExecution"],
        resources: executions,
      }),
    );
    for (const arn of executions) {
      acknowledge(
        this.sweeper.role.node.tryFindChild("DefaultPolicy") ?? this.sweeper.role,
        iam5ResourceId(this, arn),
        "Execution names are the runs' execution_uuids, known only at run time; the wildcard covers the " +
          "executions of one job state machine of this stack, for StopExecution of swept runs only.",
      );
    }
    if (this.fargate) this.grantSweepTasks(this.fargate);
    new events.Rule(this, "SweepRule", {
      description:
        "jobdeck: every minute, end overdue runs and record missed schedule fires (and reconcile schedules every 10 min)",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.sweeper.fn, { retryAttempts: 0 })],
    });
    for (const fn of [this.steps, this.reconciler, this.sweeper]) props.alarms.grantPublish(fn);
  }

  /** A lambda job's worker function: its own tables, the state machine invokes it. */
  private lambdaRunner(job: JobDefinition, env: EnvValues, factory: LambdaFactory, data: JobdeckData) {
    const worker = factory.create(
      this,
      ASL_SUBSTITUTIONS.WorkerFunctionArn(job),
      { ...env, JOBDECK_JOB_NAME: job.name },
      { withJobDataFiles: true },
    );
    data.bindCore(worker, CORE_TABLE_ACCESS.worker);
    // the tables the job declares, its own worker only
    data.bindJobStores(worker, job);
    data.bindJobSecrets(worker, job);
    return { worker, task: undefined, substitutions: { WorkerFunctionArn: worker.fn.functionArn } };
  }

  /** A fargate job's task definition (no worker function): the state machine runs it on the cluster. */
  private fargateRunner(job: JobDefinition, env: EnvValues) {
    const fargate = this.fargate!;
    const task = fargate.addJob(job, env);
    const substitutions: Record<string, string> = {
      ClusterArn: fargate.cluster.clusterArn,
      TaskDefinitionArn: task.taskDefinition.taskDefinitionArn,
      TaskSecurityGroupId: fargate.securityGroup.securityGroupId,
    };
    fargate.subnets.forEach((subnet, i) => {
      substitutions[subnetSubstitution(i)] = subnet.subnetId;
    });
    return { worker: undefined, task, substitutions };
  }

  /**
   * What `arn:aws:states:::ecs:runTask.sync` needs, and only that (Step Functions' IAM page for ECS):
   * run this job's task definition on this cluster (tagged with its execution_uuid), stop and describe
   * the cluster's tasks, pass the task's two roles to ECS, and the managed EventBridge rule through
   * which .sync learns that the task stopped.
   */
  private grantRunTask(stateMachine: sfn.StateMachine, policy: Construct, task: JobTask): void {
    const fargate = this.fargate!;
    const stack = Stack.of(this);
    const family = stack.formatArn({
      service: "ecs",
      resource: "task-definition",
      resourceName: `${task.taskDefinition.family}:*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const onCluster = { ArnEquals: { "ecs:cluster": fargate.cluster.clusterArn } };
    const tasks = fargate.tasksArn();
    const rule = stack.formatArn({
      service: "events",
      resource: "rule",
      resourceName: ECS_SYNC_RULE,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    for (const statement of [
      new iam.PolicyStatement({
        sid: "RunJobTask",
        actions: ["ecs:RunTask"],
        resources: [family],
        conditions: onCluster,
      }),
      // RunTask carries tags (execution_uuid, attempt): ECS authorizes tagging on create separately
      new iam.PolicyStatement({
        sid: "TagJobTaskOnRun",
        actions: ["ecs:TagResource"],
        resources: [tasks],
        conditions: { StringEquals: { "ecs:CreateAction": "RunTask" } },
      }),
      new iam.PolicyStatement({
        sid: "StopAndDescribeJobTask",
        actions: ["ecs:StopTask", "ecs:DescribeTasks"],
        resources: [tasks],
        conditions: onCluster,
      }),
      new iam.PolicyStatement({
        sid: "PassJobTaskRoles",
        actions: ["iam:PassRole"],
        resources: [task.taskRole.roleArn, task.executionRole.roleArn],
        conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      }),
      new iam.PolicyStatement({
        sid: "EcsSyncEventRule",
        actions: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
        resources: [rule],
      }),
    ]) {
      stateMachine.addToRolePolicy(statement);
    }
    fargate.acknowledgeWildcard(
      policy,
      family,
      "Any revision (`:*`) of this one job's task definition family: an execution started before a deploy " +
        "keeps the revision it was given and must still be able to run its retries.",
    );
    fargate.acknowledgeWildcard(
      policy,
      tasks,
      "Task ids are made by RunTask at run time; the wildcard covers the tasks of this stack's cluster only " +
        "(and the ecs:cluster condition), to tag, stop and describe the task this state started.",
    );
  }

  /** The sweeper stops tasks whose run ended (functions/ports/task-fleet.ts): list, read tags, stop. */
  private grantSweepTasks(fargate: JobdeckFargate): void {
    this.sweeper.setEnv("JOBDECK_CLUSTER_ARN", fargate.cluster.clusterArn);
    const onCluster = { ArnEquals: { "ecs:cluster": fargate.cluster.clusterArn } };
    const tasks = fargate.tasksArn();
    // ListTasks authorizes on container instances, not on a cluster: "*" narrowed by ecs:cluster.
    this.sweeper.role.addToPolicy(
      new iam.PolicyStatement({
        sid: "ListClusterTasks",
        actions: ["ecs:ListTasks"],
        resources: ["*"],
        conditions: onCluster,
      }),
    );
    this.sweeper.role.addToPolicy(
      new iam.PolicyStatement({
        sid: "StopOrphanedTasks",
        actions: ["ecs:DescribeTasks", "ecs:StopTask"],
        resources: [tasks],
        conditions: onCluster,
      }),
    );
    const policy = this.sweeper.role.node.tryFindChild("DefaultPolicy") ?? this.sweeper.role;
    acknowledge(
      policy,
      "AwsSolutions-IAM5[Resource::*]",
      `${REASONS.xray} ecs:ListTasks has no resource type but container-instance; it is limited to this ` +
        "stack's cluster by the ecs:cluster condition.",
    );
    fargate.acknowledgeWildcard(
      policy,
      tasks,
      "Task ids are made by RunTask at run time; the wildcard covers the tasks of this stack's cluster only " +
        "(and the ecs:cluster condition), to describe their tags and stop those whose run ended.",
    );
  }
}
