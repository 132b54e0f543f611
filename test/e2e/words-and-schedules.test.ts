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
      // The job card's change-time dialog (a PATCH of the expression alone) renames it too.
      await page.goto("/jobs");
      const card = page.locator('[data-testid=job-card][data-job="listed_companies.sync"]');
      await card.getByRole("button", { name: "時刻を変更" }).click();
      const dialog = page.locator("dialog[open]");
      await dialog.locator("#change-time").fill("07:45");
      await dialog.getByRole("button", { name: "保存" }).click();
      await expect
        .poll(() => card.locator("[data-testid=job-schedule]").first().getAttribute("data-schedule"), {
          timeout: 10_000,
        })
        .toBe("listed_companies_sync_daily_0745");
      const patched = (await e2e.h.admin("GET", `/v1/schedules/${s.id}`)).body as ScheduleView;
      expect(patched.description).toBe("毎日 07:45 JST");
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
      // The form opens on the first job of the list (issue 17: clone.ai_stub, category "clone").
      const jobs = (await e2e.h.admin("GET", "/v1/jobs")).body.results as {
        name: string;
        category: string;
      }[];
      await expect.poll(() => page.locator("#s-job").inputValue()).not.toBe("");
      const firstName = await page.locator("#s-job").inputValue();
      const first = jobs.find((j) => j.name === firstName);
      expect(first?.category).toBeDefined();
      expect(first?.category).not.toBe("pipeline");
      await expect.poll(() => page.locator("#s-category").inputValue()).toBe(first?.category);
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

const KANA = /[\u3040-\u30ff]/;
/** An English word of 3+ letters (a sentence in English would have several). */
const ENGLISH_WORD = /\b[A-Za-z]{3,}\b/;

describe("problem 7: words in the operator's language", () => {
  it("problem 7: stage names, progress messages, skip reasons and job descriptions follow the page's language", async () => {
    const started = await e2e.h.admin("POST", "/v1/trigger", {
      job_name: "recap.pipeline",
      options: { stage_delay_ms: 1200 },
    });
    expect(started.status).toBe(202);
    const id = (started.body as { execution_uuid: string }).execution_uuid;
    const { page, context, errors } = await e2e.open({ as: "admin", at: `/runs/${id}?lang=ja` });
    try {
      // Japanese: the stages and the running message are Japanese words, numbers and all.
      const stageNames = page.locator(".stages .stage-name");
      await expect.poll(() => stageNames.allTextContents(), { timeout: 10_000 }).toContain("前処理");
      expect(await stageNames.allTextContents()).toEqual([
        "取得",
        "前処理",
        "重複除去",
        "ジャンル分類",
        "選定",
        "根拠抽出",
        "配信",
        "保存",
      ]);
      const message = page.locator(".progress-message");
      await expect
        .poll(async () => KANA.test((await message.textContent()) ?? ""), { timeout: 10_000 })
        .toBe(true);
      expect(await message.textContent()).not.toMatch(ENGLISH_WORD);

      // English: the same run in English words, no kana.
      await page.goto(`/runs/${id}?lang=en`);
      await expect.poll(() => stageNames.count(), { timeout: 10_000 }).toBe(8);
      expect(await stageNames.allTextContents()).toContain("Preprocess");
      await expect.poll(async () => ((await message.textContent()) ?? "").trim().length).toBeGreaterThan(0);
      expect(await message.textContent()).not.toMatch(KANA);

      // Finished: the skip breakdown names its reasons in the page's language.
      await expect
        .poll(() => page.locator("[data-testid=run-page]").getAttribute("data-status"), { timeout: 30_000 })
        .toBe("SUCCESS");
      const reasons = page.locator("[data-testid=skip-breakdown] .bar-label");
      await expect.poll(() => reasons.allTextContents()).toContain("Duplicate");
      for (const r of await reasons.allTextContents()) expect(r).not.toMatch(KANA);
      expect(await page.locator("main").innerText()).not.toMatch(KANA);
      await page.goto(`/runs/${id}?lang=ja`);
      await expect.poll(() => reasons.allTextContents()).toContain("重複");
      for (const r of await reasons.allTextContents()) expect(r).not.toMatch(/^[a-z_]+$/);
      const timeline = page.locator("ol.timeline strong");
      expect(await timeline.allTextContents()).toContain("根拠抽出");

      // Job descriptions: one language at a time, not both glued together.
      const desc = page.locator('[data-testid=job-card][data-job="recap.pipeline"] .desc');
      await page.goto("/jobs?lang=en");
      await desc.waitFor();
      expect(await desc.textContent()).toBe(
        "Builds per-genre news digests in 8 stages (Fetch → … → Persist).",
      );
      await page.goto("/jobs?lang=ja");
      await desc.waitFor();
      const ja = (await desc.textContent()) ?? "";
      expect(ja).toMatch(KANA);
      expect(ja).not.toContain("Builds per-genre");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("problem 7: the schedule form says the server's validation errors in Japanese, with a suggestion that is valid", async () => {
    const { page, context, errors } = await e2e.open({ as: "admin", at: "/schedules/new?lang=ja" });
    try {
      await page.locator("#s-expr").fill("cron(0 9 * * * *)");
      const alert = page.locator("#s-preview [role=alert]");
      await expect.poll(() => alert.textContent()).toContain("日と曜日のどちらか一方を ? にしてください");
      expect(await alert.textContent()).toContain("cron(0 9 * * ? *)");
      expect(await alert.textContent()).not.toContain("exactly one");
      // Its suggestion is accepted as it is.
      await page.locator("#s-expr").fill("cron(0 9 * * ? *)");
      await expect
        .poll(() => page.locator("[data-testid=preview-description]").textContent())
        .toBe("毎日 09:00 JST");
      await page.locator("#s-tz").fill("Mars/Olympus");
      await expect
        .poll(() => alert.textContent())
        .toContain("「Mars/Olympus」というタイムゾーンはありません");
      // Saving is refused in place with the same words; nothing is sent.
      await page.getByRole("button", { name: "保存" }).click();
      await expect
        .poll(() => page.locator("#s-expr-error").textContent())
        .toContain("「Mars/Olympus」というタイムゾーンはありません");
      expect(realErrors(errors)).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
