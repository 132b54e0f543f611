// Issue 16 part 1: the calendar page in real Chromium, in Japanese and English, desktop and 390 px:
// the New York 02:30 schedule has no fire on the day of the March DST change and the change is spelt
// out; a job whose p95 outlasts its interval is flagged in words; a paused scheduler's fires say so.
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import { newRun } from "#domain/runs/run-lifecycle.ts";
import type { Run } from "#schemas/run.ts";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

const SHOTS = process.env.JOBDECK_SHOTS_DIR ?? "/tmp";
const e2e = useE2eStack();

beforeAll(async () => {
  const h = e2e.h;
  const post = async (body: Record<string, unknown>) =>
    expect((await h.admin("POST", "/v1/schedules", body)).status).toBe(201);
  await post({
    name: "ny-0230",
    job_name: "recap.pipeline",
    schedule_expression: "cron(30 2 * * ? *)",
    timezone: "America/New_York",
  });
  await post({
    name: "sync-3h",
    job_name: "listed_companies.sync",
    schedule_expression: "cron(0 0/3 * * ? *)",
    timezone: "Asia/Tokyo",
  });
  // listed_companies.sync has taken 4 hours: longer than its 3-hour interval.
  for (let i = 1; i <= 3; i++) {
    const started = new Date(Date.now() - i * 86_400_000);
    const run: Run = {
      ...newRun({
        execution_uuid: randomUUID(),
        job_name: "listed_companies.sync",
        params: {},
        data_source: [],
        concurrency_key: "listed_companies.sync",
        trigger_source: "schedule",
        triggered_by: null,
        status: "RUNNING",
        now: started,
      }),
      status: "SUCCESS",
      finished_at: new Date(started.getTime() + 14_400_000).toISOString(),
      duration_seconds: 14_400,
    };
    expect(await h.stack.deps.runs.create(run)).toBe(true);
  }
});

const WORDS = {
  ja: {
    gap: "03:00 へ進みます",
    overlap: "前回の実行と重なる見込み",
    paused: "一時停止中のため実行されません",
  },
  en: {
    gap: "clocks jump to 03:00",
    overlap: "Expected to overlap the previous run",
    paused: "Paused: will not run",
  },
};

async function shown(page: Page) {
  await page.locator("main h1").waitFor();
  await expect.poll(() => page.locator("[data-state=loading]").count(), { timeout: 10_000 }).toBe(0);
}

it("week view across the New York DST change, in both languages, desktop and 390 px", async () => {
  for (const phone of [false, true]) {
    const { page, context, errors } = await e2e.open({ as: "viewer", phone });
    try {
      for (const lang of ["ja", "en"] as const) {
        await page.goto(`/calendar?date=2026-03-06&job=recap.pipeline&lang=${lang}`);
        await shown(page);
        const days = page.locator("[data-testid=cal-day]");
        await expect.poll(() => days.count()).toBe(7);
        // In Tokyo, 02:30 New York is 16:30 (EST) then 15:30 (EDT); 2026-03-08 has no fire at all.
        const perDay = await days.evaluateAll((els) =>
          els.map((el) => [
            el.querySelector("h2")?.textContent,
            el.querySelectorAll("[data-testid=cal-fire]").length,
          ]),
        );
        expect(perDay).toEqual([
          ["2026-03-06", 1],
          ["2026-03-07", 1],
          ["2026-03-08", 0],
          ["2026-03-09", 1],
          ["2026-03-10", 1],
          ["2026-03-11", 1],
          ["2026-03-12", 1],
        ]);
        expect(await page.locator("[data-testid=cal-fire] .mono").allTextContents()).toEqual([
          "16:30",
          "16:30",
          "15:30",
          "15:30",
          "15:30",
          "15:30",
        ]);
        const note = page.locator("[data-testid=cal-dst][data-kind=gap]");
        await expect.poll(() => note.textContent()).toContain(WORDS[lang].gap);
        expect(await note.textContent()).toContain("America/New_York");
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          390 + (phone ? 0 : 890),
        );
        await page.screenshot({
          path: `${SHOTS}/calendar-dst-${lang}${phone ? "-phone" : ""}.png`,
          fullPage: true,
        });
      }
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  }
});

it("a job whose p95 outlasts its interval is flagged in words; a paused scheduler's fires say paused", async () => {
  const { page, context, errors } = await e2e.open({ as: "admin", phone: true });
  try {
    for (const lang of ["ja", "en"] as const) {
      await page.goto(`/calendar?view=day&date=2026-06-01&job=listed_companies.sync&lang=${lang}`);
      await shown(page);
      await expect.poll(() => page.locator("[data-testid=cal-fire]").count()).toBe(8);
      const flags = await page.locator("[data-testid=cal-flag]").allTextContents();
      // Every one, the first too: the run of 21:00 the day before is still expected to be going.
      expect(flags.filter((f) => f.includes(WORDS[lang].overlap))).toHaveLength(8);
      expect(await page.locator("[data-testid=cal-overlaps]").textContent()).toContain(
        "listed_companies.sync",
      );
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: `${SHOTS}/calendar-overlap-${lang}-phone.png`, fullPage: true });
    }
    expect(
      (await e2e.h.admin("PUT", "/v1/scheduler/paused", { paused: true, reason: "maintenance" })).status,
    ).toBe(200);
    for (const lang of ["ja", "en"] as const) {
      await page.goto(`/calendar?view=list&date=2026-06-01&job=listed_companies.sync&lang=${lang}`);
      await shown(page);
      const rows = page.locator("[data-testid=cal-list] [data-testid=cal-fire]");
      await expect.poll(() => rows.count()).toBe(56);
      expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-state"))))).toEqual(
        new Set(["paused"]),
      );
      expect(await rows.first().textContent()).toContain(WORDS[lang].paused);
      // Who paused the scheduler and why, beside the fires the pause stops.
      expect(await page.locator("[data-testid=cal-pauses]").textContent()).toContain("maintenance");
      await page.screenshot({ path: `${SHOTS}/calendar-paused-list-${lang}-phone.png`, fullPage: true });
    }
    expect((await e2e.h.admin("PUT", "/v1/scheduler/paused", { paused: false })).status).toBe(200);
    expect(realErrors(errors)).toEqual([]);
  } finally {
    await context.close();
  }
});
