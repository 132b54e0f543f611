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
//   passed it no longer restricts a cron() schedule. A rate() is always sent one, its next
//   predicted fire: EventBridge counts a rate() from its StartDate (from the write without one),
//   so its fires stay on the grid jobdeck predicts (rateStartDate in eventbridge-schedule-definition.ts).
// - StartDate / EndDate are ignored for at() schedules; an at() whose time has passed has nothing
//   left to run, so `put` and `reconcile` leave its EventBridge copy as it is (ActionAfterCompletion
//   NONE keeps fired at() schedules, so the table stays the source of truth).
// - ClientToken is left to the SDK (a fresh token per command, reused by the SDK's own retries): a
//   token derived from the content would make a re-create, after someone deleted the schedule,
//   replay the first create's answer instead of creating it again.
//
// The definition sent is built in eventbridge-schedule-definition.ts, compared in
// eventbridge-schedule-drift.ts; errors are read in scheduler-errors.ts.
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
import { nextFireTimes } from "#domain/schedules/next-fire-times.ts";
import type { ParsedExpression } from "#domain/schedules/schedule-expression.ts";
import type { ReconcileReport, ScheduleBackend } from "#ports/schedule-backend.ts";
import type { Schedule } from "#schemas/schedule.ts";
import {
  DEFAULT_NAME_PREFIX,
  desiredSchedule,
  type EventBridgeBackendConfig,
  eventBridgeScheduleName,
  NAME_MAX,
  NAME_PATTERN,
  parsedExpressionOf,
} from "./eventbridge-schedule-definition.ts";
import { scheduleDrift } from "./eventbridge-schedule-drift.ts";
import { asClientError, errorName, isConflict, isNotFound } from "./scheduler-errors.ts";

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
