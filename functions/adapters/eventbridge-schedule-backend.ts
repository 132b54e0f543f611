// ScheduleBackend on EventBridge Scheduler (spec/model.md "Schedule", spec/architecture.md).
//
// One EventBridge schedule per schedule item, named `namePrefix + schedule.id`, in the stack's
// schedule group; its target starts the job's state machine with a ScheduleFireInput whose
// `scheduled_time` is the context attribute `<aws.scheduler.scheduled-time>`, which EventBridge
// replaces with the planned fire time at each invocation (so a redelivered fire carries the same
// value and the workflow's first state can claim (schedule id, scheduled time) once).
//
// Write order used by the schedules service, and why a failure halfway is repaired by retrying:
//   1. EventBridge first (`put` / `remove`, this adapter). Both are idempotent: `put` sends the
//      whole definition (UpdateSchedule replaces every field, unset ones fall back to defaults;
//      CreateSchedule when it does not exist yet), `remove` treats "not found" as done. Calling
//      either again, after a failure or not, yields the same EventBridge state.
//   2. Then the table item: that write is the commit point. If step 1 fails, nothing was committed
//      and the client retries the same call. If the process dies between 1 and 2, EventBridge is
//      ahead of the table for a while: retrying the same API call redoes 1 (a no-op the second
//      time) and then 2; if nobody retries, `reconcile` makes EventBridge follow the table again
//      (an orphan is deleted, a drifted schedule is put back to what the table says).
// The table is the source of truth; EventBridge only ever follows it.
//
// AWS rules this adapter works around (CreateSchedule / UpdateSchedule API reference):
// - StartDate may not lie more than a few minutes in the past ("The StartDate you specify cannot be
//   earlier than 5 minutes ago"), so a start_date that has already passed is not sent: once
//   passed it no longer restricts a cron() schedule. (A rate() then counts from the write instead
//   of from start_date: EventBridge cannot express an anchor in the past.)
// - StartDate / EndDate are ignored for at() schedules; an at() whose time has passed has nothing
//   left to run, so `put` and `reconcile` leave its EventBridge copy as it is (ActionAfterCompletion
//   NONE keeps fired at() schedules, so the table stays the source of truth).
// - ClientToken is left to the SDK (a fresh token per command, reused by the SDK's own retries): a
//   token derived from the content would make a re-create, after someone deleted the schedule,
//   replay the first create's answer instead of creating it again.
import { isDeepStrictEqual } from "node:util";
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ListSchedulesCommand,
  type ListSchedulesCommandOutput,
  type SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { ValidationError } from "#domain/errors.ts";
import { nextFireTimes } from "#domain/schedules/next-fire-times.ts";
import { type ParsedExpression, parseScheduleExpression } from "#domain/schedules/schedule-expression.ts";
import type { ReconcileReport, ScheduleBackend, ScheduleFireInput } from "#ports/schedule-backend.ts";
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

const NAME_PATTERN = /^[0-9a-zA-Z_.-]+$/;
const NAME_MAX = 64;
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

function parsedExpressionOf(schedule: Schedule): ParsedExpression {
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

/** What the schedule's target receives; `scheduled_time` is substituted by EventBridge. */
export function fireInputOf(schedule: Schedule): ScheduleFireInput {
  return {
    job_name: schedule.job_name,
    schedule_id: schedule.id,
    schedule_name: schedule.name,
    params: schedule.params,
    trigger_source: "schedule",
    scheduled_time: SCHEDULED_TIME_PLACEHOLDER,
    execution_policy: schedule.execution_policy,
    queue_timeout_seconds: schedule.queue_timeout_seconds,
  };
}

/**
 * What EventBridge should hold for `schedule` (pure). With `now`, a start_date that has already
 * passed is left out (EventBridge rejects a StartDate in the past; see the top of the file).
 */
export function desiredSchedule(
  schedule: Schedule,
  config: EventBridgeBackendConfig,
  now?: Date,
): CreateScheduleCommandInput {
  const expression = parsedExpressionOf(schedule);
  const retry = config.retry ?? DEFAULT_RETRY;
  const start = dateOf(schedule.start_date, "start_date", schedule);
  const end = dateOf(schedule.end_date, "end_date", schedule);
  return {
    Name: eventBridgeScheduleName(schedule.id, config.namePrefix),
    GroupName: config.groupName,
    ScheduleExpression: expression.expression,
    ScheduleExpressionTimezone: schedule.timezone,
    State: schedule.enabled ? "ENABLED" : "DISABLED",
    FlexibleTimeWindow: { Mode: "OFF" },
    ...(start && !(now && start.getTime() <= now.getTime()) ? { StartDate: start } : {}),
    ...(end ? { EndDate: end } : {}),
    Description: descriptionOf(schedule),
    ActionAfterCompletion: "NONE",
    Target: {
      Arn: config.stateMachineArnFor(schedule.job_name),
      RoleArn: config.roleArn,
      Input: JSON.stringify(fireInputOf(schedule)),
      RetryPolicy: {
        MaximumEventAgeInSeconds: retry.maximumEventAgeInSeconds,
        MaximumRetryAttempts: retry.maximumRetryAttempts,
      },
      ...(config.deadLetterArn ? { DeadLetterConfig: { Arn: config.deadLetterArn } } : {}),
    },
  };
}

/** The fields of `actual` that differ from `desired` (empty when in line). */
export function scheduleDrift(
  desired: CreateScheduleCommandInput,
  actual: GetScheduleCommandOutput,
  now?: Date,
): string[] {
  const drift: string[] = [];
  const check = (field: string, same: boolean) => {
    if (!same) drift.push(field);
  };
  // A StartDate in the past restricts nothing (and cannot be written again): compare what is effective.
  const effectiveStart = (d: Date | undefined) =>
    d && !(now && d.getTime() <= now.getTime()) ? d : undefined;
  const dt = desired.Target;
  const at = actual.Target;
  check("ScheduleExpression", desired.ScheduleExpression === actual.ScheduleExpression);
  check(
    "ScheduleExpressionTimezone",
    desired.ScheduleExpressionTimezone === actual.ScheduleExpressionTimezone,
  );
  check("State", desired.State === actual.State);
  check("StartDate", sameSecond(effectiveStart(desired.StartDate), effectiveStart(actual.StartDate)));
  check("EndDate", sameSecond(desired.EndDate, actual.EndDate));
  check("Description", (desired.Description ?? "") === (actual.Description ?? ""));
  check(
    "ActionAfterCompletion",
    (desired.ActionAfterCompletion ?? "NONE") === (actual.ActionAfterCompletion ?? "NONE"),
  );
  check(
    "FlexibleTimeWindow",
    desired.FlexibleTimeWindow?.Mode === actual.FlexibleTimeWindow?.Mode &&
      desired.FlexibleTimeWindow?.MaximumWindowInMinutes ===
        actual.FlexibleTimeWindow?.MaximumWindowInMinutes,
  );
  check("Target.Arn", dt?.Arn === at?.Arn);
  check("Target.RoleArn", dt?.RoleArn === at?.RoleArn);
  check("Target.Input", sameJson(dt?.Input, at?.Input));
  check(
    "Target.RetryPolicy",
    dt?.RetryPolicy?.MaximumEventAgeInSeconds === at?.RetryPolicy?.MaximumEventAgeInSeconds &&
      dt?.RetryPolicy?.MaximumRetryAttempts === at?.RetryPolicy?.MaximumRetryAttempts,
  );
  check(
    "Target.DeadLetterConfig",
    (dt?.DeadLetterConfig?.Arn ?? null) === (at?.DeadLetterConfig?.Arn ?? null),
  );
  return drift;
}

function sameSecond(a: Date | undefined, b: Date | undefined): boolean {
  if (!a || !b) return !a && !b;
  return Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000);
}

function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  if (text === undefined) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Same JSON value, whatever the key order or spacing. */
function sameJson(a: string | undefined, b: string | undefined): boolean {
  const pa = parseJson(a);
  const pb = parseJson(b);
  return pa.ok && pb.ok ? isDeepStrictEqual(pa.value, pb.value) : a === b;
}

function errorName(err: unknown): string | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const name = (err as { name?: unknown }).name;
  return typeof name === "string" ? name : undefined;
}

const isNotFound = (err: unknown) => errorName(err) === "ResourceNotFoundException";
const isConflict = (err: unknown) => errorName(err) === "ConflictException";

/** The schedule field an EventBridge validation message is about, as the API names it. */
function fieldOf(message: string): string {
  if (/expression/i.test(message)) return "schedule_expression";
  if (/time ?zone/i.test(message)) return "timezone";
  if (/start ?date/i.test(message)) return "start_date";
  if (/end ?date/i.test(message)) return "end_date";
  return "(body)";
}

/**
 * EventBridge refusing what it was given (ValidationException) is the client's to fix: a 400 with
 * the service's own words, not a 500. Anything else (throttling, 5xx, quotas) passes on unchanged.
 */
function asClientError(err: unknown): unknown {
  if (errorName(err) !== "ValidationException") return err;
  const message = err instanceof Error ? err.message : String(err);
  const e = new ValidationError(`EventBridge Scheduler refused the schedule: ${message}`, [
    { field: fieldOf(message), message },
  ]);
  e.cause = err;
  return e;
}

/** True for an at() schedule whose time has passed: EventBridge has nothing left to run for it. */
function hasFiredOnce(expression: ParsedExpression, timezone: string, now: Date): boolean {
  if (expression.kind !== "at") return false;
  try {
    return nextFireTimes(expression, { timezone, from: now, count: 1 }).length === 0;
  } catch {
    return false; // unknown time zone: let EventBridge answer
  }
}

/** Thrown by `reconcile` after it has done everything it could; `report` tells what it did. */
export class ReconcileError extends AggregateError {
  constructor(
    errors: Error[],
    readonly report: ReconcileReport,
  ) {
    super(
      errors,
      `EventBridge reconcile: ${errors.length} schedule(s) failed: ${errors.map((e) => e.message).join("; ")}`,
    );
    this.name = "ReconcileError";
  }
}

type Outcome = "created" | "updated" | "deleted" | "unchanged";

export class EventBridgeScheduleBackend implements ScheduleBackend {
  private readonly prefix: string;
  private readonly now: () => Date;

  constructor(
    private readonly client: SchedulerClient,
    private readonly config: EventBridgeBackendConfig,
  ) {
    this.prefix = config.namePrefix ?? DEFAULT_NAME_PREFIX;
    if (this.prefix === "" || !NAME_PATTERN.test(this.prefix) || this.prefix.length >= NAME_MAX) {
      // An empty prefix would make every schedule of the group look like ours (and deletable).
      throw new Error(`namePrefix '${this.prefix}' must be 1-${NAME_MAX - 1} characters of [0-9a-zA-Z-_.]`);
    }
    this.now = config.now ?? (() => new Date());
  }

  async put(schedule: Schedule): Promise<void> {
    const now = this.now();
    const desired = desiredSchedule(schedule, this.config, now);
    if (hasFiredOnce(parsedExpressionOf(schedule), schedule.timezone, now)) return;
    // The schedules service writes the table only after this resolves: a refusal saves nothing.
    await this.write(desired).catch((err: unknown) => {
      throw asClientError(err);
    });
  }

  async remove(scheduleId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteScheduleCommand({
          Name: eventBridgeScheduleName(scheduleId, this.prefix),
          GroupName: this.config.groupName,
        }),
      );
    } catch (err) {
      if (!isNotFound(err)) throw asClientError(err);
    }
  }

  async reconcile(schedules: readonly Schedule[]): Promise<ReconcileReport> {
    const existing = await this.listOurNames();
    const wanted = new Map<string, Schedule>();
    for (const s of schedules) wanted.set(s.id, s);

    type Task = { id: string; run: () => Promise<Outcome> };
    const tasks: Task[] = [];
    for (const s of wanted.values()) tasks.push({ id: s.id, run: () => this.reconcileOne(s, existing) });
    for (const name of existing) {
      const id = name.slice(this.prefix.length);
      if (!wanted.has(id)) tasks.push({ id, run: () => this.deleteOrphan(name) });
    }

    const outcomes = new Array<Outcome | Error>(tasks.length);
    await forEachLimited(tasks, this.config.concurrency ?? 4, async (task, i) => {
      try {
        outcomes[i] = await task.run();
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        outcomes[i] = new Error(`schedule ${task.id}: ${errorName(err) ?? "Error"}: ${message}`, {
          cause: err,
        });
      }
    });

    const report: ReconcileReport = { created: [], updated: [], deleted: [], unchanged: 0 };
    const errors: Error[] = [];
    outcomes.forEach((outcome, i) => {
      const id = tasks[i]?.id ?? "";
      if (outcome instanceof Error) errors.push(outcome);
      else if (outcome === "unchanged") report.unchanged++;
      else report[outcome].push(id);
    });
    if (errors.length > 0) throw new ReconcileError(errors, report);
    return report;
  }

  /** UpdateSchedule (replaces the whole definition); CreateSchedule when missing. */
  private async write(desired: CreateScheduleCommandInput): Promise<"created" | "updated"> {
    try {
      await this.client.send(new UpdateScheduleCommand(desired));
      return "updated";
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return this.create(desired);
  }

  /** CreateSchedule; if someone created it meanwhile (ConflictException), UpdateSchedule once. */
  private async create(desired: CreateScheduleCommandInput): Promise<"created" | "updated"> {
    try {
      await this.client.send(new CreateScheduleCommand(desired));
      return "created";
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    await this.client.send(new UpdateScheduleCommand(desired));
    return "updated";
  }

  private async reconcileOne(schedule: Schedule, existing: ReadonlySet<string>): Promise<Outcome> {
    const now = this.now();
    const desired = desiredSchedule(schedule, this.config, now);
    if (hasFiredOnce(parsedExpressionOf(schedule), schedule.timezone, now)) return "unchanged";
    const name = desired.Name ?? "";
    if (!existing.has(name)) return await this.create(desired);
    let actual: GetScheduleCommandOutput;
    try {
      actual = await this.client.send(
        new GetScheduleCommand({ Name: name, GroupName: this.config.groupName }),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return await this.create(desired); // deleted between ListSchedules and GetSchedule
    }
    if (scheduleDrift(desired, actual, now).length === 0) return "unchanged";
    return await this.write(desired);
  }

  private async deleteOrphan(name: string): Promise<Outcome> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.config.groupName }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return "deleted";
  }

  /** Names of the group's schedules that carry our prefix (and only those). */
  private async listOurNames(): Promise<Set<string>> {
    const names = new Set<string>();
    let nextToken: string | undefined;
    do {
      const page: ListSchedulesCommandOutput = await this.client.send(
        new ListSchedulesCommand({
          GroupName: this.config.groupName,
          NamePrefix: this.prefix,
          NextToken: nextToken,
        }),
      );
      for (const s of page.Schedules ?? []) {
        // NamePrefix filters on the server already; check again so that nothing else is ever touched.
        if (!s.Name?.startsWith(this.prefix)) continue;
        if (s.GroupName !== undefined && s.GroupName !== this.config.groupName) continue;
        names.add(s.Name);
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return names;
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
