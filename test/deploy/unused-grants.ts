// Grants the deploy suite saw no call use (test/deploy/deployed-app.test.ts, "least privilege"),
// each with its one-line reason. The first group is used by AWS services on the role's behalf,
// which no offline run can observe; the rest, marked `TODO(issue 13): over-grant`, are grants no
// scenario needed: listed so that the suite passes today, to be removed (with the grant in lib/)
// by issue 13's least-privilege step. An entry that no longer matches an unused grant fails the
// suite too, so this list shrinks as the grants do. Keys: "<role> <action> <resource>", resources
// without region and account, tables by logical id.
import { type AllowedUnused, allowUnused } from "#test/helpers/deploy-iam.ts";

const OVER = "TODO(issue 13): over-grant";
const DDB_SET = `${OVER}: part of CDK's grantReadData / grantReadWriteData action set, never called by this function`;
const DEFAULTS_REPAIR =
  "A default schedule whose EventBridge create failed on the service side is repaired by removing the copy (schedule-service, followTable); no scenario fails a create";
const PER_JOB_TWIN = "The same grant for the other job's state machine: the scenarios exercise it on one job";

/** One entry per action of a role on a resource. */
const grants = (role: string, resource: string, actions: string[], reason: string): AllowedUnused[] =>
  actions.map((action) => allowUnused(`${role} ${action} ${resource}`, reason));

export const UNUSED_GRANTS_ALLOWED: AllowedUnused[] = [
  // Used by AWS services with the role, not by the bundle's SDK calls.
  allowUnused(
    "* logs:CreateLogStream logs:log-group:*",
    "Lambda writes the function's log group with its role",
  ),
  allowUnused("* logs:PutLogEvents logs:log-group:*", "Lambda writes the function's log group with its role"),
  allowUnused("* xray:PutT* *", "Active tracing: Lambda sends the function's trace segments with its role"),
  allowUnused(
    "* kms:* kms:key/AlarmsAlarmTopicKey*",
    "SNS calls KMS with the publisher's credentials for the encrypted alarm topic (needed with sns:Publish)",
  ),
  allowUnused(
    "SchedulesSchedulerRole* sqs:SendMessage sqs:SchedulesDeadLetterQueue*",
    "Scheduler sends a target it could not start to the DLQ (no failed delivery offline)",
  ),
  allowUnused(
    "*StateMachineRole* lambda:InvokeFunction lambda:function:*:*",
    "grantInvoke adds the version-qualified ARNs; the definitions name the unqualified ARN",
  ),
  allowUnused(
    "*StateMachineRole* logs:* *",
    "Step Functions' log delivery (LoggingConfiguration), set up by the service",
  ),
  allowUnused(
    "*StateMachineRole* xray:* *",
    "Step Functions' X-Ray tracing (TracingConfiguration), done by the service",
  ),

  // Unused by every scenario.
  // ApiApiDashboardRole41F978C3
  ...grants(
    "ApiApiDashboardRole41F978C3",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  // ApiApiJobsRole92D742F5
  ...grants(
    "ApiApiJobsRole92D742F5",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem", "dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiJobsRole92D742F5",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiJobsRole92D742F5",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_feed_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  // ApiApiMetaRole8DA7852E
  // ApiApiRunsRole87A99AAA
  ...grants("ApiApiRunsRole87A99AAA", "dynamodb:table/DataRunsTable8D96F77C", ["dynamodb:Query"], DDB_SET),
  ...grants(
    "ApiApiRunsRole87A99AAA",
    "states:stateMachine:Jobdeck-recap-pipeline",
    ["states:StartExecution"],
    PER_JOB_TWIN,
  ),
  ...grants(
    "ApiApiRunsRole87A99AAA",
    "states:execution:Jobdeck-listed_companies-sync:*",
    ["states:StopExecution"],
    PER_JOB_TWIN,
  ),
  // ApiApiSchedulerRole9ECEBB8D
  ...grants(
    "ApiApiSchedulerRole9ECEBB8D",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem", "dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiSchedulerRole9ECEBB8D",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiSchedulerRole9ECEBB8D",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_feed_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiSchedulerRole9ECEBB8D",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_job_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  // ApiApiSchedulesRoleAAAEA313
  ...grants(
    "ApiApiSchedulesRoleAAAEA313",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:UpdateItem"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiSchedulesRoleAAAEA313",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem", "dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiSchedulesRoleAAAEA313",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_active_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiSchedulesRoleAAAEA313",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_feed_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiSchedulesRoleAAAEA313",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_job_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  // ApiApiTriggerRoleCF632D5D
  ...grants(
    "ApiApiTriggerRoleCF632D5D",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem", "dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiTriggerRoleCF632D5D",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:DeleteItem"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiTriggerRoleCF632D5D",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_active_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiTriggerRoleCF632D5D",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_feed_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "ApiApiTriggerRoleCF632D5D",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_job_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  // SchedulesDefaultSchedulesRoleE2E3AC33
  ...grants(
    "SchedulesDefaultSchedulesRoleE2E3AC33",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"],
    DDB_SET,
  ),
  ...grants(
    "SchedulesDefaultSchedulesRoleE2E3AC33",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem", "dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "SchedulesDefaultSchedulesRoleE2E3AC33",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_active_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "SchedulesDefaultSchedulesRoleE2E3AC33",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_feed_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "SchedulesDefaultSchedulesRoleE2E3AC33",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_job_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "SchedulesDefaultSchedulesRoleE2E3AC33",
    "scheduler:schedule/Jobdeck-schedules/*",
    ["scheduler:DeleteSchedule"],
    DEFAULTS_REPAIR,
  ),
  // WorkflowsExecutionReconcilerRoleDA2E64F6
  ...grants(
    "WorkflowsExecutionReconcilerRoleDA2E64F6",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:PutItem", "dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsExecutionReconcilerRoleDA2E64F6",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsExecutionReconcilerRoleDA2E64F6",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_feed_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsExecutionReconcilerRoleDA2E64F6",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_job_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  // WorkflowsRunSweeperRole40C60BB8
  ...grants(
    "WorkflowsRunSweeperRole40C60BB8",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:PutItem", "dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsRunSweeperRole40C60BB8",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:ConditionCheckItem", "dynamodb:UpdateItem"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsRunSweeperRole40C60BB8",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_feed_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsRunSweeperRole40C60BB8",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_job_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsRunSweeperRole40C60BB8",
    "states:execution:Jobdeck-listed_companies-sync:*",
    ["states:StopExecution"],
    PER_JOB_TWIN,
  ),
  // WorkflowsWorkerListedCompaniesSyncRoleC069EDF9
  // WorkflowsWorkerRecapPipelineRole69C6B57F
  ...grants(
    "WorkflowsWorkerRecapPipelineRole69C6B57F",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem"],
    DDB_SET,
  ),
  // WorkflowsWorkflowStepsRoleDB19395F
  ...grants(
    "WorkflowsWorkflowStepsRoleDB19395F",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsWorkflowStepsRoleDB19395F",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:ConditionCheckItem", "dynamodb:UpdateItem"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsWorkflowStepsRoleDB19395F",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_feed_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
  ...grants(
    "WorkflowsWorkflowStepsRoleDB19395F",
    "dynamodb:table/DataRunsTable8D96F77C/index/by_job_started",
    ["dynamodb:Query"],
    DDB_SET,
  ),
];
