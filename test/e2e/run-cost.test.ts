// Issue 16 part 4 (cost per run) and part 2 (logical time), as an operator reads them: a finished
// run's page says what it cost and from what (counted by its workflow, or estimated when it was
// cancelled), the time it ran for and the backfill it belongs to; the dashboard prices the window
// and each job. Real Chromium, Japanese at desktop width, English at 390 px, axe at 0 violations.
import { describe, expect, it } from "vitest";
import { isFinished } from "#test/helpers/harness.ts";
import { axeViolations, realErrors, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();

const WORDS = {
  ja: {
    cost: "費用",
    estimated: "推定",
    runsFor: "対象時刻",
    backfill: "バックフィルを見る",
    kpi: "費用（期間内）",
  },
  en: {
    cost: "Cost",
    estimated: "estimated",
    runsFor: "Runs for",
    backfill: "See the backfill",
    kpi: "Cost (window)",
  },
} as const;

async function finishedRun(body: Record<string, unknown>): Promise<string> {
  const r = await e2e.h.admin("POST", "/v1/trigger", body);
  expect(r.status).toBe(202);
  await e2e.h.waitForRun(r.body.execution_uuid, isFinished);
  return r.body.execution_uuid as string;
}

describe("what a run cost, on its page and on the dashboard", () => {
  let counted = "";
  let cancelled = "";
  let backfilled = "";

  it("sets up a run that ended by itself, one cancelled mid-attempt and one of a backfill", async () => {
    counted = await finishedRun({ job_name: "test.slow", options: { ms: 50 } });
    const r = await e2e.h.admin("POST", "/v1/trigger", { job_name: "test.slow", options: { ms: 30_000 } });
    cancelled = r.body.execution_uuid;
    await e2e.h.waitForRun(cancelled, (x) => x.status === "RUNNING");
    expect((await e2e.h.admin("POST", `/v1/runs/${cancelled}/cancel`, {})).status).toBeLessThan(300);
    await e2e.h.waitForRun(cancelled, isFinished);
    const bf = await e2e.h.admin("POST", "/v1/jobs/test.logical_time/backfill", {
      schedule_expression: "cron(0 3 * * ? *)",
      timezone: "UTC",
      from: "2026-01-05T00:00:00Z",
      to: "2026-01-05T23:00:00Z",
    });
    expect(bf.status).toBe(200);
    backfilled = bf.body.runs[0].execution_uuid;
    await e2e.h.waitForRun(backfilled, isFinished);
  });

  for (const v of [
    { lang: "ja", phone: false },
    { lang: "en", phone: true },
  ] as const) {
    it(`${v.lang}${v.phone ? " at 390 px" : ""}: the run page prices the run and says when it is an estimate`, async () => {
      const w = WORDS[v.lang];
      const { page, context, errors } = await e2e.open({
        as: "viewer",
        phone: v.phone,
        at: `/runs/${counted}?lang=${v.lang}`,
      });
      try {
        const cost = page.locator("[data-testid=run-cost]");
        await cost.waitFor({ timeout: 10_000 });
        expect(await cost.getAttribute("data-basis")).toBe("counted");
        expect(await cost.textContent()).toMatch(/^\$\d/);
        expect(await cost.textContent()).not.toContain(w.estimated);
        expect(await page.locator("dt", { hasText: w.cost }).count()).toBeGreaterThan(0);

        await page.goto(`/runs/${cancelled}?lang=${v.lang}`);
        await page.locator("[data-testid=run-cost]").waitFor({ timeout: 10_000 });
        expect(await page.locator("[data-testid=run-cost]").getAttribute("data-basis")).toBe("estimated");
        expect(await page.locator("[data-testid=run-cost]").textContent()).toContain(w.estimated);

        await page.goto(`/runs/${backfilled}?lang=${v.lang}`);
        const runsFor = page.locator("[data-testid=run-for]");
        await runsFor.waitFor({ timeout: 10_000 });
        expect(await page.locator("dt", { hasText: w.runsFor }).count()).toBe(1);
        expect(await runsFor.textContent()).toMatch(v.lang === "ja" ? /2026\/01\/05 12:00/ : /2026/);
        const link = runsFor.locator("a", { hasText: w.backfill });
        expect(await link.getAttribute("href")).toMatch(/^\/backfills\/[0-9a-f]{32}$/);
        expect(await axeViolations(page)).toEqual([]);
        if (v.phone)
          expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

        await page.goto(`/?lang=${v.lang}`);
        const kpi = page.locator(".kpi", { hasText: w.kpi });
        await kpi.waitFor({ timeout: 10_000 });
        await expect.poll(() => kpi.locator(".kpi-value").textContent()).toMatch(/^\$\d/);
        const slowCost = page.locator(".spark-table tr", {
          has: page.locator('a[href="/history?job=test.slow"]'),
        });
        await expect.poll(() => slowCost.locator("[data-testid=job-cost]").textContent()).toMatch(/^\$\d/);
        expect(realErrors(errors)).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
