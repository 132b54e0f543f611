// Issue 14, problem 6 (server rule): a schedule's generated name, a description that only repeats
// its expression, and a category that is only its job's default follow an edit; what the operator
// typed is kept.
import { beforeEach, describe, expect, it } from "vitest";
import { ScheduleService } from "#domain/schedules/schedule-service.ts";
import { JOBS } from "#jobs/all-jobs.ts";
import { type MemoryCore, memoryCore } from "../fakes/memory-core.ts";

let core: MemoryCore;
let service: ScheduleService;
beforeEach(() => {
  core = memoryCore({ jobs: JOBS, now: "2025-10-01T00:00:00Z" });
  service = new ScheduleService(core);
});

const daily = (hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number);
  return `cron(${m} ${h} * * ? *)`;
};

describe("problem 6: an edit keeps the operator's words and regenerates the rest", () => {
  it("PATCH of the time renames an auto-named schedule and rewrites a generated description", async () => {
    const s = await service.create(
      {
        job_name: "listed_companies.sync",
        schedule_expression: daily("11:30"),
        timezone: "Asia/Tokyo",
        description: "毎日 11:30 JST",
      },
      "ops",
    );
    expect(s.name).toBe("listed_companies_sync_daily_1130");
    const p = await service.patch(s.id, { schedule_expression: daily("09:00") }, "ops");
    expect(p.name).toBe("listed_companies_sync_daily_0900");
    expect(p.auto_generated_name).toBe(true);
    expect(p.description).toBe("毎日 09:00 JST");
  });

  it("a PUT that sends the auto name and description back unchanged is not the operator naming it", async () => {
    const s = await service.create(
      {
        job_name: "listed_companies.sync",
        schedule_expression: daily("11:30"),
        description: "Every day at 11:30 JST",
      },
      "ops",
    );
    const put = await service.replace(
      s.id,
      {
        name: s.name,
        job_name: s.job_name,
        schedule_expression: daily("09:00"),
        description: s.description,
        category: s.category,
      },
      "ops",
    );
    expect(put.name).toBe("listed_companies_sync_daily_0900");
    expect(put.description).toBe("Every day at 09:00 JST");
  });

  it('a seeded description without the zone label ("30 分ごと") follows too', async () => {
    const s = await service.create(
      { job_name: "recap.pipeline", schedule_expression: "cron(0/30 * * * ? *)", description: "30 分ごと" },
      "ops",
    );
    const p = await service.patch(s.id, { schedule_expression: "cron(0/15 * * * ? *)" }, "ops");
    expect(p.description).toBe("15 分ごと JST");
    expect(p.name).toBe("recap_pipeline_every_15min");
  });

  it("a name and description the operator typed are kept", async () => {
    const s = await service.create(
      {
        name: "morning-sync",
        job_name: "listed_companies.sync",
        schedule_expression: daily("11:30"),
        description: "before the market opens",
      },
      "ops",
    );
    const p = await service.patch(s.id, { schedule_expression: daily("09:00") }, "ops");
    expect(p.name).toBe("morning-sync");
    expect(p.description).toBe("before the market opens");
  });

  it("an unchanged auto name keeps its creation suffix", async () => {
    await service.create({ job_name: "listed_companies.sync", schedule_expression: daily("11:30") }, "ops");
    const second = await service.create(
      { job_name: "listed_companies.sync", schedule_expression: daily("11:30") },
      "ops",
    );
    expect(second.name).toBe("listed_companies_sync_daily_1130_2");
    const p = await service.patch(second.id, { enabled: false }, "ops");
    expect(p.name).toBe("listed_companies_sync_daily_1130_2");
  });

  it("the category follows the job unless the operator set one", async () => {
    const s = await service.create(
      { job_name: "listed_companies.sync", schedule_expression: daily("11:30") },
      "ops",
    );
    expect(s.category).toBe("master_data");
    const moved = await service.replace(
      s.id,
      { job_name: "recap.pipeline", schedule_expression: daily("11:30"), category: "master_data" },
      "ops",
    );
    expect(moved.category).toBe("pipeline");
    expect(moved.name).toBe("recap_pipeline_daily_1130");

    const own = await service.create(
      { job_name: "listed_companies.sync", schedule_expression: daily("12:00"), category: "finance" },
      "ops",
    );
    const kept = await service.replace(
      own.id,
      { job_name: "recap.pipeline", schedule_expression: daily("12:00"), category: "finance" },
      "ops",
    );
    expect(kept.category).toBe("finance");
  });
});

describe("problem 6: what counts as generated words", () => {
  it("only the expression's own words (with or without the zone) are generated; a typed prefix is not", async () => {
    const { generatedDescriptionLang } = await import("#domain/schedules/schedule-follow.ts");
    const { parseScheduleExpression } = await import("#domain/schedules/schedule-expression.ts");
    const p = parseScheduleExpression("cron(30 11 * * ? *)");
    if (!p.ok) throw new Error(p.message);
    expect(generatedDescriptionLang("毎日 11:30 JST", p.value, "Asia/Tokyo")).toBe("ja");
    expect(generatedDescriptionLang("毎日 11:30", p.value, "Asia/Tokyo")).toBe("ja");
    expect(generatedDescriptionLang("Every day at 11:30 JST", p.value, "Asia/Tokyo")).toBe("en");
    expect(generatedDescriptionLang("Every day", p.value, "Asia/Tokyo")).toBeNull();
    expect(generatedDescriptionLang("毎日", p.value, "Asia/Tokyo")).toBeNull();
    expect(generatedDescriptionLang("before the market opens", p.value, "Asia/Tokyo")).toBeNull();
  });
});
