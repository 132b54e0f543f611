// Issue 16 part 2, what an operator does: from a job's card, open its backfill page, preview the
// fire times of a past window (dry run), start it, watch its progress to the end, and cancel another
// one (its pending times never start). Real Chromium, Japanese at desktop width and English at
// 390 px, axe-core at 0 violations, nothing wider than the phone.
import { describe, expect, it } from "vitest";
import { axeViolations as axe, realErrors, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();
const JOB = "test.logical_time";
const VIEWS = [
  { lang: "ja", phone: false, month: "10", done: "完了", cancelled: "取り消し済み" },
  { lang: "en", phone: true, month: "11", done: "Done", cancelled: "Cancelled" },
] as const;

describe("backfill page", () => {
  for (const v of VIEWS) {
    it(`previews, starts and watches a backfill, and cancels another (${v.lang}${v.phone ? " 390px" : ""})`, async () => {
      const { page, context, errors } = await e2e.open({
        as: "admin",
        phone: v.phone,
        at: `/jobs?lang=${v.lang}`,
      });
      try {
        const card = page.locator(`[data-testid=job-card][data-job="${JOB}"]`);
        await card.locator("[data-testid=backfill-link]").click();
        await page.waitForURL(`**/jobs/${JOB}/backfill`);
        // The browser's zone is Asia/Tokyo: 10 days of cron(30 11 * * ? *) in that zone.
        await page.locator("input[name=from]").fill(`2025-${v.month}-01T00:00`);
        await page.locator("input[name=to]").fill(`2025-${v.month}-10T23:59`);
        await page.locator("input[name=concurrency]").fill("3");
        // The job's params, checked as the trigger dialog checks them: nothing is sent while invalid.
        await page.locator("#backfill-ms").fill("-1");
        await page.locator("form.bf-form button[type=submit]").click();
        await page.locator(".bf-form .field-error").first().waitFor();
        expect(await page.locator("[data-testid=bf-preview]").count()).toBe(0);
        await page.locator("#backfill-ms").fill("20");
        await page.locator("form.bf-form button[type=submit]").click();
        const items = page.locator("[data-testid=bf-preview] li");
        await expect.poll(() => items.count()).toBe(10);
        expect(await items.first().textContent()).toContain("11:30");
        expect(await axe(page), "axe on the preview").toEqual([]);
        if (v.phone)
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await page.screenshot({ path: `/tmp/i16-2-preview-${v.lang}.png`, fullPage: true });

        await page.locator(".bf-actions .btn.primary").click();
        await page.waitForURL("**/backfills/*");
        await expect
          .poll(() => page.locator("[data-testid=bf-status]").textContent(), { timeout: 30_000 })
          .toBe(v.done);
        const started = await e2e.h.admin("GET", `/v1/backfills/${page.url().split("/").pop()}`);
        expect(started.body.params).toEqual({ ms: 20 });
        const counts = (await page.locator("[data-testid=bf-counts]").textContent()) ?? "";
        expect(counts).toContain("10");
        expect(await axe(page), "axe on the watch page").toEqual([]);
        if (v.phone)
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
        await page.screenshot({ path: `/tmp/i16-2-done-${v.lang}.png`, fullPage: true });

        // Another window, one run at a time, cancelled at once: its pending times never start.
        await page.goto(`/jobs/${JOB}/backfill?lang=${v.lang}`);
        await page.locator("input[name=from]").fill(`2025-${v.month}-20T00:00`);
        await page.locator("input[name=to]").fill(`2025-${v.month}-24T23:59`);
        await page.locator("form.bf-form button[type=submit]").click();
        await expect.poll(() => items.count()).toBe(5);
        await page.locator(".bf-actions .btn.primary").click();
        await page.waitForURL("**/backfills/*");
        await page.locator(".bf-actions .btn.danger").click();
        await expect.poll(() => page.locator("[data-testid=bf-status]").textContent()).toBe(v.cancelled);
        const id = page.url().split("/").pop() ?? "";
        const view = await e2e.h.admin("GET", `/v1/backfills/${id}`);
        expect(view.body.counts.pending).toBe(4);
        expect(await axe(page), "axe on the cancelled backfill").toEqual([]);
        await page.screenshot({ path: `/tmp/i16-2-cancelled-${v.lang}.png`, fullPage: true });

        // The start page lists the job's backfills, each linking to its watch page.
        await page.goto(`/jobs/${JOB}/backfill?lang=${v.lang}`);
        const earlier = page.locator("[data-testid=bf-earlier] li");
        await expect.poll(() => earlier.count()).toBeGreaterThanOrEqual(2);
        const listed = (await earlier.allTextContents()).join("\n");
        expect(listed).toContain(v.done);
        expect(listed).toContain(v.cancelled);
        expect(await page.locator(`[data-testid=bf-earlier] a[href="/backfills/${id}"]`).count()).toBe(1);
        expect(await axe(page), "axe on the start page with its list").toEqual([]);

        // A job with a schedule starts from that schedule's expression and zone.
        await e2e.h.admin("POST", "/v1/schedules", {
          job_name: "recap.pipeline",
          schedule_expression: "cron(15 6 ? * MON-FRI *)",
          timezone: "America/New_York",
          enabled: false,
        });
        const recap = (await e2e.h.admin("GET", "/v1/jobs/recap.pipeline")).body.schedules[0];
        await page.goto(`/jobs/recap.pipeline/backfill?lang=${v.lang}`);
        const expr = page.locator("input[name=schedule_expression]");
        await expect.poll(() => expr.inputValue()).toBe(recap.schedule_expression);
        expect(await page.locator("input[name=timezone]").inputValue()).toBe(recap.timezone);
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
