// Grants the deploy suite saw no call use (test/deploy/deployed-app.test.ts, "least privilege"),
// each with its one-line reason. The first group is used by AWS services on the role's behalf,
// which no offline run can observe; the second is code paths the scenarios do not walk (the grant
// itself follows the code: lib/table-access.ts). An entry that no longer matches an unused grant
// fails the suite too, so this list shrinks with the grants. Keys: "<role> <action> <resource>",
// resources without region and account, tables by logical id.
import { type AllowedUnused, allowUnused } from "#test/helpers/deploy-iam.ts";

const DEFAULTS_REPAIR =
  "A default schedule whose EventBridge create failed on the service side is repaired by removing the copy (schedule-service, followTable); no scenario fails a create";
const BACKFILL_NEXT =
  "Starts a backfill's next time when this function ends its run before (reconciler: an execution that ended unrecorded; sweeper: an overdue run, or its every-minute pass when the run end's own call was lost); the scenario's backfill runs end through the steps, whose grants it shows";
const PER_JOB_TWIN = "The same grant for the other job's state machine: the scenarios exercise it on one job";

/** One entry per action of a role on a resource. */
const grants = (role: string, resource: string, actions: string[], reason: string): AllowedUnused[] =>
  actions.map((action) => allowUnused(`${role} ${action} ${resource}`, reason));

export const UNUSED_GRANTS_ALLOWED: AllowedUnused[] = [
  // Issue 17: a job's secret is granted by its ARN (name-??????) and by its bare name; the bare name
  // is what a secret that does not exist is authorized against (→ ResourceNotFound, the job's
  // fallback). The suite's stack has the J-Quants secret, so only its real ARN is read.
  allowUnused(
    "* secretsmanager:GetSecretValue secretsmanager:secret:jobdeck/jquants-api-key",
    "Asked only while the secret does not exist (listed_companies.sync then syncs its fixture); the suite's stack has it",
  ),
  // Issue 17 CLONE: the same for the Clone batches' secrets (the suite's stack has both).
  allowUnused(
    "* secretsmanager:GetSecretValue secretsmanager:secret:jobdeck/houjin-bangou-app-id",
    "Asked only while the secret does not exist (clone.corporate_number then fails saying where to set it); the suite's stack has it",
  ),
  allowUnused(
    "* secretsmanager:GetSecretValue secretsmanager:secret:jobdeck/facebook-graph-access-token",
    "Asked only while the secret does not exist (clone.facebook_sync then fails saying where to set it); the suite's stack has it",
  ),
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

  allowUnused(
    "*StateMachineRole* ecs:DescribeTasks ecs:task/*",
    "ecs:runTask.sync: Step Functions itself follows the task (DescribeTasks) with the role until it stops",
  ),
  allowUnused(
    "*StateMachineRole* ecs:StopTask ecs:task/*",
    "ecs:runTask.sync: Step Functions itself stops the task with the role when the execution is stopped (the stand-in does it unasked)",
  ),

  // Code paths no scenario walks.
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
  ...grants(
    "ApiApiRunsRole87A99AAA",
    "logs:log-group:/aws/lambda/WorkflowsWorkerRecapPipelineLogs730EC6F9",
    ["logs:FilterLogEvents"],
    `${PER_JOB_TWIN} (the route test reads the log lines of a listed_companies.sync run)`,
  ),
  ...grants(
    "ApiApiRunsRole87A99AAA",
    "states:stateMachine:Jobdeck-opendata-bulk_ingest",
    ["states:StartExecution"],
    `${PER_JOB_TWIN} (rerun)`,
  ),
  ...grants(
    "SchedulesSchedulerRole*",
    "states:stateMachine:Jobdeck-opendata-bulk_ingest",
    ["states:StartExecution"],
    "opendata.bulk_ingest is manual only (no default schedule): a schedule an operator adds fires through this grant",
  ),
  ...grants(
    "WorkflowsRunSweeperRole40C60BB8",
    "states:execution:Jobdeck-opendata-bulk_ingest:*",
    ["states:StopExecution"],
    PER_JOB_TWIN,
  ),
  ...grants(
    "WorkflowsRunSweeperRole40C60BB8",
    "states:execution:Jobdeck-listed_companies-sync:*",
    ["states:StopExecution"],
    PER_JOB_TWIN,
  ),
  ...["WorkflowsExecutionReconcilerRoleDA2E64F6", "WorkflowsRunSweeperRole40C60BB8"].flatMap((role) =>
    grants(
      role,
      "dynamodb:table/DataRunsTable8D96F77C/index/by_job_started",
      ["dynamodb:Query"],
      "Ending a run of a job with a cooldown (listed_companies.sync) computes its next fire past the cooldown (run-finisher → scheduler-control.ts → manual-cooldown.ts); the runs these two end in the scenarios are recap.pipeline's, the only job slow enough to be caught running, and it has no cooldown",
    ),
  ),
  ...grants(
    "SchedulesDefaultSchedulesRoleE2E3AC33",
    "scheduler:schedule/Jobdeck-schedules/*",
    ["scheduler:DeleteSchedule"],
    DEFAULTS_REPAIR,
  ),
  ...grants(
    "WorkflowsExecutionReconcilerRoleDA2E64F6",
    "dynamodb:table/DataControlTableA65C8469",
    ["dynamodb:PutItem"],
    "Hands the freed slot to a QUEUED run of the same job (slot-queue.ts); no scenario queues a run behind one the reconciler ends",
  ),
  // Issue 17: jquants.daily_bars, the fourth job (triggered with a date and fired by its schedule).
  ...grants(
    "ApiApiRunsRole87A99AAA",
    "states:stateMachine:Jobdeck-jquants-daily_bars",
    ["states:StartExecution"],
    `${PER_JOB_TWIN} (rerun)`,
  ),
  ...grants(
    "ApiApiRunsRole87A99AAA",
    "states:execution:Jobdeck-jquants-daily_bars:*",
    ["states:StopExecution"],
    PER_JOB_TWIN,
  ),
  ...grants(
    "ApiApiRunsRole87A99AAA",
    "logs:log-group:/aws/lambda/WorkflowsWorkerJquantsDailyBarsLogsF7AA3DF2",
    ["logs:FilterLogEvents"],
    `${PER_JOB_TWIN} (the route test reads the log lines of a listed_companies.sync run)`,
  ),
  ...grants(
    "WorkflowsRunSweeperRole40C60BB8",
    "states:execution:Jobdeck-jquants-daily_bars:*",
    ["states:StopExecution"],
    PER_JOB_TWIN,
  ),
  ...grants(
    "WorkflowsWorkerJquantsDailyBarsRole488C4AEF",
    "dynamodb:table/DataJquantsDailyBarsTable4B54B217",
    ["dynamodb:Query"],
    "A store's Query is granted on the table and its indexes (lib/constructs/data.ts); the job reads a day through the by-date index only, the table's own key (one issue's history) is for readers of the bars",
  ),
  ...grants(
    "WorkflowsWorkerJquantsDailyBarsRole488C4AEF",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem"],
    "The cancel watch reads the run only after 5 s without a progress write (worker-handler.ts); the job writes progress at each stage and page",
  ),
  ...grants(
    "WorkflowsWorkerRecapPipelineRole69C6B57F",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem"],
    "The cancel watch reads the run only after 5 s without a progress write (worker-handler.ts); recap writes one per stage, listed_companies' worker shows the read",
  ),
  // Issue 16 part 2: a backfill's next run is started by whichever function ended the one before.
  ...["Jobdeck-listed_companies-sync", "Jobdeck-opendata-bulk_ingest", "Jobdeck-jquants-daily_bars"].flatMap(
    (machine) => [
      ...grants(
        "ApiApiTriggerRoleCF632D5D",
        `states:execution:${machine}:*`,
        ["states:StopExecution"],
        PER_JOB_TWIN,
      ),
      ...grants(
        "WorkflowsWorkflowStepsRoleDB19395F",
        `states:stateMachine:${machine}`,
        ["states:StartExecution"],
        PER_JOB_TWIN,
      ),
    ],
  ),
  ...["WorkflowsExecutionReconcilerRoleDA2E64F6", "WorkflowsRunSweeperRole40C60BB8"].flatMap((role) => [
    ...grants(role, "dynamodb:table/DataRunsTable8D96F77C", ["dynamodb:PutItem"], BACKFILL_NEXT),
    ...grants(role, "dynamodb:table/DataControlTableA65C8469", ["dynamodb:UpdateItem"], BACKFILL_NEXT),
    ...[
      "Jobdeck-listed_companies-sync",
      "Jobdeck-opendata-bulk_ingest",
      "Jobdeck-recap-pipeline",
      "Jobdeck-jquants-daily_bars",
    ].flatMap((m) => grants(role, `states:stateMachine:${m}`, ["states:StartExecution"], BACKFILL_NEXT)),
  ]),
  // Issue 17 CLONE: the per-job twins of the Clone batches' state machines and log groups (each
  // batch runs once, manually, and facebook_sync once more by its schedule).
  ...["clone-ai_stub", "clone-corporate_number", "clone-facebook_sync", "clone-opendata"].flatMap((sm) => [
    ...grants(
      "ApiApiRunsRole87A99AAA",
      `states:stateMachine:Jobdeck-${sm}`,
      ["states:StartExecution"],
      `${PER_JOB_TWIN} (rerun)`,
    ),
    ...grants(
      "ApiApiRunsRole87A99AAA",
      `states:execution:Jobdeck-${sm}:*`,
      ["states:StopExecution"],
      PER_JOB_TWIN,
    ),
    ...grants(
      "WorkflowsRunSweeperRole40C60BB8",
      `states:execution:Jobdeck-${sm}:*`,
      ["states:StopExecution"],
      PER_JOB_TWIN,
    ),
  ]),
  ...grants(
    "ApiApiRunsRole87A99AAA",
    "logs:log-group:/aws/lambda/WorkflowsWorkerClone*",
    ["logs:FilterLogEvents"],
    `${PER_JOB_TWIN} (the route test reads the log lines of a listed_companies.sync run)`,
  ),
  ...["clone-ai_stub", "clone-corporate_number", "clone-opendata"].flatMap((sm) =>
    grants(
      "SchedulesSchedulerRole*",
      `states:stateMachine:Jobdeck-${sm}`,
      ["states:StartExecution"],
      "Manual only in seed 000 (no default schedule): a schedule an operator adds fires through this grant",
    ),
  ),
  // … and of the backfill grants (a backfill of a Clone batch is started and stopped like any other).
  ...["clone-ai_stub", "clone-corporate_number", "clone-facebook_sync", "clone-opendata"].flatMap((sm) => [
    ...grants(
      "ApiApiTriggerRoleCF632D5D",
      `states:execution:Jobdeck-${sm}:*`,
      ["states:StopExecution"],
      PER_JOB_TWIN,
    ),
    ...[
      "WorkflowsWorkflowStepsRoleDB19395F",
      "WorkflowsExecutionReconcilerRoleDA2E64F6",
      "WorkflowsRunSweeperRole40C60BB8",
    ].flatMap((role) =>
      grants(role, `states:stateMachine:Jobdeck-${sm}`, ["states:StartExecution"], BACKFILL_NEXT),
    ),
  ]),
  ...grants(
    "WorkflowsWorkerClone*",
    "dynamodb:table/DataRunsTable8D96F77C",
    ["dynamodb:GetItem"],
    "The cancel watch reads the run only after 5 s without a progress write (worker-handler.ts); a Clone batch against the stand-ins ends sooner",
  ),
];
