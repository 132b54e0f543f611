import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isFinished } from "#test/helpers/harness.ts";
import { axeViolations, realErrors, useE2eStack } from "./e2e-helpers.ts";

const e2e = useE2eStack();
const JOB = "listed_companies.sync";

describe("job card: cooldown after a manual run", () => {
  it("says the cooldown, then after a manual run until when it is in force, in ja and en at 390 px", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", phone: true });
    try {
      const card = page.locator(`[data-testid=job-card][data-job="${JOB}"]`);
      const line = card.locator("[data-testid=job-cooldown]");
      // Before any manual run: the rule, no "until".
      await page.goto("/jobs?lang=ja");
      await expect
        .poll(() => line.textContent(), { timeout: 10_000 })
        .toContain("手動実行後 1 時間はスケジュール実行をスキップ");
      expect(await card.locator("[data-testid=job-cooldown-active]").count()).toBe(0);

      // Run now from the card: the cooldown is then in force, until an hour after the run's start.
      await card.getByRole("button", { name: "▶ 今すぐ実行" }).click();
      const active = card.locator("[data-testid=job-cooldown-active]");
      await active.waitFor({ timeout: 10_000 });
      const job = (await e2e.h.admin("GET", `/v1/jobs/${JOB}`)).body;
      const until = new Date(job.cooldown.until);
      expect(until.getTime() - Date.parse(job.cooldown.manual_started_at)).toBe(3_600_000);
      const hhmm = until.toLocaleTimeString("ja-JP", {
        timeZone: "Asia/Tokyo",
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
      });
      const ja = await active.textContent();
      expect(ja).toContain("クールダウン中、終了は");
      expect(ja).toContain(hhmm);
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: join(tmpdir(), "jobdeck-cooldown-card-ja.png") });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await axeViolations(page)).toEqual([]);

      await page.goto("/jobs?lang=en");
      await expect
        .poll(() => line.textContent(), { timeout: 10_000 })
        .toContain("Scheduled runs are skipped for 1 h after a manual run");
      const en = await active.textContent();
      expect(en).toContain("cooling down until");
      expect(en).toContain(hhmm);
      expect(en).not.toMatch(/[ぁ-んァ-ン]/);
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: join(tmpdir(), "jobdeck-cooldown-card-en.png") });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      expect(await axeViolations(page)).toEqual([]);

      const runs = (await e2e.h.admin("GET", `/v1/runs?job_name=${JOB}`)).body.results;
      await Promise.all(
        runs.map((r: { execution_uuid: string }) => e2e.h.waitForRun(r.execution_uuid, isFinished)),
      );
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
