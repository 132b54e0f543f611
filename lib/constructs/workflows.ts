// Workflows: per registered job one worker function and one Standard state machine made from
// statemachines/run-job.asl.json with definition substitutions; the shared workflow steps
// function; and the EventBridge rule that sends every FAILED / TIMED_OUT / ABORTED execution of
// these state machines to the reconcile function (which ends the run record and frees its slot).
import { join } from "node:path";
import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
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

export type JobWorkflow = {
  job: JobDefinition;
  worker: MadeFunction;
  stateMachine: sfn.StateMachine;
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
  readonly executionEndedRule: events.Rule;
  readonly reconcileDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkflowsProps) {
    super(scope, id);
    const { factory, data, settings } = props;

    this.steps = factory.create(this, WORKFLOW_STEPS_LAMBDA, props.env);
    data.bindCore(this.steps, CORE_TABLE_ACCESS.steps);

    for (const job of props.jobs) {
      const jid = jobConstructId(job.name);
      const worker = factory.create(
        this,
        ASL_SUBSTITUTIONS.WorkerFunctionArn(job),
        { ...props.env, JOBDECK_JOB_NAME: job.name },
        { withJobDataFiles: true },
      );
      data.bindCore(worker, CORE_TABLE_ACCESS.worker);
      // the tables the job declares, its own worker only
      data.bindJobStores(worker, job);

      const name = stateMachineName(this, job.name);
      const logGroup = new logs.LogGroup(this, `${jid}StateMachineLogs`, {
        // the /aws/vendedlogs/ prefix keeps the account's Logs resource policy small
        logGroupName: `/aws/vendedlogs/states/${name}`,
        retention: logRetentionFor(settings.retentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const stateMachine = new sfn.StateMachine(this, `${jid}StateMachine`, {
        stateMachineName: name,
        comment: `jobdeck: runs of job ${job.name}`,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromFile(join(PROJECT_ROOT, RUN_JOB_ASL)),
        definitionSubstitutions: {
          StepsFunctionArn: this.steps.fn.functionArn,
          WorkerFunctionArn: worker.fn.functionArn,
        },
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
        tracingEnabled: true,
        removalPolicy: RemovalPolicy.DESTROY,
      });
      // fromFile hides the definition from CDK: the Task targets are granted here, explicitly.
      const invoked = [this.steps.fn.functionArn, worker.fn.functionArn];
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
      this.jobs.push({ job, worker, stateMachine, logGroup });
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
    new events.Rule(this, "SweepRule", {
      description:
        "jobdeck: every minute, end overdue runs and record missed schedule fires (and reconcile schedules every 10 min)",
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(this.sweeper.fn, { retryAttempts: 0 })],
    });
    for (const fn of [this.steps, this.reconciler, this.sweeper]) props.alarms.grantPublish(fn);
  }
}
