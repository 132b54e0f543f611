// Issue 17, jquants.daily_bars on the admin page in real Chromium: its card shows the default
// weekday 18:30 JST schedule and its words in Japanese and in English, and a run for a market
// holiday (against the J-Quants stand-in) shows SKIPPED with the reason in the page's language.
import { describe, expect, it } from "vitest";
import { startJQuantsStandIn } from "#local/jquants-stand-in.ts";
import { isFinished } from "#test/helpers/harness.ts";
import type { StandIn } from "#test/helpers/source-stand-in.ts";
import { realErrors, useE2eStack } from "./e2e-helpers.ts";

const KEY = "e2e-jquants-key-91ab";
let jq: StandIn | undefined;
const e2e = useE2eStack(() => ({
  defaultSchedules: true,
  secretEnv: { JQUANTS_API_KEY: KEY },
}));

const JOB = "jquants.daily_bars";
const WORDS = {
  ja: {
    schedule: "平日 (月〜金) 18:30 JST",
    description: "日足",
    holiday: "休場日 — 2026-11-23",
    stage: "営業日確認",
  },
  en: {
    schedule: "Every weekday (Monday to Friday) at 18:30 JST",
    description: "daily bars",
    holiday: "Market holiday — 2026-11-23",
    stage: "Check calendar",
  },
} as const;

describe("jquants.daily_bars on the admin page", () => {
  it("the jobs page shows its weekday 18:30 JST schedule and its words; a holiday run reads SKIPPED, in ja and en", async () => {
    jq = await startJQuantsStandIn({ apiKey: KEY });
    const prior = { base: process.env.JOBDECK_JQUANTS_BASE_URL, rpm: process.env.JOBDECK_JQUANTS_RPM };
    process.env.JOBDECK_JQUANTS_BASE_URL = jq.url;
    process.env.JOBDECK_JQUANTS_RPM = "6000";
    try {
      const started = await e2e.h.admin("POST", "/v1/trigger", {
        job_name: JOB,
        options: { date: "2026-11-23" },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const run = await e2e.h.waitForRun(started.body.execution_uuid, isFinished);
      expect(run.status, run.error_summary ?? "").toBe("SKIPPED");

      for (const lang of ["ja", "en"] as const) {
        const { page, context, errors } = await e2e.open();
        try {
          await page.goto("/");
          await page.locator(".login-top select").selectOption(lang);
          await page.locator("#login-user").fill("e2e-admin");
          await page.locator("input[name=role][value=admin]").check();
          await page.locator("form button[type=submit]").click();
          await page.locator("header.topbar nav").waitFor();

          await page.goto("/jobs");
          const card = page.locator(`[data-testid=job-card][data-job="${JOB}"]`);
          await expect
            .poll(() => card.locator("[data-testid=job-schedule]").first().textContent(), { timeout: 10_000 })
            .toContain(WORDS[lang].schedule);
          expect(await card.textContent()).toContain(WORDS[lang].description);
          await expect
            .poll(() => card.locator("[data-testid=job-next-run]").textContent())
            .toContain("18:30 JST");

          await page.goto(`/runs/${run.execution_uuid}`);
          const note = page.locator("[data-testid=skipped-note]");
          await expect.poll(() => note.textContent(), { timeout: 10_000 }).toContain(WORDS[lang].holiday);
          expect(await page.locator("main").textContent()).toContain(WORDS[lang].stage);
          expect(realErrors(errors)).toEqual([]);
        } finally {
          await context.close();
        }
      }
    } finally {
      await jq.close();
      for (const [name, value] of [
        ["JOBDECK_JQUANTS_BASE_URL", prior.base],
        ["JOBDECK_JQUANTS_RPM", prior.rpm],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });
});
