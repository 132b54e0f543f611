// What EventBridge Scheduler should hold for a schedule item (pure): the CreateSchedule input, its
// name, target input and retry policy. Apart from the backend that writes it, so it reads alone.
// The AWS rules it works around are at the top of eventbridge-schedule-backend.ts.
import type { CreateScheduleCommandInput } from "@aws-sdk/client-scheduler";
import { type ParsedExpression, parseScheduleExpression } from "#domain/schedules/schedule-expression.ts";
import { fireInputOf } from "#domain/schedules/schedule-fire.ts";
import { evaluateSchedule, fireTimesOf } from "#domain/schedules/schedule-times.ts";
import type { Schedule } from "#schemas/schedule.ts";

export type EventBridgeBackendConfig = {
  /** The stack's schedule group. */
  groupName: string;
  /** Scheduler execution role (may start only the jobs' state machines). */
  roleArn: string;
  /** One state machine per job. */
  stateMachineArnFor: (jobName: string) => string;
  /** SQS dead-letter queue for deliveries that failed after the retries. */
  deadLetterArn?: string;
  /** Default 3600 s / 3 attempts. */
  retry?: { maximumEventAgeInSeconds: number; maximumRetryAttempts: number };
  /** Default "jd-"; EventBridge schedule name = prefix + schedule.id. */
  namePrefix?: string;
  /** Clock (tests); default `new Date()`. */
  now?: () => Date;
  /** Schedules handled at once by `reconcile`; default 4 (Scheduler API quotas are per second). */
  concurrency?: number;
};

/** The literal EventBridge replaces with the planned fire time (e.g. 2022-03-22T18:59:43Z). */
export const SCHEDULED_TIME_PLACEHOLDER = "<aws.scheduler.scheduled-time>";
export const DEFAULT_NAME_PREFIX = "jd-";
export const DEFAULT_RETRY = { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 3 } as const;

export const NAME_PATTERN = /^[0-9a-zA-Z_.-]+$/;
export const NAME_MAX = 64;
const DESCRIPTION_MAX = 512;

/** The EventBridge schedule name of a schedule id (throws when EventBridge could not hold it). */
export function eventBridgeScheduleName(scheduleId: string, namePrefix = DEFAULT_NAME_PREFIX): string {
  const name = `${namePrefix}${scheduleId}`;
  if (scheduleId === "" || name.length > NAME_MAX || !NAME_PATTERN.test(name)) {
    throw new Error(
      `schedule id '${scheduleId}' cannot name an EventBridge schedule: '${name}' must be 1-${NAME_MAX} ` +
        "characters of [0-9a-zA-Z-_.]",
    );
  }
  return name;
}

export function parsedExpressionOf(schedule: Schedule): ParsedExpression {
  const parsed = parseScheduleExpression(schedule.schedule_expression);
  if (!parsed.ok) {
    throw new Error(
      `schedule ${schedule.id} (${schedule.name}): invalid schedule expression ` +
        `'${schedule.schedule_expression}': ${parsed.message}`,
    );
  }
  return parsed.value;
}

function dateOf(value: string | null, field: string, schedule: Schedule): Date | undefined {
  if (value === null) return undefined;
  const d = new Date(value);
  if (Number.isNaN(d.getTime()))
    throw new Error(`schedule ${schedule.id}: ${field} '${value}' is not a time`);
  return d;
}

function descriptionOf(schedule: Schedule): string {
  const text = `jobdeck ${schedule.name} (job ${schedule.job_name})${schedule.description ? ` - ${schedule.description}` : ""}`;
  const chars = Array.from(text); // do not cut a surrogate pair
  return chars.length <= DESCRIPTION_MAX ? text : `${chars.slice(0, DESCRIPTION_MAX - 1).join("")}…`;
}

/**
 * The StartDate of a rate(), which EventBridge counts from (its first invocation; without one it
 * "starts invoking the target immediately", at an instant nobody predicted): the first fire jobdeck
 * predicts at or after `now` (fireTimesOf, the function every prediction uses), so EventBridge's
 * grid is jobdeck's by construction — including after the stored start_date has passed, which
 * cannot be sent again (EventBridge rejects a StartDate more than 5 minutes in the past). Without
 * `now`, the grid's origin. None when the schedule has no fire left or cannot be evaluated.
 */
export function rateStartDate(schedule: Schedule, now?: Date): Date | undefined {
  if (!now) {
    const e = evaluateSchedule(schedule);
    return e.ok ? e.anchor : undefined;
  }
  const { times } = fireTimesOf(schedule, new Date(now.getTime() - 1), 1);
  return times[0];
}

/**
 * What EventBridge should hold for `schedule` (pure). With `now`, a start_date that has already
 * passed is left out (EventBridge rejects a StartDate in the past; see eventbridge-schedule-backend.ts),
 * except for a rate(), whose StartDate pins its phase (rateStartDate).
 */
export function desiredSchedule(
  schedule: Schedule,
  config: EventBridgeBackendConfig,
  now?: Date,
): CreateScheduleCommandInput {
  const expression = parsedExpressionOf(schedule);
  const retry = config.retry ?? DEFAULT_RETRY;
  const given = dateOf(schedule.start_date, "start_date", schedule);
  const end = dateOf(schedule.end_date, "end_date", schedule);
  const start =
    expression.kind === "rate"
      ? rateStartDate(schedule, now)
      : given && !(now && given.getTime() <= now.getTime())
        ? given
        : undefined;
  return {
    Name: eventBridgeScheduleName(schedule.id, config.namePrefix),
    GroupName: config.groupName,
    ScheduleExpression: expression.expression,
    ScheduleExpressionTimezone: schedule.timezone,
    State: schedule.enabled ? "ENABLED" : "DISABLED",
    FlexibleTimeWindow: { Mode: "OFF" },
    ...(start ? { StartDate: start } : {}),
    ...(end ? { EndDate: end } : {}),
    Description: descriptionOf(schedule),
    ActionAfterCompletion: "NONE",
    Target: {
      Arn: config.stateMachineArnFor(schedule.job_name),
      RoleArn: config.roleArn,
      // `scheduled_time` is substituted by EventBridge at each invocation
      Input: JSON.stringify(fireInputOf(schedule, SCHEDULED_TIME_PLACEHOLDER)),
      RetryPolicy: {
        MaximumEventAgeInSeconds: retry.maximumEventAgeInSeconds,
        MaximumRetryAttempts: retry.maximumRetryAttempts,
      },
      ...(config.deadLetterArn ? { DeadLetterConfig: { Arn: config.deadLetterArn } } : {}),
    },
  };
}
