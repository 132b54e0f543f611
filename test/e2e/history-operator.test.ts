// Issue 14, problems 8 and 9: a history an operator can scan and share (one-line rows, who/what
// started each run, run-id search, a total, the period in the URL), and pages that tell loading and
// failure apart from "nothing there".
import { describe, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { realErrors, rowIds, seedRuns, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();
let seeded: Run[] = [];

describe("history for an operator", () => {
  it("problem 8: one-line rows (≥ 25 on 1440×900), a trigger-source column, run-id search, a total, the period in the URL", async () => {
    seeded = await seedRuns(e2e.h, 60, new Date(Date.now() - 60_000));
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/history" });
    try {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.locator("[data-testid=run-row]").first().waitFor();
      // The period is in the URL as soon as the page shows it: a shared link shows the same runs.
      await expect.poll(() => new URL(page.url()).searchParams.get("period")).toBe("7d");

      const visible = await page
        .locator("[data-testid=run-row]")
        .evaluateAll((rows) => rows.filter((r) => r.getBoundingClientRect().bottom <= innerHeight).length);
      expect(visible).toBeGreaterThanOrEqual(25);

      // Who or what started each run, in the operator's language.
      const header = await page.locator("table.runs thead").textContent();
      expect(header).toContain("起動元");
      const manual = seeded.find((r) => r.trigger_source === "manual") as Run;
      const row = page.locator(`[data-testid=run-row][data-uuid="${manual.execution_uuid}"]`);
      expect(await row.locator("[data-testid=run-trigger]").textContent()).toContain("手動");

      // A total for the filter, not only the rows of this page.
      await expect
        .poll(() => page.locator("[data-testid=history-total]").textContent())
        .toContain(`${seeded.length} 件`);

      // Search by the start of an execution id.
      const target = seeded[17] as Run;
      await page.locator("#f-run-id").fill(target.execution_uuid.slice(0, 8));
      await expect.poll(() => rowIds(page), { timeout: 10_000 }).toEqual([target.execution_uuid]);
      expect(new URL(page.url()).searchParams.get("run")).toBe(target.execution_uuid.slice(0, 8));
      await expect.poll(() => page.locator("[data-testid=history-total]").textContent()).toContain("1 件");

      // The shared link reproduces the view.
      const shared = page.url();
      const other = await e2e.open({ as: "viewer", at: new URL(shared).pathname + new URL(shared).search });
      try {
        await expect.poll(() => rowIds(other.page), { timeout: 10_000 }).toEqual([target.execution_uuid]);
        expect(await other.page.locator("#f-run-id").inputValue()).toBe(target.execution_uuid.slice(0, 8));
      } finally {
        await other.context.close();
      }
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("problem 9: loading, a failed request and offline are not shown as empty data, and Retry loads", async () => {
    const { page, context } = await e2e.open({ as: "admin", at: "/jobs" });
    try {
      // A failed request: the reason, translated, and a Retry; never "no runs".
      let fail = true;
      await page.route(
        (u) => u.pathname === "/v1/runs",
        (route) =>
          fail
            ? route.fulfill({
                status: 503,
                contentType: "application/json",
                body: JSON.stringify({ error: { code: "unavailable", message: "store down" } }),
              })
            : route.continue(),
      );
      await page.goto("/history");
      const failed = page.locator("[data-testid=load-state][data-state=failed]");
      await failed.waitFor({ timeout: 10_000 });
      expect(await failed.textContent()).toContain("読み込めませんでした");
      expect(await page.locator("main").textContent()).not.toContain("条件に合う実行はありません");
      expect(await page.locator("main").textContent()).not.toContain("まだ実行されていません");
      fail = false;
      await failed.getByRole("button", { name: "再試行" }).click();
      await page.locator("[data-testid=run-row]").first().waitFor({ timeout: 10_000 });

      // Offline: said in the operator's language, not "Failed to fetch".
      await page.goto("/jobs?lang=en");
      await page.locator("[data-testid=job-card]").first().waitFor();
      await context.setOffline(true);
      await page.locator("a[href='/history']").first().click();
      const offline = page.locator("[data-testid=load-state][data-state=failed]");
      await offline.waitFor({ timeout: 10_000 });
      expect(await offline.textContent()).toMatch(/offline/i);
      expect(await page.locator("main").textContent()).not.toContain("Failed to fetch");
      await context.setOffline(false);
      await offline.getByRole("button", { name: "Retry" }).click();
      await page.locator("[data-testid=run-row]").first().waitFor({ timeout: 10_000 });

      // Loading is said while it lasts.
      await page.route(
        (u) => u.pathname === "/v1/schedules",
        async (route) => {
          await new Promise((r) => setTimeout(r, 1500));
          await route.continue();
        },
      );
      await page.locator("a[href='/schedules']").first().click();
      const loading = page.locator("[data-testid=load-state][data-state=loading]");
      await loading.waitFor({ timeout: 1000 });
      expect(await page.locator("main").textContent()).not.toMatch(/No schedules/i);
    } finally {
      await context.close();
    }
  });
});
