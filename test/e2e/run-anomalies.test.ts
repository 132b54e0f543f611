// Issue 16 part 3 in the browser: a flagged run is badged in the history and found by its filter
// (?anomaly=true, a checkbox), its page says which counter, value vs baseline and the rule, and the
// dashboard counts and lists it — in Japanese and English, at 390 px, with axe at 0 violations.
import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { beforeAll, expect, it } from "vitest";
import type { Run } from "#schemas/run.ts";
import { axeViolations, seedRuns, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();
let runs: Run[] = [];
let flagged: Run;

beforeAll(async () => {
  runs = await seedRuns(e2e.h, 6, new Date(Date.now() - 60_000), () => ({
    job: "listed_companies.sync",
    status: "SUCCESS",
    source: "jquants_listed_info",
  }));
  const base = runs[0] as Run;
  flagged = {
    ...base,
    execution_uuid: randomUUID(),
    started_at: new Date(Date.now() - 30_000).toISOString(),
    input_count: 300,
    anomalies: [{ counter: "input_count", value: 300, baseline: 4400, ratio: 0.0682, rule: "drop>=90%" }],
  };
  expect(await e2e.h.stack.deps.runs.create(flagged)).toBe(true);
});

async function settled(page: Page) {
  await page.locator("main h1").waitFor();
  await expect
    .poll(() => page.locator("[data-state=loading], [aria-busy=true]").count(), { timeout: 10_000 })
    .toBe(0);
}

const WORDS = {
  ja: { badge: "異常値", filter: "異常値のみ", line: "取得件数: 300 件（基準値 4,400 件）— 90% 以上の減少" },
  en: {
    badge: "Anomaly",
    filter: "Anomalies only",
    line: "Fetched: 300 (baseline 4,400) — a drop of 90% or more",
  },
} as const;

for (const lang of ["ja", "en"] as const) {
  it(`${lang}: the history badges the flagged run and its filter shows only it; the run page and dashboard say what was flagged`, async () => {
    const w = WORDS[lang];
    const { page, context, errors } = await e2e.open({
      as: "admin",
      phone: true,
      at: `/history?lang=${lang}`,
    });
    try {
      await page.goto(`/history?period=7d&lang=${lang}`);
      await settled(page);
      await expect.poll(() => page.locator("[data-testid=run-row]").count()).toBe(7);
      const badges = page.locator("[data-testid=anomaly-badge]");
      expect(await badges.count()).toBe(1);
      const row = page.locator(`[data-testid=run-row][data-uuid="${flagged.execution_uuid}"]`);
      expect(await row.locator("[data-testid=anomaly-badge]").innerText()).toContain(w.badge);

      await page.getByLabel(w.filter).check();
      await expect.poll(() => new URL(page.url()).searchParams.get("anomaly")).toBe("true");
      await expect.poll(() => page.locator("[data-testid=run-row]").count()).toBe(1);
      expect(await page.locator("[data-testid=run-row]").getAttribute("data-uuid")).toBe(
        flagged.execution_uuid,
      );
      await settled(page);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/anomaly-history-${lang}.png`, fullPage: true });

      await page.goto(`/runs/${flagged.execution_uuid}?lang=${lang}`);
      await settled(page);
      const note = page.locator("[data-testid=anomaly-note]");
      expect(await note.locator("li").innerText()).toBe(w.line);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/anomaly-run-${lang}.png`, fullPage: true });

      await page.goto(`/?window=24h&lang=${lang}`);
      await settled(page);
      const list = page.locator("[data-testid=anomaly-list]");
      await list.waitFor();
      expect(await list.locator("li").count()).toBe(1);
      expect(await list.locator("li").innerText()).toContain(w.line);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: `/tmp/anomaly-dashboard-${lang}.png`, fullPage: true });
      expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    } finally {
      await context.close();
    }
  });
}
