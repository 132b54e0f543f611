// Issue 17 part 4 in real Chromium at 390 px, in Japanese and in English: each Clone batch is run
// from the admin page's Run now dialog with its options (a bad 法人番号 refused in place, by the
// API, under its input), ends SUCCESS with its counts; the jobs page shows clone.facebook_sync's
// daily 02:00 JST schedule and no schedule for clone.ai_stub. The jobs fetch from the Clone
// stand-ins, as `npm run stand-ins` serves them for a demo.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CloneStandIns, startCloneStandIns } from "#local/clone-stand-ins.ts";
import type { Run } from "#schemas/run.ts";
import { isFinished } from "#test/helpers/harness.ts";
import { axeViolations, realErrors, useE2eStack } from "./e2e-helpers.ts";

let s: CloneStandIns;
const saved: Record<string, string | undefined> = {};
// Registered before useE2eStack's hooks, so the stand-ins run before the stack starts.
beforeAll(async () => {
  s = await startCloneStandIns();
  for (const [k, v] of Object.entries(s.env)) {
    if (!k.startsWith("JOBDECK_")) continue;
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterAll(async () => {
  await s?.close();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const e2e = useE2eStack(() => ({
  secretEnv: {
    HOUJIN_BANGOU_APP_ID: s.env.HOUJIN_BANGOU_APP_ID,
    FACEBOOK_GRAPH_ACCESS_TOKEN: s.env.FACEBOOK_GRAPH_ACCESS_TOKEN,
  },
  // the jobs' own default schedules, as `npm start` creates them at the first start
  defaultSchedules: true,
}));

const WORDS = {
  ja: { runNow: "今すぐ実行", noSchedules: "スケジュールはありません" },
  en: { runNow: "Run now", noSchedules: "No schedules" },
} as const;

const narrow = async (page: Page) =>
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

/** Opens Run now, picks `job`, lets `fill` set its options, submits; answers the started run once finished. */
async function runFromDialog(
  page: Page,
  lang: "ja" | "en",
  job: string,
  fill: (dialog: ReturnType<Page["locator"]>) => Promise<void> = async () => {},
): Promise<Run> {
  const before = new Set(
    ((await e2e.h.admin("GET", `/v1/runs?job_name=${job}&limit=50`)).body.results as Run[]).map(
      (r) => r.execution_uuid,
    ),
  );
  await page.getByRole("button", { name: WORDS[lang].runNow }).first().click();
  const dialog = page.locator("dialog[open]");
  await dialog.locator("#trigger-job").selectOption(job);
  await fill(dialog);
  await dialog.getByRole("button", { name: WORDS[lang].runNow }).click();
  await expect.poll(() => dialog.count(), { timeout: 10_000 }).toBe(0);
  let started: Run | undefined;
  await expect
    .poll(
      async () => {
        const runs = (await e2e.h.admin("GET", `/v1/runs?job_name=${job}&limit=50`)).body.results as Run[];
        started = runs.find((r) => !before.has(r.execution_uuid));
        return started?.execution_uuid ?? null;
      },
      { timeout: 10_000 },
    )
    .not.toBeNull();
  const run = await e2e.h.waitForRun((started as Run).execution_uuid, isFinished, 60_000);
  // the page shows the same end without a reload
  const row = page.locator(`[data-testid=run-row][data-uuid="${run.execution_uuid}"]`);
  await expect.poll(() => row.getAttribute("data-status"), { timeout: 15_000 }).toBe(run.status);
  return run;
}

describe("the Clone batches from the admin page (390 px)", () => {
  it("ja: 法人番号 with company_ids (a bad one refused in place), open data for one city; the jobs page shows the schedules", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", phone: true, at: "/history?lang=ja" });
    try {
      // A number that fails the check digit: the API's 400 lands under the company_ids input.
      await page.getByRole("button", { name: "今すぐ実行" }).first().click();
      const dialog = page.locator("dialog[open]");
      await dialog.locator("#trigger-job").selectOption("clone.corporate_number");
      await dialog.locator("#trigger-company_ids").fill("123");
      await dialog.getByRole("button", { name: "今すぐ実行" }).click();
      await expect
        .poll(() => dialog.locator("#trigger-company_ids-error").textContent())
        .toBe("値が正しくありません");
      expect(await axeViolations(page), "axe on the refused dialog").toEqual([]);
      await narrow(page);
      await dialog.getByRole("button", { name: "キャンセル" }).click();

      const corp = await runFromDialog(page, "ja", "clone.corporate_number", async (d) => {
        await d.locator("#trigger-company_ids").fill("5131689900299, 7408241844316");
      });
      expect(corp).toMatchObject({ status: "SUCCESS", input_count: 2, inserted_count: 2 });
      expect(corp.params).toMatchObject({
        company_ids: ["5131689900299", "7408241844316"],
        allow_missing_token: false,
      });

      const open = await runFromDialog(page, "ja", "clone.opendata", async (d) => {
        await d.locator("input[name=source_keys][value=yokohama]").check();
      });
      expect(open).toMatchObject({ status: "SUCCESS", input_count: 66 });
      expect(open.skip_breakdown).toMatchObject({ expired: 8 });
      // The run's page says its skip reasons in Japanese.
      await page.goto(`/runs/${open.execution_uuid}?lang=ja`);
      await expect.poll(() => page.locator("main").textContent(), { timeout: 10_000 }).toContain("期限切れ");
      await narrow(page);

      await page.goto("/jobs?lang=ja");
      const fb = page.locator('[data-testid=job-card][data-job="clone.facebook_sync"]');
      await expect
        .poll(() => fb.locator("[data-testid=job-schedule]").textContent())
        .toContain("毎日 02:00 JST");
      const stub = page.locator('[data-testid=job-card][data-job="clone.ai_stub"]');
      expect(await stub.locator("[data-testid=job-schedule]").count()).toBe(0);
      expect(await stub.textContent()).toContain(WORDS.ja.noSchedules);
      expect(await stub.textContent()).toContain("スタブ");
      await narrow(page);
      expect(await axeViolations(page), "axe on the jobs page").toEqual([]);
      await page.screenshot({ path: "/tmp/i17-clone-jobs-ja.png", fullPage: true });
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("en: Facebook sync and the AI stub run from the dialog; the jobs page says their schedules in English", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", phone: true, at: "/history?lang=en" });
    try {
      const fb = await runFromDialog(page, "en", "clone.facebook_sync");
      expect(fb).toMatchObject({ status: "SUCCESS", input_count: 22, inserted_count: 21 });
      expect(fb.skip_breakdown).toEqual({ duplicate: 1 });
      const stub = await runFromDialog(page, "en", "clone.ai_stub", async (d) => {
        await d.locator("#trigger-max_candidates").fill("5");
      });
      expect(stub).toMatchObject({ status: "SUCCESS", input_count: 5 });
      await narrow(page);

      const schedules = (await e2e.h.admin("GET", "/v1/schedules?job_name=clone.facebook_sync")).body
        .results as {
        schedule_expression: string;
        timezone: string;
        expression_description: { en: string };
      }[];
      expect(schedules.map((x) => [x.schedule_expression, x.timezone])).toEqual([
        ["cron(0 2 * * ? *)", "Asia/Tokyo"],
      ]);
      await page.goto("/jobs?lang=en");
      const card = page.locator('[data-testid=job-card][data-job="clone.facebook_sync"]');
      await expect
        .poll(() => card.locator("[data-testid=job-schedule]").textContent())
        .toContain(schedules[0]?.expression_description.en ?? "?");
      expect(await card.textContent()).toContain("Facebook Graph API");
      const ai = page.locator('[data-testid=job-card][data-job="clone.ai_stub"]');
      expect(await ai.textContent()).toContain(WORDS.en.noSchedules);
      expect(await ai.textContent()).toContain("stub");
      await narrow(page);
      await page.screenshot({ path: "/tmp/i17-clone-jobs-en.png", fullPage: true });
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
