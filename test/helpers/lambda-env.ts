// The environment a Lambda entry gets from CDK (functions/config/env-contract.ts), as unit tests of
// the entries stub it: the variables every kind reads, and the scheduling ones.

export const SM_ARNS = {
  "listed_companies.sync": "arn:aws:states:ap-northeast-1:123456789012:stateMachine:jobdeck-listed",
  "recap.pipeline": "arn:aws:states:ap-northeast-1:123456789012:stateMachine:jobdeck-recap",
  "jquants.daily_bars": "arn:aws:states:ap-northeast-1:123456789012:stateMachine:jobdeck-daily-bars",
  // issue 17 CLONE: a job with a default schedule (daily 02:00 JST) has its state machine named here
  "clone.facebook_sync": "arn:aws:states:ap-northeast-1:123456789012:stateMachine:jobdeck-clone-facebook",
};

/** Every kind's variables (plus fake credentials for the mocked clients). */
export const BASE_ENV = {
  AWS_REGION: "ap-northeast-1",
  AWS_ACCESS_KEY_ID: "x",
  AWS_SECRET_ACCESS_KEY: "x",
  RUNS_TABLE: "t-runs",
  CONTROL_TABLE: "t-control",
  DISPLAY_TIMEZONE: "Asia/Tokyo",
  RETENTION_DAYS: "30",
  POWERTOOLS_TRACE_ENABLED: "false",
  POWERTOOLS_LOG_LEVEL: "SILENT",
};

/** EventBridge Scheduler and the state machines (api, steps, sweeper, default-schedules). */
export const SCHEDULING_ENV = {
  STATE_MACHINE_ARNS: JSON.stringify(SM_ARNS),
  SCHEDULE_GROUP_NAME: "jobdeck",
  SCHEDULER_ROLE_ARN: "arn:aws:iam::123456789012:role/jobdeck-scheduler",
  SCHEDULE_DLQ_ARN: "arn:aws:sqs:ap-northeast-1:123456789012:jobdeck-dlq",
};
