// Issue 14, part C in real Chromium: schedule edits that stay true (problem 6) and words in the
// operator's language (problem 7).
import type { Request } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { ScheduleView } from "#domain/schedules/schedule-service.ts";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();

describe("problem 6: schedules stay true after edits", () => {
  it("problem 6: changing 11:30 → 09:00 renames the auto-named schedule and rewrites its generated description", async () => {
    const created = await e2e.h.admin("POST", "/v1/schedules", {
      job_name: "listed_companies.sync",
      schedule_expression: "cron(30 11 * * ? *)",
      timezone: "Asia/Tokyo",
      description: "毎日 11:30 JST",
    });
    expect(created.status).toBe(201);
    const s = created.body as ScheduleView;
    expect(s.name).toBe("listed_companies_sync_daily_1130");
    const { page, context, errors } = await e2e.open({ as: "admin", at: `/schedules/${s.id}` });
    try {
      await expect.poll(() => page.locator("#s-name").inputValue()).toBe("listed_companies_sync_daily_1130");
      await page.locator("#s-expr").fill("cron(0 9 * * ? *)");
      // The page shows what a save stores before it is saved.
      await expect.poll(() => page.locator("#s-name").inputValue()).toBe("listed_companies_sync_daily_0900");
      await expect.poll(() => page.locator("#s-desc").inputValue()).toBe("毎日 09:00 JST");
      await page.getByRole("button", { name: "保存" }).click();
      await page.waitForURL("**/schedules");
      const stored = (await e2e.h.admin("GET", `/v1/schedules/${s.id}`)).body as ScheduleView;
      expect(stored).toMatchObject({
        name: "listed_companies_sync_daily_0900",
        auto_generated_name: true,
        description: "毎日 09:00 JST",
        schedule_expression: "cron(0 9 * * ? *)",
      });
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
      await e2e.h.admin("DELETE", `/v1/schedules/${s.id}`);
    }
  });

  it("problem 6: a new recap schedule takes the recap job's category, not the first job's, and sends only what the form shows", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/schedules/new" });
    const writes: Request[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && new URL(r.url()).pathname === "/v1/schedules") writes.push(r);
    });
    try {
      await expect.poll(() => page.locator("#s-category").inputValue()).toBe("master_data");
      await page.locator("#s-job").selectOption("recap.pipeline");
      await expect.poll(() => page.locator("#s-category").inputValue()).toBe("pipeline");
      await page.locator("#s-expr").fill("cron(20 7 * * ? *)");
      await expect.poll(() => page.locator("#s-name").inputValue()).toBe("recap_pipeline_daily_0720");
      await page.getByRole("button", { name: "保存" }).click();
      await page.waitForURL("**/schedules");
      expect(writes).toHaveLength(1);
      const sent = writes[0]?.postDataJSON() as Record<string, unknown>;
      expect(sent).toMatchObject({ job_name: "recap.pipeline", category: "pipeline" });
      const list = (await e2e.h.admin("GET", "/v1/schedules?job_name=recap.pipeline")).body as {
        results: ScheduleView[];
      };
      const saved = list.results.find((x) => x.schedule_expression === "cron(20 7 * * ? *)");
      expect(saved).toMatchObject({ name: "recap_pipeline_daily_0720", category: "pipeline" });
      // A category the operator typed is kept when the job changes.
      await page.goto("/schedules/new");
      await page.locator("#s-category").fill("finance");
      await page.locator("#s-job").selectOption("recap.pipeline");
      expect(await page.locator("#s-category").inputValue()).toBe("finance");
      expect(realErrors(errors)).toEqual([]);
      if (saved) await e2e.h.admin("DELETE", `/v1/schedules/${saved.id}`);
    } finally {
      await context.close();
    }
  });
});
