// Default schedules are created once per job (issue 17 found the one marker for all jobs kept a job
// added by a later deploy from ever getting its defaults, e.g. jquants.daily_bars' 18:30 weekdays).
import { describe, expect, it } from "vitest";
import type { JobDefinition } from "#domain/jobs/job-definition.ts";
import {
  defaultsMarker,
  LEGACY_DEFAULTS_MARKER,
  ScheduleService,
} from "#domain/schedules/schedule-service.ts";
import { demoJob, perParamsJob } from "#test/fakes/fake-jobs.ts";
import { memoryCore } from "#test/fakes/memory-core.ts";

const withDefault = (job: JobDefinition, expression: string): JobDefinition => ({
  ...job,
  default_schedules: [{ schedule_expression: expression, timezone: "Asia/Tokyo" }],
});
const first = withDefault(demoJob, "cron(30 11 * * ? *)");
const later = withDefault(perParamsJob, "cron(30 18 ? * MON-FRI *)");
const later2 = { ...later, default_schedules: [{ ...later.default_schedules![0]!, params: { key: "all" } }] };

const jobsOf = async (core: ReturnType<typeof memoryCore>) =>
  (await core.schedules.list()).map((s) => `${s.job_name} ${s.schedule_expression}`).sort();

describe("ensureDefaults", () => {
  it("a job added by a later deploy gets its defaults then; a deleted default stays deleted", async () => {
    const core = memoryCore({ jobs: [first, later2] });
    const service = new ScheduleService(core);
    expect(await service.ensureDefaults([first])).toBe(1);
    const [own] = await core.schedules.list();
    await service.delete(own!.id, "ops");
    // the next deploy adds a job: only its defaults are created, the deleted one is not back
    expect(await service.ensureDefaults([first, later2])).toBe(1);
    expect(await jobsOf(core)).toEqual(["demo.per_params cron(30 18 ? * MON-FRI *)"]);
    // and every start after that is a no-op
    expect(await service.ensureDefaults([first, later2])).toBe(0);
  });

  it("upgrading from the one marker all jobs shared: jobs with schedules are left alone, a new job gets its defaults", async () => {
    const core = memoryCore({ jobs: [first, later2] });
    const service = new ScheduleService(core);
    // as the earlier version left it: first's default created, one marker for everything
    await service.create(
      { job_name: first.name, schedule_expression: "cron(30 11 * * ? *)", timezone: "Asia/Tokyo" },
      "system",
    );
    await core.schedulerState.putMarker(LEGACY_DEFAULTS_MARKER, "2026-01-01T00:00:00Z");
    expect(await service.ensureDefaults([first, later2])).toBe(1);
    expect(await jobsOf(core)).toEqual([
      "demo.per_params cron(30 18 ? * MON-FRI *)",
      "demo.sync cron(30 11 * * ? *)",
    ]);
    expect(await core.schedulerState.getMarker(defaultsMarker(first.name))).not.toBeNull();
    expect(await core.schedulerState.getMarker(defaultsMarker(later2.name))).not.toBeNull();
  });

  it("a create that fails leaves the job's marker unwritten, so the next start tries again", async () => {
    const core = memoryCore({ jobs: [first] });
    const service = new ScheduleService(core);
    core.outage.begin((op) => op === "schedules.create");
    await expect(service.ensureDefaults([first])).rejects.toThrow();
    core.outage.end();
    expect(await core.schedulerState.getMarker(defaultsMarker(first.name))).toBeNull();
    expect(await service.ensureDefaults([first])).toBe(1);
  });
});
