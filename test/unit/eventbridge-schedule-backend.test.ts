// EventBridgeScheduleBackend against a mocked SchedulerClient (aws-sdk-client-mock).
//
// Write order of the schedules service (see the top of the adapter): EventBridge first, then the
// table item, which is the commit point; reconcile makes EventBridge follow the table. The
// "failure halfway is repaired by retrying the same call" case is simulated here at the adapter's
// level: a put whose UpdateSchedule fails with a transient error, then the same put again.
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  type GetScheduleCommandOutput,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { EventBridgeScheduleBackend, ReconcileError } from "#adapters/eventbridge-schedule-backend.ts";
import { desiredSchedule, type EventBridgeBackendConfig } from "#adapters/eventbridge-schedule-definition.ts";
import { scheduleDrift } from "#adapters/eventbridge-schedule-drift.ts";
import { ValidationError } from "#domain/errors.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { aSchedule } from "#test/helpers/builders.ts";

const sched = mockClient(SchedulerClient);
const client = new SchedulerClient({
  region: "ap-northeast-1",
  credentials: { accessKeyId: "x", secretAccessKey: "x" },
});

const NOW = new Date("2025-07-15T12:00:00.000Z");
const GROUP = "jobdeck-test";
const ROLE = "arn:aws:iam::123456789012:role/jobdeck-scheduler";
const DLQ = "arn:aws:sqs:ap-northeast-1:123456789012:jobdeck-scheduler-dlq";
const smArn = (job: string) => `arn:aws:states:ap-northeast-1:123456789012:stateMachine:jobdeck-${job}`;

const CONFIG: EventBridgeBackendConfig = {
  groupName: GROUP,
  roleArn: ROLE,
  stateMachineArnFor: smArn,
  deadLetterArn: DLQ,
  now: () => NOW,
};

beforeEach(() => {
  sched.reset();
});
afterAll(() => {
  sched.restore();
});

/** The schedule these tests put: the shared builder with this file's fixed id, name and params. */
const schedule = (over: Partial<Schedule> = {}): Schedule =>
  aSchedule({
    id: "01JZ8Q3W6X2VN4K7R9T1B5C8DA",
    name: "fetch_listed_info_daily_0530",
    auto_generated_name: true,
    job_name: "clone.corporate_number",
    schedule_expression: "cron(30 5 * * ? *)",
    params: { mode: "full", limit: 100 },
    queue_timeout_seconds: 600,
    ...over,
  });

/** What GetSchedule answers for a schedule that holds exactly `input` (plus read-only fields). */
function asStored(input: CreateScheduleCommandInput): GetScheduleCommandOutput {
  const { ClientToken: _token, ...rest } = input;
  return {
    ...rest,
    Arn: `arn:aws:scheduler:ap-northeast-1:123456789012:schedule/${GROUP}/${input.Name}`,
    CreationDate: new Date("2025-07-01T00:00:00Z"),
    LastModificationDate: new Date("2025-07-01T00:00:00Z"),
    $metadata: {},
  };
}

const notFound = () =>
  new ResourceNotFoundException({
    message: "Schedule not found",
    Message: "Schedule not found",
    $metadata: {},
  });
const throttled = () =>
  new ThrottlingException({ message: "Rate exceeded", Message: "Rate exceeded", $metadata: {} });

describe("desiredSchedule", () => {
  it("maps every field of the schedule item", () => {
    const s = schedule({
      schedule_expression: "30 5 * * 1-5", // 5-field Unix cron, normalized
      timezone: "America/New_York",
      enabled: false,
      start_date: "2025-08-01T00:00:00.000Z",
      end_date: "2026-03-31T15:00:00.000Z",
      description: "nightly clone",
    });
    const d = desiredSchedule(s, {
      ...CONFIG,
      retry: { maximumEventAgeInSeconds: 900, maximumRetryAttempts: 5 },
    });
    expect(d).toMatchObject({
      Name: "jd-01JZ8Q3W6X2VN4K7R9T1B5C8DA",
      GroupName: GROUP,
      ScheduleExpression: "cron(30 5 ? * 2-6 *)",
      ScheduleExpressionTimezone: "America/New_York",
      State: "DISABLED",
      FlexibleTimeWindow: { Mode: "OFF" },
      StartDate: new Date("2025-08-01T00:00:00.000Z"),
      EndDate: new Date("2026-03-31T15:00:00.000Z"),
      ActionAfterCompletion: "NONE",
      Target: {
        Arn: smArn("clone.corporate_number"),
        RoleArn: ROLE,
        RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 5 },
        DeadLetterConfig: { Arn: DLQ },
      },
    });
    expect(d.StartDate).toBeInstanceOf(Date);
    expect(d.Description).toContain("fetch_listed_info_daily_0530");
    expect(d.Description).toContain("nightly clone");
    expect(d.ClientToken).toBeUndefined();
    // The literal placeholder, substituted by EventBridge at each invocation.
    expect(d.Target?.Input).toContain('"scheduled_time":"<aws.scheduler.scheduled-time>"');
    expect(JSON.parse(d.Target?.Input ?? "")).toEqual({
      job_name: "clone.corporate_number",
      schedule_id: "01JZ8Q3W6X2VN4K7R9T1B5C8DA",
      schedule_name: "fetch_listed_info_daily_0530",
      params: { mode: "full", limit: 100 },
      trigger_source: "schedule",
      scheduled_time: "<aws.scheduler.scheduled-time>",
      execution_policy: "skip",
      queue_timeout_seconds: 600,
    });
  });

  it("uses the defaults: ENABLED, retry 3600 s / 3, no DLQ, no dates, prefix jd-", () => {
    const d = desiredSchedule(schedule(), { groupName: GROUP, roleArn: ROLE, stateMachineArnFor: smArn });
    expect(d.State).toBe("ENABLED");
    expect(d.ScheduleExpression).toBe("cron(30 5 * * ? *)");
    expect(d.Target?.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 3 });
    expect(d.Target).not.toHaveProperty("DeadLetterConfig");
    expect(d).not.toHaveProperty("StartDate");
    expect(d).not.toHaveProperty("EndDate");
    expect(d.Name).toBe("jd-01JZ8Q3W6X2VN4K7R9T1B5C8DA");
    expect(desiredSchedule(schedule(), { ...CONFIG, namePrefix: "jobdeck-" }).Name).toBe(
      "jobdeck-01JZ8Q3W6X2VN4K7R9T1B5C8DA",
    );
  });

  it("leaves out a start_date that has passed (EventBridge rejects a StartDate in the past)", () => {
    const s = schedule({ start_date: "2025-07-01T00:00:00.000Z" });
    expect(desiredSchedule(s, CONFIG).StartDate).toEqual(new Date("2025-07-01T00:00:00.000Z"));
    expect(desiredSchedule(s, CONFIG, NOW)).not.toHaveProperty("StartDate");
  });

  it("keeps the description within 512 characters", () => {
    const d = desiredSchedule(schedule({ description: "x".repeat(600) }), CONFIG);
    expect(d.Description?.length).toBeLessThanOrEqual(512);
  });

  it("throws a clear error for an expression that does not parse, or an id EventBridge cannot hold", () => {
    expect(() => desiredSchedule(schedule({ schedule_expression: "every day" }), CONFIG)).toThrow(
      /invalid schedule expression 'every day'/,
    );
    expect(() => desiredSchedule(schedule({ id: "x".repeat(62) }), CONFIG)).toThrow(
      /cannot name an EventBridge/,
    );
    expect(() => desiredSchedule(schedule({ id: "a/b" }), CONFIG)).toThrow(/cannot name an EventBridge/);
  });
});

describe("scheduleDrift", () => {
  const desired = desiredSchedule(schedule(), CONFIG, NOW);
  const stored = asStored(desired);

  it("finds nothing when EventBridge holds the same definition, whatever the Input's key order", () => {
    const input = JSON.parse(desired.Target?.Input ?? "") as Record<string, unknown>;
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(input).reverse()), null, 2);
    const target = stored.Target ?? { Arn: undefined, RoleArn: undefined };
    expect(scheduleDrift(desired, { ...stored, Target: { ...target, Input: reordered } }, NOW)).toEqual([]);
  });

  it.each<[string, (g: GetScheduleCommandOutput) => GetScheduleCommandOutput]>([
    ["ScheduleExpression", (g) => ({ ...g, ScheduleExpression: "cron(0 6 * * ? *)" })],
    ["ScheduleExpressionTimezone", (g) => ({ ...g, ScheduleExpressionTimezone: "UTC" })],
    ["State", (g) => ({ ...g, State: "DISABLED" })],
    ["StartDate", (g) => ({ ...g, StartDate: new Date("2030-01-01T00:00:00Z") })],
    ["EndDate", (g) => ({ ...g, EndDate: new Date("2030-01-01T00:00:00Z") })],
    [
      "FlexibleTimeWindow",
      (g) => ({ ...g, FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 } }),
    ],
    ["Target.Arn", (g) => ({ ...g, Target: { ...g.Target, Arn: smArn("other"), RoleArn: ROLE } })],
    ["Target.RoleArn", (g) => ({ ...g, Target: { ...g.Target, Arn: g.Target?.Arn, RoleArn: "arn:other" } })],
    [
      "Target.Input",
      (g) => ({
        ...g,
        Target: {
          ...g.Target,
          Arn: g.Target?.Arn,
          RoleArn: ROLE,
          Input: g.Target?.Input?.replace('"full"', '"delta"'),
        },
      }),
    ],
    [
      "Target.RetryPolicy",
      (g) => ({
        ...g,
        Target: {
          ...g.Target,
          Arn: g.Target?.Arn,
          RoleArn: ROLE,
          RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        },
      }),
    ],
    [
      "Target.DeadLetterConfig",
      (g) => ({
        ...g,
        Target: { ...g.Target, Arn: g.Target?.Arn, RoleArn: ROLE, DeadLetterConfig: undefined },
      }),
    ],
  ])("finds a drifted %s", (field, mutate) => {
    expect(scheduleDrift(desired, mutate(stored), NOW)).toEqual([field]);
  });

  it("treats a StartDate in the past as no StartDate (it restricts nothing)", () => {
    expect(scheduleDrift(desired, { ...stored, StartDate: new Date("2025-07-01T00:00:00Z") }, NOW)).toEqual(
      [],
    );
  });
});

describe("put", () => {
  const backend = () => new EventBridgeScheduleBackend(client, CONFIG);

  it("updates the schedule when it exists (UpdateSchedule replaces the whole definition)", async () => {
    sched.on(UpdateScheduleCommand).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    await backend().put(schedule());
    const updates = sched.commandCalls(UpdateScheduleCommand);
    expect(updates).toHaveLength(1);
    expect(updates[0]?.args[0].input).toEqual(desiredSchedule(schedule(), CONFIG, NOW));
    expect(sched.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it("creates the schedule after UpdateSchedule answers ResourceNotFound", async () => {
    sched.on(UpdateScheduleCommand).rejects(notFound());
    sched.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    await backend().put(schedule({ enabled: false }));
    expect(sched.commandCalls(UpdateScheduleCommand)).toHaveLength(1);
    const creates = sched.commandCalls(CreateScheduleCommand);
    expect(creates).toHaveLength(1);
    expect(creates[0]?.args[0].input).toMatchObject({
      Name: "jd-01JZ8Q3W6X2VN4K7R9T1B5C8DA",
      GroupName: GROUP,
      State: "DISABLED",
    });
  });

  it("updates once more when a concurrent create wins (ConflictException)", async () => {
    sched.on(UpdateScheduleCommand).rejectsOnce(notFound()).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    sched
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: "exists", Message: "exists", $metadata: {} }));
    await backend().put(schedule());
    expect(sched.commandCalls(CreateScheduleCommand)).toHaveLength(1);
    expect(sched.commandCalls(UpdateScheduleCommand)).toHaveLength(2);
  });

  it("is idempotent: two puts send the same definition", async () => {
    sched.on(UpdateScheduleCommand).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    const b = backend();
    await b.put(schedule());
    await b.put(schedule());
    const [first, second] = sched.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input);
    expect(first).toBeDefined();
    expect(second).toEqual(first);
  });

  it("a failure halfway is repaired by retrying the same call (transient error, then success)", async () => {
    // The service writes EventBridge first: this put fails, the table is not written, the client
    // retries the whole call, and the second put brings EventBridge to the wanted state.
    sched
      .on(UpdateScheduleCommand)
      .rejectsOnce(throttled())
      .resolves({ ScheduleArn: "arn:x", $metadata: {} });
    const b = backend();
    await expect(b.put(schedule({ enabled: false }))).rejects.toMatchObject({ name: "ThrottlingException" });
    await expect(b.put(schedule({ enabled: false }))).resolves.toBeUndefined();
    const calls = sched.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[1]).toEqual(calls[0]);
    expect(calls[1]?.State).toBe("DISABLED");
    expect(sched.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it("does not create a missing at() schedule whose time has passed", async () => {
    sched.on(UpdateScheduleCommand).rejects(notFound());
    await backend().put(schedule({ schedule_expression: "at(2025-07-01T09:00:00)" }));
    expect(sched.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it("rejects an expression that does not parse before calling AWS", async () => {
    await expect(backend().put(schedule({ schedule_expression: "cron(bad)" }))).rejects.toThrow(
      /invalid schedule expression/,
    );
    expect(sched.calls()).toHaveLength(0);
  });
});

describe("remove", () => {
  const backend = () => new EventBridgeScheduleBackend(client, CONFIG);

  it("deletes the prefixed schedule in the group", async () => {
    sched.on(DeleteScheduleCommand).resolves({ $metadata: {} });
    await backend().remove("01JZ8Q3W6X2VN4K7R9T1B5C8DA");
    expect(sched.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: "jd-01JZ8Q3W6X2VN4K7R9T1B5C8DA",
      GroupName: GROUP,
    });
  });

  it("treats ResourceNotFound as success", async () => {
    sched.on(DeleteScheduleCommand).rejects(notFound());
    await expect(backend().remove("01JZ8Q3W6X2VN4K7R9T1B5C8DA")).resolves.toBeUndefined();
    expect(sched.commandCalls(DeleteScheduleCommand)).toHaveLength(1);
  });

  it("passes other errors on", async () => {
    sched.on(DeleteScheduleCommand).rejects(throttled());
    await expect(backend().remove("01JZ8Q3W6X2VN4K7R9T1B5C8DA")).rejects.toMatchObject({
      name: "ThrottlingException",
    });
  });
});

describe("an EventBridge Scheduler ValidationException reaches the client as 400, not 500_internal_error", () => {
  const backend = () => new EventBridgeScheduleBackend(client, CONFIG);
  const invalid = (message: string) => new ValidationException({ message, Message: message, $metadata: {} });

  it("UpdateSchedule's ValidationException is a ValidationError (400 invalid_request) with the service's message", async () => {
    sched.on(UpdateScheduleCommand).rejects(invalid("Invalid Schedule Expression rate(9999999999 days)."));
    const err = await backend()
      .put(schedule({ schedule_expression: "rate(5 minutes)" }))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ status: 400, code: "invalid_request" });
    expect((err as ValidationError).message).toContain("Invalid Schedule Expression rate(9999999999 days).");
    expect((err as ValidationError).details).toEqual([
      { field: "schedule_expression", message: "Invalid Schedule Expression rate(9999999999 days)." },
    ]);
    expect((err as ValidationError).cause).toBeInstanceOf(ValidationException);
  });

  it("CreateSchedule's ValidationException too, naming the field the message is about", async () => {
    sched.on(UpdateScheduleCommand).rejects(notFound());
    sched
      .on(CreateScheduleCommand)
      .rejects(invalid("The StartDate you specify cannot be earlier than 5 minutes ago."));
    await expect(backend().put(schedule())).rejects.toMatchObject({
      status: 400,
      details: [
        { field: "start_date", message: "The StartDate you specify cannot be earlier than 5 minutes ago." },
      ],
    });
  });

  it("a message about nothing it knows names the body", async () => {
    sched.on(UpdateScheduleCommand).rejects(invalid("1 validation error detected"));
    await expect(backend().put(schedule())).rejects.toMatchObject({
      status: 400,
      details: [{ field: "(body)", message: "1 validation error detected" }],
    });
  });

  it("DeleteSchedule's ValidationException is a ValidationError as well", async () => {
    sched.on(DeleteScheduleCommand).rejects(invalid("Name is invalid"));
    await expect(backend().remove("01JZ8Q3W6X2VN4K7R9T1B5C8DA")).rejects.toBeInstanceOf(ValidationError);
  });

  it("throttling and server errors are not the client's: they pass on unchanged", async () => {
    sched.on(UpdateScheduleCommand).rejects(throttled());
    const err = await backend()
      .put(schedule())
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).not.toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ name: "ThrottlingException" });
  });

  it("reconcile still reports the service's own error name", async () => {
    sched.on(ListSchedulesCommand).resolves({ Schedules: [], $metadata: {} });
    sched.on(CreateScheduleCommand).rejects(invalid("bad target"));
    await expect(backend().reconcile([schedule()])).rejects.toThrow(/ValidationException: bad target/);
  });
});

describe("reconcile", () => {
  const backend = () => new EventBridgeScheduleBackend(client, CONFIG);
  const missing = schedule({ id: "MISSING", name: "missing_daily" });
  const same = schedule({ id: "SAME", name: "same_daily", start_date: "2025-07-01T00:00:00.000Z" });
  const disabled = schedule({ id: "DISABLEDINCONSOLE", name: "disabled_in_console" });
  const edited = schedule({
    id: "EDITED",
    name: "edited_in_console",
    schedule_expression: "rate(15 minutes)",
  });
  const table = [missing, same, disabled, edited];

  function listing(names: string[][]) {
    const pages = names.map((page, i) => ({
      Schedules: page.map((Name) => ({ Name, GroupName: GROUP, State: "ENABLED" as const })),
      NextToken: i < names.length - 1 ? `page-${i + 1}` : undefined,
      $metadata: {},
    }));
    pages.forEach((page, i) => {
      sched.on(ListSchedulesCommand, { NextToken: i === 0 ? undefined : `page-${i}` }).resolves(page);
    });
  }

  function stored(s: Schedule, change: Partial<GetScheduleCommandOutput> = {}) {
    // What was written when the schedule was created (start_date then in the future).
    const g = { ...asStored(desiredSchedule(s, CONFIG)), ...change };
    sched.on(GetScheduleCommand, { Name: `jd-${s.id}` }).resolves(g);
  }

  function seedDrift() {
    listing([
      ["jd-SAME", "jd-DISABLEDINCONSOLE"],
      ["jd-EDITED", "jd-ORPHAN", "hand-made-schedule"],
    ]);
    stored(same);
    stored(disabled, { State: "DISABLED" });
    stored(edited, { ScheduleExpression: "rate(30 minutes)" });
    sched
      .on(GetScheduleCommand, { Name: "jd-ORPHAN" })
      .resolves(asStored(desiredSchedule(schedule({ id: "ORPHAN" }), CONFIG)));
    sched.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    sched.on(UpdateScheduleCommand).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    sched.on(DeleteScheduleCommand).resolves({ $metadata: {} });
  }

  it("re-creates, deletes orphans, fixes drift, leaves the rest and anything without our prefix", async () => {
    seedDrift();
    const report = await backend().reconcile(table);
    expect(report).toEqual({
      created: ["MISSING"],
      updated: ["DISABLEDINCONSOLE", "EDITED"],
      deleted: ["ORPHAN"],
      unchanged: 1,
    });

    const lists = sched.commandCalls(ListSchedulesCommand).map((c) => c.args[0].input);
    expect(lists).toHaveLength(2);
    expect(lists[0]).toMatchObject({ GroupName: GROUP, NamePrefix: "jd-" });
    expect(lists[1]).toMatchObject({ GroupName: GROUP, NamePrefix: "jd-", NextToken: "page-1" });

    const creates = sched.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
    expect(creates).toEqual([desiredSchedule(missing, CONFIG, NOW)]);
    const updates = sched.commandCalls(UpdateScheduleCommand).map((c) => c.args[0].input);
    expect(updates.map((u) => u.Name).sort()).toEqual(["jd-DISABLEDINCONSOLE", "jd-EDITED"]);
    expect(updates.find((u) => u.Name === "jd-DISABLEDINCONSOLE")?.State).toBe("ENABLED");
    expect(updates.find((u) => u.Name === "jd-EDITED")?.ScheduleExpression).toBe("rate(15 minutes)");
    expect(sched.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: "jd-ORPHAN", GroupName: GROUP },
    ]);

    // Never touched: neither read nor written.
    const touched = sched.calls().map((c) => (c.args[0].input as { Name?: string }).Name);
    expect(touched).not.toContain("hand-made-schedule");
    expect(touched.filter((n) => n !== undefined && !n.startsWith("jd-"))).toEqual([]);
  });

  it("reads each listed schedule with GetSchedule (ListSchedules has no targets)", async () => {
    seedDrift();
    await backend().reconcile(table);
    const gets = sched.commandCalls(GetScheduleCommand).map((c) => c.args[0].input);
    expect(gets.map((g) => g.Name).sort()).toEqual(["jd-DISABLEDINCONSOLE", "jd-EDITED", "jd-SAME"]);
    expect(gets.every((g) => g.GroupName === GROUP)).toBe(true);
  });

  it("updates a schedule whose target input was edited in the console", async () => {
    listing([["jd-SAME"]]);
    const d = desiredSchedule(same, CONFIG);
    const target = d.Target ?? { Arn: undefined, RoleArn: undefined };
    stored(same, { Target: { ...target, Input: target.Input?.replace('"skip"', '"allow"') } });
    sched.on(UpdateScheduleCommand).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    const report = await backend().reconcile([same]);
    expect(report).toEqual({ created: [], updated: ["SAME"], deleted: [], unchanged: 0 });
    expect(
      JSON.parse(sched.commandCalls(UpdateScheduleCommand)[0]?.args[0].input.Target?.Input ?? ""),
    ).toMatchObject({ execution_policy: "skip" });
  });

  it("creates a schedule deleted between ListSchedules and GetSchedule", async () => {
    listing([["jd-SAME"]]);
    sched.on(GetScheduleCommand).rejects(notFound());
    sched.on(CreateScheduleCommand).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    const report = await backend().reconcile([same]);
    expect(report.created).toEqual(["SAME"]);
    expect(sched.commandCalls(CreateScheduleCommand)).toHaveLength(1);
  });

  it("continues past a failure and throws an AggregateError at the end", async () => {
    seedDrift();
    sched
      .on(CreateScheduleCommand)
      .rejects(new ValidationException({ message: "bad target", Message: "bad target", $metadata: {} }));
    const broken = schedule({ id: "BROKEN", name: "broken", schedule_expression: "every tuesday" });
    const err = await backend()
      .reconcile([...table, broken])
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(AggregateError);
    expect(err).toBeInstanceOf(ReconcileError);
    const agg = err as ReconcileError;
    expect(agg.errors).toHaveLength(2);
    expect(agg.message).toMatch(/schedule MISSING: ValidationException: bad target/);
    expect(agg.message).toMatch(/schedule BROKEN: .*invalid schedule expression/);
    // Everything else was still done.
    expect(agg.report).toEqual({
      created: [],
      updated: ["DISABLEDINCONSOLE", "EDITED"],
      deleted: ["ORPHAN"],
      unchanged: 1,
    });
    expect(sched.commandCalls(UpdateScheduleCommand)).toHaveLength(2);
    expect(sched.commandCalls(DeleteScheduleCommand)).toHaveLength(1);
  });

  it("throws at once when the group cannot be listed (it would not know what to delete)", async () => {
    sched.on(ListSchedulesCommand).rejects(throttled());
    await expect(backend().reconcile(table)).rejects.toMatchObject({ name: "ThrottlingException" });
    expect(sched.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(sched.commandCalls(DeleteScheduleCommand)).toHaveLength(0);
  });
});

describe("constructor", () => {
  it("refuses an empty name prefix (every schedule of the group would look like an orphan)", () => {
    expect(() => new EventBridgeScheduleBackend(client, { ...CONFIG, namePrefix: "" })).toThrow(/namePrefix/);
  });
});
