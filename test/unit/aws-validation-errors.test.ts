// Issue 10: "In AWS, an EventBridge Scheduler ValidationException reaches the client as
// 500 internal_error where the local stack answers 201". Through the domain services with the real
// AWS adapters (mocked clients): a refusal by the service is a 400 carrying the service's message,
// and a refused write leaves nothing saved.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from "@aws-sdk/client-scheduler";
import { InvalidExecutionInput, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { EventBridgeScheduleBackend } from "#adapters/eventbridge-schedule-backend.ts";
import { SfnWorkflowStarter } from "#adapters/sfn-workflow-starter.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { ValidationError } from "#domain/errors.ts";
import { JobRegistry } from "#domain/jobs/job-registry.ts";
import { silentLogger } from "#domain/logging.ts";
import { TriggerService } from "#domain/runs/trigger-service.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import type { ControlStore, StartClaim } from "#ports/control-store.ts";
import type { FinishUpdate, RunStore } from "#ports/run-store.ts";
import type { ScheduleStore } from "#ports/schedule-store.ts";
import type { Run } from "#schemas/run.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { MemoryPauseNoteStore } from "#test/fakes/memory-pause-notes.ts";

const scheduler = mockClient(SchedulerClient);
const sfn = mockClient(SFNClient);
const credentials = { accessKeyId: "x", secretAccessKey: "x" };
const NOW = new Date("2025-10-01T00:00:00Z");

beforeEach(() => {
  scheduler.reset();
  sfn.reset();
});
afterAll(() => {
  scheduler.restore();
  sfn.restore();
});

const refused = (message: string) => new ValidationException({ message, Message: message, $metadata: {} });

/** Only what the schedules service's writes touch; anything else would be a surprise. */
class MemoryScheduleStore {
  items = new Map<string, Schedule>();
  async create(s: Schedule) {
    this.items.set(s.id, structuredClone(s));
    return true;
  }
  async get(id: string) {
    return structuredClone(this.items.get(id) ?? null);
  }
  async list() {
    return [...this.items.values()].map((s) => structuredClone(s));
  }
  async replace(_prev: Schedule, next: Schedule) {
    this.items.set(next.id, structuredClone(next));
    return true;
  }
  async delete(s: Schedule) {
    this.items.delete(s.id);
  }
}

function scheduleService(store: MemoryScheduleStore) {
  const backend = new EventBridgeScheduleBackend(
    new SchedulerClient({ region: "ap-northeast-1", credentials }),
    {
      groupName: "jobdeck",
      roleArn: "arn:aws:iam::123456789012:role/scheduler",
      stateMachineArnFor: (job) =>
        `arn:aws:states:ap-northeast-1:123456789012:stateMachine:${job.replace(/\./g, "-")}`,
      now: () => NOW,
    },
  );
  const deps = {
    registry: new JobRegistry(JOBS),
    clock: { now: () => NOW },
    logger: silentLogger,
    schedules: store as unknown as ScheduleStore,
    scheduleBackend: backend,
    pauses: new MemoryPauseNoteStore(),
  } as unknown as CoreDeps;
  return new ScheduleService(deps);
}

describe("an EventBridge Scheduler ValidationException reaches the client as 400 and saves nothing", () => {
  it("create: 400 with the service's message; no schedule in the table", async () => {
    scheduler
      .on(UpdateScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: "no", Message: "no", $metadata: {} }));
    scheduler.on(CreateScheduleCommand).rejects(refused("Invalid Schedule Expression rate(7 minutes)."));
    const store = new MemoryScheduleStore();
    const err = await scheduleService(store)
      .create({ job_name: "recap.pipeline", schedule_expression: "rate(7 minutes)" }, "ops")
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ status: 400, code: "invalid_request" });
    expect((err as Error).message).toContain("Invalid Schedule Expression rate(7 minutes).");
    expect(store.items.size).toBe(0);
  });

  it("update: 400; the stored schedule stays as it was", async () => {
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: "arn:x", $metadata: {} });
    const store = new MemoryScheduleStore();
    const service = scheduleService(store);
    const created = await service.create(
      { job_name: "recap.pipeline", schedule_expression: "rate(30 minutes)" },
      "ops",
    );
    const before = structuredClone(store.items.get(created.id));
    scheduler.on(UpdateScheduleCommand).rejects(refused("Invalid timezone Mars/Olympus"));
    await expect(
      service.patch(created.id, { schedule_expression: "rate(45 minutes)" }, "ops"),
    ).rejects.toMatchObject({ status: 400, details: [{ field: "timezone" }] });
    expect(store.items.get(created.id)).toEqual(before);
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(0);
  });
});

describe("the 400 names the field EventBridge Scheduler's own wording is about", () => {
  // The service names its members in a ValidationException ("Value … at 'member' failed to satisfy
  // constraint"): 'scheduleExpressionTimezone' is the time zone, not the expression.
  const cases: [string, string, string][] = [
    [
      "the time zone, named by its member",
      "1 validation error detected: Value 'Mars/Olympus' at 'scheduleExpressionTimezone' failed to satisfy constraint: Member must satisfy regular expression pattern",
      "timezone",
    ],
    [
      "the target's input, which carries the params",
      "1 validation error detected: Value at 'target.input' failed to satisfy constraint: Member must have length less than or equal to 8192",
      "params",
    ],
  ];
  for (const [what, message, field] of cases) {
    it(`${what} → ${field}`, async () => {
      scheduler.on(UpdateScheduleCommand).rejects(refused(message));
      const store = new MemoryScheduleStore();
      await expect(
        scheduleService(store).create(
          { job_name: "recap.pipeline", schedule_expression: "rate(30 minutes)" },
          "ops",
        ),
      ).rejects.toMatchObject({ status: 400, code: "invalid_request", details: [{ field, message }] });
      expect(store.items.size).toBe(0);
    });
  }
});

/** The trigger's stores, in memory: just enough to follow a start that the workflow refuses. */
function triggerDeps() {
  const runs = new Map<string, Run>();
  const slots = new Map<string, string>();
  const control = {
    async claimStart(claim: StartClaim) {
      if (slots.has(claim.key)) return { outcome: "slot_taken", holder: null } as const;
      slots.set(claim.key, claim.holder.execution_uuid);
      runs.set(claim.run.execution_uuid, structuredClone(claim.run));
      return { outcome: "claimed" } as const;
    },
    async releaseSlot(key: string, uuid: string) {
      if (slots.get(key) === uuid) slots.delete(key);
    },
  } as unknown as ControlStore;
  const runStore = {
    async noteCreated() {},
    async get(id: string) {
      return runs.get(id) ?? null;
    },
    async finish(id: string, from: string[], update: FinishUpdate) {
      const r = runs.get(id);
      if (!r || !from.includes(r.status)) return null;
      const done = { ...r, ...update };
      runs.set(id, done);
      return done;
    },
  } as unknown as RunStore;
  const workflow = new SfnWorkflowStarter(new SFNClient({ region: "ap-northeast-1", credentials }), {
    stateMachineArns: { "recap.pipeline": "arn:aws:states:ap-northeast-1:123456789012:stateMachine:recap" },
    region: "ap-northeast-1",
    logsInsightsGroups: [],
  });
  const deps = {
    registry: new JobRegistry(JOBS),
    runs: runStore,
    control,
    workflow,
    clock: { now: () => NOW },
    nextFire: { nextFor: async () => null },
    settings: { displayTimeZone: "Asia/Tokyo", retentionDays: 90, triggersPerMinute: 0 },
    logger: silentLogger,
  } as unknown as CoreDeps;
  return { deps, runs, slots };
}

describe("a Step Functions validation error on a trigger reaches the client as 400", () => {
  it("400 with the service's message; the run ends FAILURE and the slot is free again", async () => {
    sfn
      .on(StartExecutionCommand)
      .rejects(new InvalidExecutionInput({ message: "Input exceeds the size limit", $metadata: {} }));
    const { deps, runs, slots } = triggerDeps();
    const err = await new TriggerService(deps)
      .trigger({ job_name: "recap.pipeline", options: {}, actor: "ops", trigger_source: "manual" })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ status: 400 });
    expect((err as Error).message).toContain("Input exceeds the size limit");
    const [run] = [...runs.values()];
    expect(run?.status).toBe("FAILURE");
    expect(run?.error_summary).toContain("Input exceeds the size limit");
    expect(slots.size).toBe(0);
  });
});
