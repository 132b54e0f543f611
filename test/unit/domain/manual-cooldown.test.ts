// Issue 16 part 6, cooldown after a manual run (seed 000: 手動実行後のクールダウン) on in-memory fakes:
// a scheduled fire inside the cooldown ends SKIPPED with reason `cooldown`; one at its end or after
// runs; next_scheduled_for is the next fire that will actually run; defineJob checks the field.
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { JobQueries } from "#domain/jobs/job-queries.ts";
import { runUuidForFire } from "#domain/runs/execution-identity.ts";
import { TriggerService } from "#domain/runs/trigger-service.ts";
import { WorkflowSteps } from "#domain/runs/workflow-steps.ts";
import { defineJob } from "#jobs/define-job.ts";
import { listedCompaniesSync } from "#jobs/listed-companies/listed-companies-sync.ts";
import type { WorkflowInput } from "#ports/workflow-starter.ts";
import type { TriggerSource } from "#schemas/run.ts";
import { demoJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";
import { executionArn } from "#test/fakes/memory-workflow-starter.ts";
import { aRun, aSchedule } from "#test/helpers/builders.ts";

const coolingJob = defineJob({
  name: "demo.cooling",
  description: "a job with a 10 minute cooldown after a manual run",
  category: "demo",
  data_sources: ["demo_api"],
  parameters: z.strictObject({}),
  cooldown_seconds_after_manual: 600,
  async run() {},
});

const MANUAL_AT = "2026-03-10T09:00:00.000Z";
const COOLDOWN_END = "2026-03-10T09:10:00.000Z";

/** A core whose cooling job has a rate(5 minutes) schedule anchored on the hour, and (optionally) a manual run at 09:00. */
async function setup(opts: { job?: typeof coolingJob; manual?: TriggerSource | null; now?: string } = {}) {
  const job = opts.job ?? coolingJob;
  const core = memoryCore({ now: opts.now ?? "2026-03-10T09:02:00.000Z", jobs: [coolingJob, demoJob] });
  await core.schedules.create(
    aSchedule({
      id: "sch-1",
      name: "every-5",
      job_name: job.name,
      schedule_expression: "rate(5 minutes)",
      start_date: "2026-03-10T00:00:00.000Z",
      params: job === coolingJob ? {} : { limit: 1 },
    }),
  );
  // A scheduled run earlier in the window never counts as manual.
  core.runs.seed(
    aRun({
      job_name: job.name,
      trigger_source: "schedule",
      status: "SUCCESS",
      started_at: "2026-03-10T08:58:00.000Z",
    }),
  );
  if (opts.manual !== null) {
    core.runs.seed(
      aRun({
        job_name: job.name,
        trigger_source: opts.manual ?? "manual",
        status: "SUCCESS",
        started_at: MANUAL_AT,
      }),
    );
  }
  return { core, steps: new WorkflowSteps(core), job };
}

let n = 0;
async function fire(s: Awaited<ReturnType<typeof setup>>, at: string) {
  s.core.clock.set(new Date(at));
  const input: WorkflowInput = {
    job_name: s.job.name,
    schedule_id: "sch-1",
    schedule_name: "every-5",
    params: {},
    trigger_source: "schedule",
    scheduled_time: at,
  };
  n++;
  const state = await s.steps.startRun(
    { input },
    { name: `cool-${n}`, arn: executionArn(s.job.name, `cool-${n}`) },
  );
  return { state, run: await s.core.runs.get(runUuidForFire("sch-1", at)) };
}

describe("a scheduled fire after a manual run", () => {
  it("inside the cooldown ends SKIPPED with reason cooldown, saying since when and until when", async () => {
    const s = await setup();
    const { state, run } = await fire(s, "2026-03-10T09:05:00.000Z");
    expect(state.run?.proceed).toBe(false);
    expect(run?.status).toBe("SKIPPED");
    expect(run?.error_summary).toMatch(/^cooldown: /);
    expect(run?.error_summary).toContain(MANUAL_AT);
    expect(run?.error_summary).toContain(COOLDOWN_END);
    expect(run?.finished_at).not.toBeNull();
    // the skipped run's next_scheduled_for is the first fire that will run
    expect(run?.next_scheduled_for).toBe(COOLDOWN_END);
  });

  it.each(["api", "rerun"] as const)("counts a %s run as manual", async (source) => {
    const s = await setup({ manual: source });
    expect((await fire(s, "2026-03-10T09:05:00.000Z")).run?.status).toBe("SKIPPED");
  });

  it("at the end of the cooldown runs (the fire before it is skipped)", async () => {
    const s = await setup();
    expect((await fire(s, "2026-03-10T09:05:00.000Z")).run?.status).toBe("SKIPPED");
    const { state, run } = await fire(s, COOLDOWN_END);
    expect(state.run?.proceed).toBe(true);
    expect(run?.status).toBe("QUEUED");
  });

  it("after the cooldown runs (one inside it is skipped)", async () => {
    const s = await setup();
    expect((await fire(s, "2026-03-10T09:09:59.000Z")).run?.status).toBe("SKIPPED");
    const { state, run } = await fire(s, "2026-03-10T09:15:00.000Z");
    expect(state.run?.proceed).toBe(true);
    expect(run?.status).toBe("QUEUED");
  });

  it("with no manual run (only scheduled ones) runs, and the job answers no cooldown in force", async () => {
    const s = await setup({ manual: null });
    const { state, run } = await fire(s, "2026-03-10T09:05:00.000Z");
    expect(state.run?.proceed).toBe(true);
    expect(run?.status).toBe("QUEUED");
    expect((await new JobQueries(s.core).get(coolingJob.name)).cooldown).toEqual({
      seconds_after_manual: 600,
      manual_started_at: null,
      until: null,
    });
  });

  it("of a job without a cooldown runs, while the same fire of a job with one is skipped", async () => {
    const plain = await setup({ job: demoJob as unknown as typeof coolingJob });
    const { state, run } = await fire(plain, "2026-03-10T09:05:00.000Z");
    expect(state.run?.proceed).toBe(true);
    expect(run?.status).toBe("QUEUED");
    const cooling = await setup();
    expect((await fire(cooling, "2026-03-10T09:05:00.000Z")).run?.status).toBe("SKIPPED");
  });

  it("does not count a manual run that started after the fire (a late delivery)", async () => {
    const s = await setup({ manual: null });
    s.core.runs.seed(
      aRun({ job_name: coolingJob.name, status: "SUCCESS", started_at: "2026-03-10T09:05:30.000Z" }),
    );
    expect((await fire(s, "2026-03-10T09:05:00.000Z")).run?.status).toBe("QUEUED");
    expect((await fire(s, "2026-03-10T09:10:00.000Z")).run?.status).toBe("SKIPPED");
  });
});

describe("next_scheduled_for and the job answer", () => {
  it("is the first fire at or after the cooldown's end while it is in force, the plain next fire otherwise", async () => {
    const s = await setup();
    // 09:02: the 09:05 fire is skipped, the 09:10 one (exactly at the end) runs
    expect(await s.core.nextFire.nextFor(coolingJob.name)).toBe(COOLDOWN_END);
    const view = await new JobQueries(s.core).get(coolingJob.name);
    expect(view.next_scheduled_for).toBe(COOLDOWN_END);
    expect(view.cooldown).toEqual({
      seconds_after_manual: 600,
      manual_started_at: MANUAL_AT,
      until: COOLDOWN_END,
    });
    // once it is over: the next fire, and no cooldown in force
    s.core.clock.set(new Date("2026-03-10T09:11:00.000Z"));
    expect(await s.core.nextFire.nextFor(coolingJob.name)).toBe("2026-03-10T09:15:00.000Z");
    expect((await new JobQueries(s.core).get(coolingJob.name)).cooldown).toEqual({
      seconds_after_manual: 600,
      manual_started_at: null,
      until: null,
    });
  });

  it("is the plain next fire with no manual run, and a job without a cooldown answers cooldown null", async () => {
    const s = await setup({ manual: null });
    expect(await s.core.nextFire.nextFor(coolingJob.name)).toBe("2026-03-10T09:05:00.000Z");
    expect((await new JobQueries(s.core).get(demoJob.name)).cooldown).toBeNull();
  });
});

describe("defineJob: cooldown_seconds_after_manual", () => {
  const spec = (cooldown: number) => ({
    name: "demo.bad_cooldown",
    description: "x",
    category: "demo",
    data_sources: [],
    parameters: z.strictObject({}),
    cooldown_seconds_after_manual: cooldown,
    async run() {},
  });
  it.each([0, -5, 1.5, 86_401, Number.NaN])("refuses %s", (v) => {
    expect(() => defineJob(spec(v))).toThrow(/cooldown_seconds_after_manual must be an integer 1\.\.86400/);
  });
  it.each([1, 86_400])("accepts %s (and refuses one past the bounds)", (v) => {
    expect(defineJob(spec(v)).cooldown_seconds_after_manual).toBe(v);
    expect(() => defineJob(spec(v === 1 ? 0 : 86_401))).toThrow(/cooldown_seconds_after_manual/);
  });
  it("gives listed_companies.sync one hour (seed 001's 今すぐ同期 makes the daily fire redundant)", () => {
    expect(listedCompaniesSync.cooldown_seconds_after_manual).toBe(3600);
  });
});

describe("the trigger's answer", () => {
  it("says the next fire after the cooldown this manual run starts", async () => {
    const s = await setup({ manual: null, now: MANUAL_AT });
    // A claim slower than the reads around it (DynamoDB's transaction vs. its queries).
    const claimStart = s.core.control.claimStart.bind(s.core.control);
    s.core.control.claimStart = async (...args) => {
      await new Promise((r) => setTimeout(r, 20));
      return claimStart(...args);
    };
    const started = await new TriggerService(s.core).trigger({
      job_name: coolingJob.name,
      options: {},
      actor: "alice",
      trigger_source: "manual",
    });
    expect(started.next_scheduled_for).toBe(COOLDOWN_END);
  });
});
