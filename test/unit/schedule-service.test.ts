// ScheduleService + EventBridgeScheduleBackend (mocked SchedulerClient): the write order keeps
// EventBridge and the table together even when the second write fails; retrying the same call
// repairs it, and reconcile removes what a failed attempt left behind.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { EventBridgeScheduleBackend } from "#adapters/eventbridge-schedule-backend.ts";
import type { CoreDeps } from "#domain/core-deps.ts";
import { JobRegistry } from "#domain/jobs/job-registry.ts";
import { silentLogger } from "#domain/logging.ts";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import type { ScheduleStore } from "#ports/schedule-store.ts";
import type { Schedule } from "#schemas/schedule.ts";
import { MemoryPauseNoteStore } from "#test/fakes/memory-pause-notes.ts";

/** In-memory table with unique names; `failNext` makes the next write throw once. */
class MemoryScheduleStore implements ScheduleStore {
  items = new Map<string, Schedule>();
  failNext: string | null = null;
  private maybeFail(op: string) {
    if (this.failNext === op) {
      this.failNext = null;
      throw Object.assign(new Error("ProvisionedThroughputExceededException"), {
        name: "ProvisionedThroughputExceededException",
      });
    }
  }
  async create(s: Schedule) {
    this.maybeFail("create");
    if ([...this.items.values()].some((x) => x.name === s.name)) return false;
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
    this.maybeFail("replace");
    this.items.set(next.id, structuredClone(next));
    return true;
  }
  async delete(s: Schedule) {
    this.maybeFail("delete");
    this.items.delete(s.id);
  }
}

/** A fake EventBridge: schedules by name, as the mocked client sees them. */
const eb = new Map<string, Record<string, unknown>>();
const scheduler = mockClient(SchedulerClient);
const notFound = () =>
  new ResourceNotFoundException({ message: "not found", Message: "not found", $metadata: {} });

let store: MemoryScheduleStore;
let service: ScheduleService;
let backend: EventBridgeScheduleBackend;

beforeEach(() => {
  eb.clear();
  scheduler.reset();
  scheduler.on(CreateScheduleCommand).callsFake((input) => {
    eb.set(input.Name, { ...input, Arn: `arn:aws:scheduler:::schedule/g/${input.Name}` });
    return { ScheduleArn: `arn:${input.Name}` };
  });
  scheduler.on(UpdateScheduleCommand).callsFake((input) => {
    if (!eb.has(input.Name)) throw notFound();
    eb.set(input.Name, { ...input });
    return { ScheduleArn: `arn:${input.Name}` };
  });
  scheduler.on(DeleteScheduleCommand).callsFake((input) => {
    if (!eb.delete(input.Name)) throw notFound();
    return {};
  });
  scheduler.on(GetScheduleCommand).callsFake((input) => {
    const s = eb.get(input.Name);
    if (!s) throw notFound();
    return s;
  });
  scheduler.on(ListSchedulesCommand).callsFake(() => ({
    Schedules: [...eb.keys()].map((Name) => ({ Name, GroupName: "jobdeck" })),
  }));
  store = new MemoryScheduleStore();
  backend = new EventBridgeScheduleBackend(new SchedulerClient({ region: "ap-northeast-1" }), {
    groupName: "jobdeck",
    roleArn: "arn:aws:iam::123456789012:role/scheduler",
    stateMachineArnFor: (job) =>
      `arn:aws:states:ap-northeast-1:123456789012:stateMachine:jobdeck-${job.replace(/\./g, "-")}`,
  });
  const deps = {
    registry: new JobRegistry(JOBS),
    clock: { now: () => new Date("2025-10-01T00:00:00Z") },
    logger: silentLogger,
    schedules: store,
    scheduleBackend: backend,
    pauses: new MemoryPauseNoteStore(),
  } as unknown as CoreDeps;
  service = new ScheduleService(deps);
});

const ebNames = () => [...eb.keys()].sort();
const tableIds = () => [...store.items.keys()].map((id) => `jd-${id}`).sort();

describe("create", () => {
  it("writes EventBridge, then the table; both hold the same schedule", async () => {
    const s = await service.create(
      { job_name: "recap.pipeline", schedule_expression: "rate(30 minutes)" },
      "ops",
    );
    expect(ebNames()).toEqual([`jd-${s.id}`]);
    expect(tableIds()).toEqual(ebNames());
    const target = eb.get(`jd-${s.id}`) as {
      State: string;
      ScheduleExpressionTimezone: string;
      Target: { Input: string };
    };
    expect(target.State).toBe("ENABLED");
    expect(target.ScheduleExpressionTimezone).toBe("Asia/Tokyo");
    expect(JSON.parse(target.Target.Input)).toMatchObject({
      schedule_id: s.id,
      trigger_source: "schedule",
      job_name: "recap.pipeline",
    });
  });

  it("a table failure after the EventBridge write: retrying the same call succeeds, reconcile removes the leftover", async () => {
    store.failNext = "create";
    await expect(
      service.create({ job_name: "recap.pipeline", schedule_expression: "rate(30 minutes)" }, "ops"),
    ).rejects.toThrow(/Throughput/);
    expect(store.items.size).toBe(0);
    expect(eb.size).toBe(1); // the half-done attempt left an executor copy nothing refers to
    const s = await service.create(
      { job_name: "recap.pipeline", schedule_expression: "rate(30 minutes)" },
      "ops",
    );
    expect(s.name).toBe("recap_pipeline_every_30min"); // not _2: the failed attempt took no name
    const report = await backend.reconcile(await store.list());
    expect(report.deleted).toHaveLength(1);
    expect(ebNames()).toEqual(tableIds());
  });
});

describe("update and delete", () => {
  it("PATCH with a table failure after the EventBridge write: the retry leaves both on the new time", async () => {
    const s = await service.create(
      { job_name: "listed_companies.sync", schedule_expression: "cron(30 11 * * ? *)" },
      "ops",
    );
    store.failNext = "replace";
    await expect(service.patch(s.id, { schedule_expression: "cron(0 6 * * ? *)" }, "ops")).rejects.toThrow();
    expect(store.items.get(s.id)?.schedule_expression).toBe("cron(30 11 * * ? *)");
    const retried = await service.patch(s.id, { schedule_expression: "cron(0 6 * * ? *)" }, "ops");
    expect(retried.schedule_expression).toBe("cron(0 6 * * ? *)");
    expect((eb.get(`jd-${s.id}`) as { ScheduleExpression: string }).ScheduleExpression).toBe(
      "cron(0 6 * * ? *)",
    );
    expect(store.items.get(s.id)?.schedule_expression).toBe("cron(0 6 * * ? *)");
  });

  it("a failed PATCH that is never retried is undone by reconcile (the table is the truth)", async () => {
    const s = await service.create(
      { job_name: "listed_companies.sync", schedule_expression: "cron(30 11 * * ? *)" },
      "ops",
    );
    store.failNext = "replace";
    await expect(service.patch(s.id, { enabled: false }, "ops")).rejects.toThrow();
    expect((eb.get(`jd-${s.id}`) as { State: string }).State).toBe("DISABLED");
    const report = await backend.reconcile(await store.list());
    expect(report.updated).toEqual([s.id]);
    expect((eb.get(`jd-${s.id}`) as { State: string }).State).toBe("ENABLED");
  });

  it("DELETE with a table failure after the EventBridge delete: the retry completes it", async () => {
    const s = await service.create(
      { job_name: "recap.pipeline", schedule_expression: "rate(1 hour)" },
      "ops",
    );
    store.failNext = "delete";
    await expect(service.delete(s.id, "ops")).rejects.toThrow();
    expect(eb.size).toBe(0);
    expect(store.items.size).toBe(1);
    await service.delete(s.id, "ops");
    expect(store.items.size).toBe(0);
    expect(eb.size).toBe(0);
  });
});
